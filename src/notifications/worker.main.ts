import 'reflect-metadata';
import { stopTracing } from '../observability/tracing';
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../shared/logger';
import { lowerProcessPriority } from '../shared/threads';
import { configureSealing } from '../shared/sealing';
import { ChangeFeed } from './change-feed';
import { startStandaloneWorker } from './standalone-worker';

/**
 * `npm run webhooks`: a process that only delivers webhooks (README "Notifications"), beside API
 * replicas started with WEBHOOK_WORKER=false, so that deliveries never share an event loop with
 * requests. It needs the API's database (DATABASE_URL) and the same ID_SECRET (deliveries carry
 * redacted patient ids sealed as the API seals them); it runs no migrations. Any number may run:
 * they share the work through PostgreSQL. SIGTERM: deliveries in flight finish, then exit 0.
 * Like the API's delivery thread it runs at lower CPU priority: on a machine it shares with an
 * API, requests get the cores first (deliveries are due within about WEBHOOK_POLL_MS anyway).
 */
async function main(): Promise<void> {
  lowerProcessPriority();
  const config = loadConfig();
  if (!config.databaseUrl) throw new ConfigError(['the webhook worker needs DATABASE_URL: the database of the API it delivers for']);
  const logger = createLogger(config.logLevel);
  configureSealing(config.idSecret);
  const feed = new ChangeFeed(config.databaseUrl, logger);
  await feed.start();
  const { close } = await startStandaloneWorker(
    { databaseUrl: config.databaseUrl, db: config.db, settings: { ...config.webhooks, production: config.nodeEnv === 'production' }, audit: config.audit.enabled },
    feed,
    logger,
  );

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'webhook worker stopping');
    await close();
    await feed.close();
    await stopTracing();
    logger.info('webhook worker stopped');
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  logger.info({ concurrency: config.webhooks.concurrency }, 'delivering webhooks');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
