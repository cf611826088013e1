import 'reflect-metadata';
import { createTokenVerifier } from '../src/access/token';
import { createDataSource, poolOf, sqlObserver } from '../src/database/data-source';
import { loadConfig } from '../src/config';
import { startHttpServer } from '../src/http/server';

/**
 * The server under benchmark, in its own process so that its CPU time is its own. The parent
 * asks for counters over IPC ('stats') before and after each scenario.
 */
async function main(): Promise<void> {
  const url = process.env.BENCH_DB_URL;
  const secret = process.env.BENCH_JWT_SECRET;
  if (!url || !secret) throw new Error('BENCH_DB_URL and BENCH_JWT_SECRET are set by bench/run.ts');
  const db = createDataSource({ url, poolSize: 10 });
  await db.initialize();
  // Production settings, with rate limits far above what the benchmark sends from one address.
  const config = loadConfig({
    NODE_ENV: 'production',
    JWT_SECRET: secret,
    ID_SECRET: 'bench-'.repeat(8),
    DATABASE_URL: url,
    RATE_LIMIT_USER: '10000000',
    RATE_LIMIT_IP: '10000000',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    // 'false' for the benchmark's audit-off server (bench/run.ts).
    AUDIT_ENABLED: process.env.BENCH_AUDIT ?? 'true',
  });
  const http = await startHttpServer({ db, verifyToken: createTokenVerifier(config), config, port: 0, host: '127.0.0.1' });
  process.on('message', (message: unknown) => {
    if (message === 'stats') {
      const cpu = process.cpuUsage();
      const pool = poolOf(db);
      process.send?.({
        cpuMicros: cpu.user + cpu.system,
        statements: sqlObserver(db).statements,
        rss: process.memoryUsage().rss,
        busy: pool ? pool.totalCount - pool.idleCount + pool.waitingCount : 0,
      });
    } else if (message === 'stop') {
      void http.stop().then(() => db.destroy()).then(() => process.exit(0));
    }
  });
  process.send?.({ ready: http.url });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
