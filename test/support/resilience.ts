import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { types } from 'node:util';
import { Client } from 'pg';
import { DATABASE_MESSAGES } from '../../src/graphql/server';

/**
 * jest runs a test file in a vm context whose `Error` is not the one Node core uses, so errors
 * that Node itself creates (ECONNREFUSED, ECONNRESET, EPIPE from `net`) fail `instanceof Error`
 * in here, which never happens in a real process. graphql-js would then take such an error,
 * thrown or returned by a resolver, for a plain value ("Unexpected error value", or a result
 * object without fields). So that the server runs in process as it runs in production,
 * `x instanceof Error` in this context also accepts errors of the other realm.
 */
export function acceptErrorsOfEveryRealm(): void {
  const ownHasInstance = Function.prototype[Symbol.hasInstance];
  Object.defineProperty(Error, Symbol.hasInstance, {
    configurable: true,
    value(this: unknown, value: unknown): boolean {
      return ownHasInstance.call(this, value) || (this === Error && types.isNativeError(value));
    },
  });
}

/** What the server may answer when the database cannot be reached (src/graphql/server.ts): in a query, in a mutation, after its commit. */
export const UNAVAILABLE: ReadonlySet<string> = new Set(Object.values(DATABASE_MESSAGES.unavailable));
/** What the server may answer when statement_timeout cancelled the work. */
export const TOO_SLOW: ReadonlySet<string> = new Set(Object.values(DATABASE_MESSAGES.timeout));

export interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}
export interface GqlBody {
  data?: Record<string, unknown> | null;
  errors?: GqlError[];
}

/** One HTTP exchange, timed: status 0 means no response at all (refused, reset, or our own time bound hit). */
export interface Exchange {
  status: number;
  ms: number;
  /** When it was sent (performance.now(), the clock of this process). */
  at: number;
  contentType: string;
  retryAfter: string | null;
  text: string;
  body?: GqlBody;
  /** No response: 'hang' when the time bound aborted it, else the network error's code or message. */
  networkError?: string;
}

/** POST a GraphQL operation; never throws, never waits longer than `timeoutMs`. */
export async function postGraphql(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  timeoutMs = 15_000,
): Promise<Exchange> {
  const at = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: GqlBody | undefined;
    try {
      body = JSON.parse(text) as GqlBody;
    } catch {
      body = undefined;
    }
    return {
      status: response.status,
      ms: performance.now() - at,
      at,
      contentType: response.headers.get('content-type') ?? '',
      retryAfter: response.headers.get('retry-after'),
      text,
      body,
    };
  } catch (error) {
    return { status: 0, ms: performance.now() - at, at, contentType: '', retryAfter: null, text: '', networkError: networkErrorOf(error) };
  }
}

/** GET a JSON endpoint (/healthz, /readyz); never throws. */
export async function getJson(url: string, timeoutMs = 10_000): Promise<{ status: number; ms: number; json?: Record<string, unknown>; networkError?: string }> {
  const at = performance.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return { status: response.status, ms: performance.now() - at, json };
  } catch (error) {
    return { status: 0, ms: performance.now() - at, networkError: networkErrorOf(error) };
  }
}

function networkErrorOf(error: unknown): string {
  const candidate = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (candidate.name === 'TimeoutError' || candidate.name === 'AbortError') return 'hang';
  return candidate.cause?.code ?? candidate.cause?.message ?? candidate.message ?? String(error);
}

export type Verdict = 'ok' | 'unavailable' | 'timeout' | 'bad';

/**
 * What an exchange was: a success with data, the clear database-unavailable answer (HTTP 503,
 * Retry-After, JSON, only that message and INTERNAL_SERVER_ERROR), the clear timeout answer, or
 * anything else ('bad': a hang, a raw database message, an HTML page, a 500, a stack…).
 */
