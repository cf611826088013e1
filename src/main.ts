import 'reflect-metadata';
// First: tracing (when configured) must be running before anything loads `pg`.
import { stopTracing } from './observability/tracing';
import { createTokenVerifier } from './access/token';
import { ConfigError, loadConfig } from './config';
import { scheduleAuditMaintenance } from './database/audit-partitions';
import { openDatabase } from './database/database';
import { takeOverSignals } from './database/embedded';
import { startHttpServer } from './http/server';
import { configureNetwork, stopNetworkWorker } from './modules/metrics/network.service';
import { createLogger } from './shared/logger';
import { configureSealing } from './shared/sealing';
import { isDatabaseEmpty, seedDemo } from '../seeds/demo';

/** Bootstrap only: config → database → server, and a graceful stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  configureSealing(config.idSecret);
  configureNetwork(config.network);
  const database = await openDatabase(config, (line) => logger.info(line));
  const db = database.dataSource;
  if (config.seedOnEmpty && (await isDatabaseEmpty(db))) {
    const report = await seedDemo(db);
    logger.info(`empty database: loaded the demo alliance (${report.rows} rows in ${report.ms} ms)`);
  }
  const stopAuditMaintenance = scheduleAuditMaintenance(
    db,
    config.audit.retentionMonths,
    (done) => logger.info({ done }, 'audit partitions maintained'),
    (error) => logger.error({ err: { type: (error as Error).name } }, 'audit partition maintenance failed'),
  );
  const http = await startHttpServer({ db, verifyToken: createTokenVerifier(config), config, logger });

  // SIGTERM: /readyz says 503 at once; requests keep being served for SHUTDOWN_DELAY_MS (so the
  // load balancer can notice), then the server stops accepting and in-flight requests get up to
  // SHUTDOWN_DRAIN_MS; then the database (embedded: stopped) and exit 0.
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    http.markDraining();
    logger.info({ signal, delayMs: config.http.shutdownDelayMs, drainMs: config.http.drainTimeoutMs }, 'stopping: draining requests');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.http.shutdownDelayMs + config.http.drainTimeoutMs + 10_000);
    force.unref();
    try {
      await new Promise((resolve) => setTimeout(resolve, config.http.shutdownDelayMs));
      await http.stop();
      await stopNetworkWorker();
      stopAuditMaintenance();
      await database.close();
      // The spans of the last requests are exported before the process ends.
      await stopTracing();
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    } catch (error) {
      logger.error({ err: { type: (error as Error).name, message: (error as Error).message } }, 'error while stopping');
      process.exit(1);
    }
  };
  takeOverSignals();
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  logger.info({ url: http.url, database: database.description, rateLimits: config.rateLimit.redisUrl ? 'redis' : 'memory' }, 'serving GraphQL');
  if (config.nodeEnv !== 'production') {
    console.log(
      [
        '',
        `Alliance Graph is serving GraphQL at ${http.url}`,
        `  database: ${database.description}`,
        `  health: ${http.origin}/healthz  readiness: ${http.origin}/readyz  metrics: ${http.origin}/metrics`,
        '  open that address in a browser for the explorer; every data field needs a bearer token:',
        '    npm run --silent token -- --role ADMIN',
        `  then send the header  Authorization: Bearer <token>`,
        '',
      ].join('\n'),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
