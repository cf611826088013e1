import type { Config } from '../config';
import { createDataSource } from '../database/data-source';
import { buildAppSchema } from '../graphql/schema';
import type { Logger } from '../shared/logger';
import type { ChangeFeed } from './change-feed';
import { changeReader } from './change-execution';
import { startWebhookWorker, type WebhookWorker, type WebhookWorkerSettings } from './webhook-worker';

/** Distinct reads named per connection of the worker's pool (about one per record type and selection shape). */
const NAMED_STATEMENTS = 64;

export interface StandaloneWorkerOptions {
  databaseUrl: string;
  db: Config['db'];
  settings: WebhookWorkerSettings;
  /** Audit what deliveries read (AUDIT_ENABLED), as requests do. */
  audit: boolean;
}

/**
 * A delivery worker on connections and a schema of its own, apart from any API's: the one of a
 * worker thread (webhook-thread.entry.ts) and of a worker process (worker.main.ts, `npm run
 * webhooks`). `close` lets the deliveries in flight finish, then closes its connections.
 */
export async function startStandaloneWorker(options: StandaloneWorkerOptions, feed: ChangeFeed | null, logger: Logger): Promise<{ worker: WebhookWorker; close(): Promise<void> }> {
  const db = createDataSource({
    url: options.databaseUrl,
    poolSize: options.settings.concurrency + 1,
    applicationName: 'alliance-graph-webhooks',
    connectTimeoutMs: options.db.connectTimeoutMs,
    statementTimeoutMs: options.db.statementTimeoutMs,
    idleInTransactionTimeoutMs: options.db.idleInTransactionTimeoutMs,
    // Its reads are few statements run for every batch: planned once per connection, not per call.
    namedStatements: NAMED_STATEMENTS,
  });
  await db.initialize();
  const worker = startWebhookWorker(changeReader(db, await buildAppSchema(), options.audit), options.databaseUrl, feed, options.settings, logger);
  return {
    worker,
    async close() {
      await worker.stop();
      await db.destroy();
    },
  };
}