export function verdictOf(exchange: Exchange): { verdict: Verdict; why?: string } {
  const { body } = exchange;
  if (exchange.status === 0) return { verdict: 'bad', why: `no response (${exchange.networkError})` };
  if (!exchange.contentType.startsWith('application/json') || !body) {
    return { verdict: 'bad', why: `HTTP ${exchange.status} ${exchange.contentType}: ${exchange.text.slice(0, 300)}` };
  }
  if (/\n\s+at |stacktrace/i.test(exchange.text)) return { verdict: 'bad', why: `a stack in the body: ${exchange.text.slice(0, 300)}` };
  const errors = body.errors ?? [];
  if (errors.length === 0) {
    return exchange.status === 200 && body.data ? { verdict: 'ok' } : { verdict: 'bad', why: `HTTP ${exchange.status} without data or errors` };
  }
  const keysOk = errors.every((e) => Object.keys(e.extensions ?? {}).join() === 'code' && e.extensions?.code === 'INTERNAL_SERVER_ERROR');
  if (keysOk && errors.every((e) => UNAVAILABLE.has(e.message))) {
    if (exchange.status !== 503) return { verdict: 'bad', why: `unavailable with HTTP ${exchange.status}, not 503` };
    if (exchange.retryAfter === null || !/^\d+$/.test(exchange.retryAfter)) return { verdict: 'bad', why: 'unavailable without Retry-After' };
    return { verdict: 'unavailable' };
  }
  if (keysOk && errors.every((e) => TOO_SLOW.has(e.message))) {
    if (exchange.status >= 500 && exchange.status !== 503) return { verdict: 'bad', why: `timeout with HTTP ${exchange.status}` };
    return { verdict: 'timeout' };
  }
  return { verdict: 'bad', why: `HTTP ${exchange.status}: ${exchange.text.slice(0, 400)}` };
}

/** Counts per verdict, and the 'bad' ones with their reasons (for a readable failure). */
export function tally(exchanges: Exchange[]): { counts: Record<Verdict, number>; bad: string[] } {
  const counts: Record<Verdict, number> = { ok: 0, unavailable: 0, timeout: 0, bad: 0 };
  const bad: string[] = [];
  for (const exchange of exchanges) {
    const { verdict, why } = verdictOf(exchange);
    counts[verdict] += 1;
    if (why) bad.push(why);
  }
  return { counts, bad: [...new Set(bad)].slice(0, 10) };
}

export interface LoadOptions {
  clients: number;
  durationMs: number;
  /** Hard cap on requests, whatever the duration (a database that fails in 1 ms must not turn this into a flood). */
  maxRequests?: number;
  /** Pause after a failed request. */
  backoffMs?: number;
  /** Ends the load early once this returns true. */
  enough?: () => boolean;
  send: (client: number, seq: number) => Promise<Exchange>;
}

