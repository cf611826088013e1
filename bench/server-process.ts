import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createTokenVerifier } from '../src/access/token';
import { createDataSource, poolOf, sqlObserver } from '../src/database/data-source';
import { loadConfig } from '../src/config';
import { startHttpServer } from '../src/http/server';
import { configureNetwork, stopNetworkWorker } from '../src/modules/metrics/network.service';

/**
 * The server under benchmark, in its own process so that its CPU time is its own. The parent
 * asks for counters over IPC ('stats') before and after each scenario.
 */
/** Clock ticks per second of /proc's CPU times (as bench/run.ts reads them). */
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

async function main(): Promise<void> {
  const url = process.env.BENCH_DB_URL;
  const secret = process.env.BENCH_JWT_SECRET;
  if (!url || !secret) throw new Error('BENCH_DB_URL and BENCH_JWT_SECRET are set by bench/run.ts');
  const db = createDataSource({ url, poolSize: 10 });
  await db.initialize();
  // Production settings, with rate limits far above what the benchmark sends from one address.
  // BENCH_NODE_ENV=test (bench/notifications.ts): development rules for webhook URLs, so that
  // deliveries may go to the receiver on 127.0.0.1; BENCH_WEBHOOK_WORKER: the worker in this process.
  const config = loadConfig({
    NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
    WEBHOOK_WORKER: process.env.BENCH_WEBHOOK_WORKER ?? 'true',
    JWT_SECRET: secret,
    ID_SECRET: 'bench-'.repeat(8),
    DATABASE_URL: url,
    RATE_LIMIT_USER: '10000000',
    RATE_LIMIT_IP: '10000000',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    // 'false' for the benchmark's audit-off server (bench/run.ts).
    AUDIT_ENABLED: process.env.BENCH_AUDIT ?? 'true',
    NETWORK_BETWEENNESS_PIVOTS: process.env.NETWORK_BETWEENNESS_PIVOTS,
  });
  configureNetwork(config.network);
  // The event loop's delay, sampled every millisecond, and the CPU time of the main thread alone
  // (Linux: /proc/self/task/<pid>/stat; the worker threads are other tasks): 'loop-reset' starts a
  // window, 'loop' reports it (ms). A delay with little main-thread CPU is the thread waiting for a
  // core (a loaded machine), not the event loop held by work.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const mainThreadCpuMs = (): number | null => {
    try {
      const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return null;
    }
  };
  let cpuAtReset = mainThreadCpuMs();
  // The longest gap between 1 ms timer ticks in the window, and the main thread's CPU time within
  // it (10 ms resolution): a gap the thread spent computing is the event loop held; a gap without
  // CPU is the thread waiting for a core.
  let longest = { ms: 0, cpuMs: 0 as number | null };
  let lastTick = { at: performance.now(), cpu: mainThreadCpuMs() };
  const ticker = setInterval(() => {
    const tick = { at: performance.now(), cpu: mainThreadCpuMs() };
    if (tick.at - lastTick.at > longest.ms) {
      longest = { ms: tick.at - lastTick.at, cpuMs: tick.cpu === null || lastTick.cpu === null ? null : tick.cpu - lastTick.cpu };
    }
    lastTick = tick;
  }, 1);
  ticker.unref();
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
    } else if (message === 'loop-reset') {
      loop.reset();
      cpuAtReset = mainThreadCpuMs();
      longest = { ms: 0, cpuMs: 0 };
      lastTick = { at: performance.now(), cpu: cpuAtReset };
      process.send?.({ reset: true });
    } else if (message === 'loop') {
      const cpu = mainThreadCpuMs();
      process.send?.({
        maxMs: loop.max / 1e6,
        p99Ms: loop.percentile(99) / 1e6,
        meanMs: loop.mean / 1e6,
        samples: loop.count,
        mainThreadCpuMs: cpu === null || cpuAtReset === null ? null : cpu - cpuAtReset,
        longestStallMs: longest.ms,
        longestStallCpuMs: longest.cpuMs,
      });
    } else if (message === 'stop') {
      clearInterval(ticker);
      void http
        .stop()
        .then(() => stopNetworkWorker())
        .then(() => db.destroy())
        .then(() => process.exit(0));
    }
  });
  process.send?.({ ready: http.url });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
