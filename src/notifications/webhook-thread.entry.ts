import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../shared/logger';
import { configureSealing } from '../shared/sealing';
import { lowerThreadPriority } from '../shared/threads';
import type { FromWebhookThread, ToWebhookThread, WebhookThreadData } from './webhook-thread';
import { startStandaloneWorker } from './standalone-worker';

// The delivery thread's entry (started by webhook-thread.ts): the worker of webhook-worker.ts on
// connections and a schema of its own, woken by the API's thread, stopped by it.
if (!parentPort) throw new Error('webhook-thread.entry.ts runs as a worker thread (see webhook-thread.ts)');
const port = parentPort;
const data = workerData as WebhookThreadData;
const send = (message: FromWebhookThread): void => port.postMessage(message);

async function main(): Promise<void> {
  lowerThreadPriority();
  configureSealing(data.sealingSecret);
  const logger = createLogger(data.logLevel, { write: (line: string) => send({ log: line }) });
  const { worker, close } = await startStandaloneWorker(data, null, logger);
  let stopping = false;
  port.on('message', (message: ToWebhookThread) => {
    if (message === 'wake') worker.wake();
    else if (message === 'stop' && !stopping) {
      stopping = true;
      // Then ends this thread only (the API's process goes on).
      void close().finally(() => process.exit(0));
    }
  });
  send({ ready: true });
  logger.info({ concurrency: data.settings.concurrency }, 'delivering webhooks');
}

main().catch((error: unknown) => {
  send({ log: JSON.stringify({ level: 'error', msg: `the webhook delivery thread could not start: ${error instanceof Error ? error.message : String(error)}` }) });
  process.exit(1);
});
