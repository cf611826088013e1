import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Config } from '../config';
import type { Logger } from '../shared/logger';
import { sealingSecret } from '../shared/sealing';
import { startThread } from '../shared/threads';
import type { ChangeFeed } from './change-feed';
import type { WebhookWorker, WebhookWorkerSettings } from './webhook-worker';

/** What the delivery thread is started with (plain data: it crosses to the thread). */
export interface WebhookThreadData {
  databaseUrl: string;
  db: Config['db'];
  settings: WebhookWorkerSettings;
  audit: boolean;
  sealingSecret: string;
  logLevel: string;
}

/** Messages between the API's thread and the delivery thread. */
export type ToWebhookThread = 'wake' | 'stop';
export type FromWebhookThread = { ready: true } | { log: string };

/** A crashed delivery thread is started again after this long. */
const RESTART_DELAY_MS = 5_000;

/**
 * The webhook worker of an API process (WEBHOOK_WORKER=true), in a worker thread of its own, at
 * lower priority: the reads, signatures and POSTs of deliveries never run on the event loop that
 * serves requests, and on a busy machine the requests get the core first. The thread has its own
 * connections (its pool and the API's are apart) and its own schema; this thread's change feed
 * wakes it. Its log lines come back here and go out through the API's logger. If it crashes it is
 * started again (deliveries it held are released with its connections and retried).
 */
export function startWebhookThread(options: Omit<WebhookThreadData, 'sealingSecret'>, feed: ChangeFeed | null, logger: Logger): WebhookWorker {
  // Deliveries seal redacted patient ids as this process's requests do.
  const data: WebhookThreadData = { ...options, sealingSecret: sealingSecret() };
  let thread: Worker | null = null;
  let ready = false;
  let stopping = false;
  let restart: NodeJS.Timeout | null = null;

  const relog = (line: string): void => {
    try {
      const { level, msg, time: _time, service: _service, pid: _pid, hostname: _hostname, ...fields } = JSON.parse(line) as Record<string, unknown>;
      // The level as its label (shared/logger.ts writes labels).
      const method = (['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const).find((label) => label === level) ?? 'info';
      logger[method]({ ...fields, thread: 'webhooks' }, String(msg ?? ''));
    } catch {
      logger.info({ thread: 'webhooks' }, line);
    }
  };

  const start = (): void => {
    const started = startThread(path.join(__dirname, 'webhook-thread.entry'), { workerData: data, callerFile: __filename });
    thread = started;
    ready = false;
    started.on('message', (message: FromWebhookThread) => {
      if ('log' in message) relog(message.log);
      else if (thread === started) ready = true;
    });
    started.on('error', (error) => logger.error({ err: { type: error.name, message: error.message } }, 'the webhook delivery thread crashed'));
    started.on('exit', (code) => {
      if (thread !== started) return;
      thread = null;
      if (stopping) return;
      logger.warn({ code }, 'the webhook delivery thread ended; starting it again');
      restart = setTimeout(() => {
        restart = null;
        if (!stopping) start();
      }, RESTART_DELAY_MS);
      restart.unref();
    });
  };
  start();

  const wake = (): void => {
    thread?.postMessage('wake' satisfies ToWebhookThread);
  };
  const unsubscribe = feed?.subscribe(wake);

  return {
    wake,
    async stop() {
      if (stopping) return;
      stopping = true;
      unsubscribe?.();
      if (restart) clearTimeout(restart);
      const current = thread;
      if (!current) return;
      // A thread still starting holds nothing: it is ended. Otherwise the deliveries in flight
      // finish, then it ends itself (or is ended after the receivers' timeout).
      if (!ready) {
        await current.terminate();
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => void current.terminate(), data.settings.timeoutMs + 5_000);
        current.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        current.postMessage('stop' satisfies ToWebhookThread);
      });
    },
  };
}