/** `clients` loops, each sending one request at a time until the duration is over (or `enough`). */
export async function runLoad(options: LoadOptions): Promise<Exchange[]> {
  const results: Exchange[] = [];
  const deadline = performance.now() + options.durationMs;
  const max = options.maxRequests ?? 5_000;
  let sent = 0;
  await Promise.all(
    Array.from({ length: options.clients }, async (_, client) => {
      for (let seq = 0; performance.now() < deadline && sent < max && !options.enough?.(); seq += 1) {
        sent += 1;
        const exchange = await options.send(client, seq);
        results.push(exchange);
        if (verdictOf(exchange).verdict !== 'ok') await sleep(options.backoffMs ?? 20);
      }
    }),
  );
  return results;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What `promise` resolves to, or undefined if that takes longer than `ms` (the timer does not outlive it). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes; returns the value and how long it took. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string, everyMs = 50): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return { value, ms: performance.now() - started };
    if (performance.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A pg client for fault injection (terminating backends, holding locks); its own errors never crash the test. */
export async function connectClient(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'resilience-test', connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Backends of this database from the server under test (its pool and its readiness probe). */
export async function serverBackends(client: Client): Promise<{ application: string; state: string | null; waitEventType: string | null }[]> {
  const { rows } = await client.query<{ application: string; state: string | null; wait_event_type: string | null }>(
    `SELECT application_name AS application, state, wait_event_type FROM pg_stat_activity
      WHERE datname = current_database() AND application_name IN ('alliance-graph', 'alliance-graph-readyz')`,
  );
  return rows.map((row) => ({ application: row.application, state: row.state, waitEventType: row.wait_event_type }));
}

/** A fresh folder under .data/ (like the other tests that start PostgreSQL), removed by the caller. */
export function freshDataFolder(prefix: string): string {
  const root = path.join(__dirname, '..', '..', '.data');
  mkdirSync(root, { recursive: true });
  return mkdtempSync(path.join(root, prefix));
}

/** PostgreSQL processes still running on a data folder (by their command line), and whether postmaster.pid is there. */
export function postgresOn(dataDir: string): { processes: string[]; pidFile: boolean } {
  const processes: string[] = [];
  for (const pid of readdirSafe('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (cmdline.includes('postgres') && cmdline.includes(dataDir)) processes.push(`${pid} ${cmdline.trim()}`);
  }
  return { processes, pidFile: existsSync(path.join(dataDir, 'postmaster.pid')) };
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Makes sure nothing runs on `dataDir` any more (SIGINT, then SIGKILL the postmaster), then removes the folder. */
export async function removeCluster(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0 && postgresOn(dataDir).processes.some((line) => line.startsWith(`${pid} `))) {
      try {
        process.kill(pid, 'SIGINT');
        await waitFor(async () => (postgresOn(dataDir).processes.length === 0 ? true : undefined), 10_000, 'postgres to stop', 100);
      } catch {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
}

export interface OwnedCluster {
  url(database?: string): string;
  port: number;
  dataDir: string;
  /** Fast shutdown; resolves when PostgreSQL has exited. */
  stop(): Promise<void>;
  /** Starts it again from the same folder on the same port; resolves with where it runs. */
  start(): Promise<{ port: number; dataDir: string }>;
  /** Stops it and ends the child process. */
  quit(): Promise<void>;
}

/** A private embedded PostgreSQL in `dataDir`, owned by a child process (test/support/resilience-pg.ts). */
export async function startOwnedCluster(dataDir: string, timeoutMs = 60_000): Promise<OwnedCluster> {
  const script = path.join(__dirname, 'resilience-pg.ts');
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script, dataDir], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const waiting: ((event: Record<string, unknown>) => void)[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      waiting.shift()?.(event);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = (what: string, ms = timeoutMs): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the PostgreSQL child did not answer (${what}) within ${ms} ms\n${stderr}`)), ms);
      waiting.push((event) => {
        clearTimeout(timer);
        if (event.event === 'error') reject(new Error(`the PostgreSQL child failed (${what}): ${String(event.message)}\n${stderr}`));
        else resolve(event);
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the PostgreSQL child exited (${code}) during ${what}\n${stderr}`));
      });
    });
  const up = await next('start');
  const url = String(up.url);
  const send = (command: string): void => {
    child.stdin.write(`${command}\n`);
  };
  return {
    url: (database = 'postgres') => {
      const parsed = new URL(url);
      parsed.pathname = `/${database}`;
      return parsed.toString();
    },
    port: Number(up.port),
    dataDir: String(up.dataDir),
    async stop() {
      const answer = next('stop');
      send('stop');
      await answer;
    },
    async start() {
      const answer = next('restart');
      send('start');
      const event = await answer;
      return { port: Number(event.port), dataDir: String(event.dataDir) };
    },
    async quit() {
      if (child.exitCode !== null) return;
      send('quit');
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A spawned server (src/main.ts) with its stdout and stderr collected. */
export interface ServerProcess {
  pid: number;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  stdout(): string;
  stderr(): string;
  /** Complete stdout lines (a line still being written is left out). */
  lines(): string[];
  /** The complete stdout lines that start with `{`, parsed (throws on one that is not JSON). */
  logLines(): Record<string, unknown>[];
  kill(signal: NodeJS.Signals): void;
}

const MAIN = path.join(__dirname, '..', '..', 'src', 'main.ts');

export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return {
    pid: child.pid as number,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    lines: () => stdout.split('\n').slice(0, -1),
    logLines: () =>
      stdout
        .split('\n')
        .slice(0, -1)
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Waits for the server's 'serving GraphQL' log line and returns its URL. */
export async function servingUrl(server: ServerProcess, timeoutMs: number): Promise<string> {
  let early: string | undefined;
  void server.exited.then(({ code }) => (early = `server exited early (${code}):\n${server.stdout()}\n${server.stderr()}`));
  const { value } = await waitFor(
    async () => {
      if (early) throw new Error(early);
      const line = server.logLines().find((entry) => entry.msg === 'serving GraphQL');
      return line ? String(line.url) : undefined;
    },
    timeoutMs,
    'the server to serve GraphQL',
    100,
  );
  return value;
}
