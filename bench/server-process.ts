import 'reflect-metadata';
import { createTokenVerifier } from '../src/access/token';
import { createDataSource, sqlObserver } from '../src/database/data-source';
import { startHttpServer } from '../src/graphql/http';

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
  const http = await startHttpServer({
    db,
    verifyToken: createTokenVerifier({ jwtSecret: secret, jwksUrl: undefined, jwtIssuer: undefined, jwtAudience: undefined }),
    port: 0,
    host: '127.0.0.1',
    introspection: false,
  });
  process.on('message', (message: unknown) => {
    if (message === 'stats') {
      const cpu = process.cpuUsage();
      process.send?.({ cpuMicros: cpu.user + cpu.system, statements: sqlObserver(db).statements, rss: process.memoryUsage().rss });
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
