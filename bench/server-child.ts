import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The secret of the tokens the benchmarks mint (the servers they start verify with it). */
export const SECRET = 'bench-secret-bench-secret-bench-secret-0001';

/** A server's counters (bench/server-process.ts answers 'stats'). */
export interface Stats {
  cpuMicros: number;
  statements: number;
  rss: number;
  /** Pool connections in use plus requests waiting for one. */
  busy: number;
}

/** The server under benchmark, a child process (bench/server-process.ts). */
export interface Server {
  child: ChildProcess;
  url: string;
}

/**
 * Starts bench/server-process.ts on `dbUrl`: production settings unless `env` says otherwise
 * (BENCH_NODE_ENV, BENCH_WEBHOOK_WORKER are passed on to its configuration).
 */
export function startServer(dbUrl: string, audit: boolean, env: Record<string, string> = {}): Promise<Server> {
  const child = fork(path.join(__dirname, 'server-process.ts'), [], {
    // BENCH_CPU_PROF=<folder>: each server writes a V8 CPU profile there when it stops.
    execArgv: ['-r', 'ts-node/register/transpile-only', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [])],
    env: { ...process.env, ...env, BENCH_DB_URL: dbUrl, BENCH_JWT_SECRET: SECRET, BENCH_AUDIT: String(audit), NODE_ENV: env.BENCH_NODE_ENV ?? 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    child.once('message', (message) => resolve({ child, url: (message as { ready: string }).ready }));
  });
}

export function stats(child: ChildProcess): Promise<Stats> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message as Stats));
    child.send('stats');
  });
}

export const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Parent pid and CPU ticks of a process from /proc/<pid>/stat (null if it is gone). */
export function procStat(pid: number): { ppid: number; ticks: number; childTicks: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces): state ppid … utime stime cutime cstime.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]) };
}

/**
 * CPU time (ms, user + system) the PostgreSQL cluster has used so far: the postmaster, its live
 * children (backends, walwriter, checkpointer …), and through the postmaster's cutime/cstime the
 * children it has already reaped (a backend whose connection closed mid-window still counts).
 */
export function clusterCpuMs(postmasterPid: number): number {
  const postmaster = procStat(postmasterPid);
  if (!postmaster) throw new Error(`PostgreSQL (pid ${postmasterPid}) is gone`);
  let ticks = postmaster.ticks + postmaster.childTicks;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = procStat(Number(entry));
    if (child?.ppid === postmasterPid) ticks += child.ticks;
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}


/** CPU time (ms, user + system, all threads) a process has used so far, from /proc/<pid>/stat. */
export function processCpuMs(pid: number): number {
  const stat = procStat(pid);
  if (!stat) throw new Error(`process ${pid} is gone`);
  return (stat.ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}
