import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { loadConfig, type Config } from '../src/config';
import { poolOf } from '../src/database/data-source';
import { openDatabase, type Database } from '../src/database/database';
import { toGlobalId } from '../src/graphql/global-id';
import { DATABASE_MESSAGES } from '../src/graphql/server';
import { startHttpServer, type HttpServer } from '../src/http/server';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { createLogger } from '../src/shared/logger';
import { createTestApp } from './support/app';
import { gid, makeStakeholder } from './support/factories';
import {
  acceptErrorsOfEveryRealm,
  connectClient,
  freshDataFolder,
  getJson,
  postGraphql,
  postgresOn,
  removeCluster,
  runLoad,
  serverBackends,
  servingUrl,
  sleep,
  spawnServer,
  startOwnedCluster,
  tally,
  verdictOf,
  waitFor,
  within,
  type Exchange,
  type OwnedCluster,
} from './support/resilience';

/**
 * Fault tests, loopback only: the database's connections killed under load, the database
 * restarted under load, the pool exhausted by blocked statements, SIGTERM with requests in flight.
 * Each asserts that the process stays up, that every answer is either real data or the clear
 * "database unavailable" / "took too long" error (fast, never a hang, a raw message or a 500),
 * that nothing acknowledged is lost or doubled and nothing is half-written, that the server
 * recovers by itself, and that nothing (connections, processes, folders) is left behind.
 */

acceptErrorsOfEveryRealm();

const SECRET = 'x'.repeat(40);
const BASE_ENV = { NODE_ENV: 'test', JWT_SECRET: SECRET, RATE_LIMIT_USER: '1000000', RATE_LIMIT_IP: '1000000' };
const WRITER = 'resilience-writer';

const READ = `query Read($first: Int!) { stakeholders(first: $first) { edges { node { id name } } } }`;
const READ_PARTNERSHIPS = `query ReadPartnerships($search: String!) {
  partnerships(first: 100, filter: { search: $search }) { edges { node { title members { role } } } }
}`;
const PROPOSE = `mutation Propose($input: ProposePartnershipInput!) {
  proposePartnership(input: $input) { partnership { id title members { role } } userErrors { code message } }
}`;

// A Node process dies on an unhandled rejection; in jest it would only be printed. Collect them.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  // TypeORM reports each dropped idle connection with console.warn (stderr in production); keep the output readable.
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  jest.restoreAllMocks();
});
afterEach(() => {
  expect(unhandled).toEqual([]);
});

/** The server as main.ts runs it, in process: config → openDatabase → startHttpServer. */
interface Harness {
  /** The server's log lines at level warn and above (what an operator would see). */
  logs: Record<string, unknown>[];
  config: Config;
  database: Database;
  db: DataSource;
  http: HttpServer;
  token: string;
  close(): Promise<void>;
}

async function startHarness(databaseUrl: string, env: Record<string, string>): Promise<Harness> {
  const config = loadConfig({ ...BASE_ENV, DATABASE_URL: databaseUrl, ...env });
  const database = await openDatabase(config, () => undefined);
  const db = database.dataSource;
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('warn', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const http = await startHttpServer({ db, verifyToken: createTokenVerifier(config), config, logger, port: 0, host: '127.0.0.1' });
  const token = await mintDevToken({ role: Role.ADMIN, sub: WRITER }, config);
  let closed = false;
  return {
    logs,
    config,
    database,
    db,
    http,
    token,
    async close() {
      if (closed) return;
      closed = true;
      await http.stop();
      await database.close();
    },
  };
}

/**
 * A database of its own for a test (cloned from the migrated template). Only the server under
 * test connects to it as 'alliance-graph' (the test app's own pool is closed at once), so
 * pg_stat_activity tells the server's connections apart.
 */
async function freshDatabase(seed?: (db: DataSource) => Promise<void>): Promise<{ url: string; close(): Promise<void> }> {
  const app = await createTestApp();
  await seed?.(app.db);
  await app.db.destroy();
  return {
    url: app.url,
    async close() {
      await app.db.initialize();
      await app.close();
    },
  };
}

type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
const queryOf = (client: Client): Query => async (sql, params) => (await client.query(sql, params)).rows as Record<string, unknown>[];

interface World {
  lead: Stakeholder;
  partner: Stakeholder;
}
async function seedWorld(db: DataSource): Promise<World> {
  const lead = await makeStakeholder(db, StakeholderKind.COMPANY, { name: 'Resilient Pharma' });
  const partner = await makeStakeholder(db, StakeholderKind.PATIENT_ORGANISATION, { name: 'Resilient Patients' });
  for (let i = 0; i < 8; i += 1) await makeStakeholder(db, StakeholderKind.COMPANY);
  return { lead, partner };
}

/** A partnership proposal; the same key always yields the same input (so a retry is an idempotent replay). */
function proposal(world: World, prefix: string, key: string): Record<string, unknown> {
  return {
    idempotencyKey: key,
    title: `${prefix} ${key}`,
    type: 'ALLIANCE',
    members: [
      { stakeholderId: gid(world.lead), role: 'LEAD' },
      { stakeholderId: gid(world.partner), role: 'PATIENT_PARTNER' },
    ],
  };
}

interface Write {
  key: string;
  exchange: Exchange;
}
type Proposed = { proposePartnership?: { partnership: { id: string; title: string; members: unknown[] } | null; userErrors: unknown[] } };

/** The partnership an exchange acknowledged, or null (a clear failure); throws on anything else. */
function acknowledged(write: Write): { id: string } | null {
  const { verdict, why } = verdictOf(write.exchange);
  if (verdict !== 'ok') return null;
  const payload = (write.exchange.body?.data as Proposed).proposePartnership;
  if (!payload?.partnership || payload.userErrors.length > 0 || payload.partnership.members.length !== 2) {
    throw new Error(`write ${write.key}: unexpected answer ${write.exchange.text.slice(0, 300)} ${why ?? ''}`);
  }
  return payload.partnership;
}

/**
 * Every acknowledged write is in the database exactly once, under the id it was acknowledged
 * with; nothing is half-written (each partnership has both members, each idempotency key has its
 * result); nothing appears that was not sent. Returns the keys in the database.
 *
 * A write answered with an error may still be there: the connection can die during COMMIT (the
 * answer then says the change was most likely not made), or after it while the payload is read
 * back (the error is then below the root field, e.g. proposePartnership.partnership.members, and
 * says the change was saved — checked here). Its replay with the same idempotency key returns the
 * stored record, so it still exists exactly once; the runs report how many there were.
 */
async function checkWrites(query: Query, prefix: string, writes: Write[]): Promise<Set<string>> {
  const rows = (await query(
    `SELECT p.id, p.title, count(m.id)::int AS members
       FROM partnership p LEFT JOIN partnership_member m ON m.partnership_id = p.id
      WHERE p.title LIKE $1 GROUP BY p.id, p.title`,
    [`${prefix} %`],
  )) as { id: string; title: string; members: number }[];
  const sent = new Set(writes.map((w) => w.key));
  const byKey = new Map<string, string[]>();
  for (const row of rows) {
    const key = row.title.slice(prefix.length + 1);
    expect({ key, sent: sent.has(key), members: row.members }).toEqual({ key, sent: true, members: 2 });
    byKey.set(key, [...(byKey.get(key) ?? []), toGlobalId('Partnership', row.id)]);
  }
  for (const [key, ids] of byKey) expect({ key, copies: ids.length }).toEqual({ key, copies: 1 });
  for (const write of writes) {
    const saidSaved = (write.exchange.body?.errors ?? []).some((e) => e.message === DATABASE_MESSAGES.unavailable.afterCommit);
    if (saidSaved) expect({ key: write.key, saidSaved, stored: byKey.has(write.key) }).toEqual({ key: write.key, saidSaved, stored: true });
  }
  for (const write of writes) {
    const ack = acknowledged(write);
    if (ack) expect({ key: write.key, stored: byKey.get(write.key) }).toEqual({ key: write.key, stored: [ack.id] });
  }
  const keys = (await query(`SELECT key, result FROM idempotency_key WHERE user_id = $1 AND key LIKE $2`, [WRITER, `${prefix}-%`])) as {
    key: string;
    result: { partnership?: string };
  }[];
  expect(keys.map((k) => k.key).sort()).toEqual([...byKey.keys()].sort());
  for (const { key, result } of keys) {
    expect({ key, partnership: result.partnership && toGlobalId('Partnership', result.partnership) }).toEqual({ key, partnership: byKey.get(key)?.[0] });
  }
  return new Set(byKey.keys());
}

/** Sends every write that was not acknowledged again, with its key: each must now succeed, and exactly once. */
async function replayUnacknowledged(url: string, token: string, world: World, prefix: string, writes: Write[]): Promise<Write[]> {
  const replays: Write[] = [];
  for (const write of writes.filter((w) => !acknowledged(w))) {
    const exchange = await postGraphql(url, PROPOSE, { input: proposal(world, prefix, write.key) }, token);
    const replay = { key: write.key, exchange };
    expect({ key: write.key, verdict: verdictOf(exchange) }).toEqual({ key: write.key, verdict: { verdict: 'ok' } });
    expect(acknowledged(replay)).not.toBeNull();
    replays.push(replay);
  }
  return replays;
}

/** How many writes answered with an error were committed all the same, and at which paths their errors were. */
function committedAnyway(writes: Write[], stored: Set<string>): string {
  const committed = writes.filter((w) => !acknowledged(w) && stored.has(w.key));
  const paths = new Set(committed.flatMap((w) => (w.exchange.body?.errors ?? []).map((e) => (e.path ?? []).join('.'))));
  return `${committed.length}${committed.length ? `, errors at ${[...paths].join(', ')}` : ''}`;
}

/** The server's backends on its database are gone (pool closed, readiness probes ended). */
async function expectNoServerBackends(client: Client): Promise<void> {
  await waitFor(async () => ((await serverBackends(client)).length === 0 ? true : undefined), 5_000, 'the server to close its connections', 100).catch(
    async () => {
      expect(await serverBackends(client)).toEqual([]);
    },
  );
}

const summary = (exchanges: Exchange[]): string => {
  const { counts } = tally(exchanges);
  const ms = exchanges.map((e) => e.ms).sort((a, b) => a - b);
  const failures = exchanges.filter((e) => verdictOf(e).verdict !== 'ok').map((e) => e.ms).sort((a, b) => a - b);
  const q = (list: number[], p: number): number => Math.round(list[Math.min(list.length - 1, Math.floor(p * list.length))] ?? 0);
  return `${exchanges.length} requests ${JSON.stringify(counts)}; latency p50 ${q(ms, 0.5)} ms max ${q(ms, 1)} ms; failures p50 ${q(failures, 0.5)} ms max ${q(failures, 1)} ms`;
};
/** The server's error and database-failure log lines, reduced to what tells them apart. */
const errorKinds = (logs: Record<string, unknown>[]): string[] =>
  [
    ...new Set(
      logs
        .filter((l) => l.level === 'error' || (l.level === 'warn' && String(l.msg).startsWith('database')))
        .map((l) => {
          const err = (l.err ?? {}) as Record<string, unknown>;
          return `${String(l.msg)} ${String(err.type)} ${String(err.code ?? '')} ${String(err.message ?? '')} failure=${String(l.failure)} ${String(err.stack ?? '').split('\n')[0]}`;
        }),
    ),
  ].slice(0, 20);
const report = (line: string): void => {
  process.stdout.write(`[resilience] ${line}\n`);
};

describe('pool settings', () => {
  it('come from config: pool size, connect timeout, statement and idle-in-transaction timeouts', async () => {
    const app = await freshDatabase();
    try {
      const h = await startHarness(app.url, {
        DB_POOL_SIZE: '3',
        DB_CONNECT_TIMEOUT_MS: '1234',
        DB_STATEMENT_TIMEOUT_MS: '2345',
        DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '3456',
      });
      try {
        const pool = poolOf(h.db) as unknown as { options: Record<string, unknown> };
        expect(pool.options).toMatchObject({ max: 3, connectionTimeoutMillis: 1234 });
        const [settings] = (await h.db.query(
          `SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle,
                  current_setting('application_name') AS application, current_setting('TimeZone') AS zone`,
        )) as Record<string, string>[];
        expect(settings).toEqual({ statement: '2345ms', idle: '3456ms', application: 'alliance-graph', zone: 'UTC' });
      } finally {
        await h.close();
      }
    } finally {
      await app.close();
    }
  });
});

describe('connections killed under load (pg_terminate_backend)', () => {
  it('answers data or the clear unavailable error, loses and doubles no write, half-writes nothing, and recovers', async () => {
    const app = await freshDatabase();
    const killer = await connectClient(app.url);
    const h = await startHarness(app.url, { DB_POOL_SIZE: '4', DB_CONNECT_TIMEOUT_MS: '2000', DB_STATEMENT_TIMEOUT_MS: '5000' });
    try {
      const world = await seedWorld(h.db);
      const prefix = `storm${Date.now().toString(36)}`;
      const writes: Write[] = [];
      const reads: Exchange[] = [];

      const load = runLoad({
        clients: 8,
        durationMs: 3_000,
        maxRequests: 3_000,
        send: async (client, seq) => {
          if (client % 2 === 0) {
            const key = `${prefix}-${client}-${seq}`;
            const exchange = await postGraphql(h.http.url, PROPOSE, { input: proposal(world, prefix, key) }, h.token, 15_000);
            writes.push({ key, exchange });
            return exchange;
          }
          const exchange =
            client % 4 === 1
              ? await postGraphql(h.http.url, READ, { first: 10 }, h.token, 15_000)
              : await postGraphql(h.http.url, READ_PARTNERSHIPS, { search: prefix }, h.token, 15_000);
          reads.push(exchange);
          return exchange;
        },
      });
      const killed: number[] = [];
      for (let round = 0; round < 5; round += 1) {
        await sleep(450);
        const { rows } = await killer.query<{ killed: boolean }>(
          `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'alliance-graph'`,
        );
        killed.push(rows.filter((r) => r.killed).length);
      }
      const all = await load;
      report(`terminate: killed ${JSON.stringify(killed)} backends; ${summary(all)}`);
      report(`terminate: server error log kinds ${JSON.stringify(errorKinds(h.logs))}`);
      // Every failure was recognised as the database's (logged as a warning), none as a bug.
      expect(errorKinds(h.logs).filter((kind) => kind.startsWith('unexpected error'))).toEqual([]);

      // The faults happened, and the process stayed up.
      expect(killed.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect((await getJson(`${h.http.origin}/healthz`)).status).toBe(200);
      // No hang, no raw message, no 500: data, or the clear unavailable error, fast.
      const { counts, bad } = tally(all);
      expect(bad).toEqual([]);
      expect(counts.timeout).toBe(0);
      expect(counts.ok).toBeGreaterThan(0);
      expect(Math.max(...all.map((e) => e.ms))).toBeLessThan(h.config.db.connectTimeoutMs + 5_000);
      // A partnership read mid-storm is never half-written.
      for (const read of reads.filter((r) => verdictOf(r).verdict === 'ok' && r.body?.data?.partnerships)) {
        const edges = (read.body?.data?.partnerships as { edges: { node: { members: unknown[] } }[] }).edges;
        for (const edge of edges) expect(edge.node.members).toHaveLength(2);
      }

      // Recovery by itself: new requests succeed.
      for (let i = 0; i < 10; i += 1) expect(verdictOf(await postGraphql(h.http.url, READ, { first: 5 }, h.token)).verdict).toBe('ok');

      const storedBefore = await checkWrites(queryOf(killer), prefix, writes);
      const replays = await replayUnacknowledged(h.http.url, h.token, world, prefix, writes);
      const stored = await checkWrites(queryOf(killer), prefix, [...writes.filter((w) => acknowledged(w)), ...replays]);
      expect(stored).toEqual(new Set(writes.map((w) => w.key)));
      report(
        `terminate: ${writes.length} writes, ${writes.length - replays.length} acknowledged, ${replays.length} replayed after recovery ` +
          `(${committedAnyway(writes, storedBefore)} of those had committed although the answer was an error)`,
      );

      const pool = poolOf(h.db);
      expect(pool?.totalCount).toBeLessThanOrEqual(4);
      expect(pool?.waitingCount).toBe(0);
    } finally {
      await h.close();
      await expectNoServerBackends(killer);
      await killer.end();
      await app.close();
    }
  }, 45_000);
});

describe('pool exhausted by blocked statements', () => {
  it('fails beyond the pool after the connect timeout, cancels the blocked ones by statement_timeout, stays ready, recovers', async () => {
    const app = await freshDatabase();
    const locker = await connectClient(app.url);
    // pg_stat_activity is a snapshot per transaction: watch it from a client outside the locking one.
    const observer = await connectClient(app.url);
    const h = await startHarness(app.url, { DB_POOL_SIZE: '3', DB_CONNECT_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '2000' });
    try {
      const world = await seedWorld(h.db);
      const prefix = `exhaust${Date.now().toString(36)}`;
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE stakeholder IN ACCESS EXCLUSIVE MODE');

      const writeKeys = [`${prefix}-0`, `${prefix}-1`];
      const requests = [
        ...Array.from({ length: 6 }, () => postGraphql(h.http.url, READ, { first: 5 }, h.token, 15_000)),
        ...writeKeys.map((key) => postGraphql(h.http.url, PROPOSE, { input: proposal(world, prefix, key) }, h.token, 15_000)),
      ];
      // Exactly the pool's connections are in the database, each blocked on the lock.
      const { value: blocked } = await waitFor(
        async () => {
          const backends = (await serverBackends(observer)).filter((b) => b.application === 'alliance-graph');
          expect(backends.length).toBeLessThanOrEqual(3);
          return backends.filter((b) => b.waitEventType === 'Lock').length === 3 ? backends : undefined;
        },
        5_000,
        'three blocked backends',
        25,
      );
      expect(blocked).toHaveLength(3);
      // Readiness has its own connection: a saturated pool does not make the replica look dead.
      const ready = await getJson(`${h.http.origin}/readyz`);
      expect({ status: ready.status, json: ready.json }).toEqual({ status: 200, json: { status: 'ready' } });
      expect(ready.ms).toBeLessThan(3_000);
      expect((await getJson(`${h.http.origin}/healthz`)).status).toBe(200);

      const answers = await Promise.all(requests);
      const verdicts = answers.map((a) => ({ ...verdictOf(a), status: a.status, ms: Math.round(a.ms) }));
      report(`exhaustion: ${JSON.stringify(verdicts)}; readyz answered in ${Math.round(ready.ms)} ms`);
      expect(tally(answers).bad).toEqual([]);
      const unavailable = verdicts.filter((v) => v.verdict === 'unavailable');
      const timedOut = verdicts.filter((v) => v.verdict === 'timeout');
      // Three held a connection and were cancelled by statement_timeout; five waited for one and gave up.
      expect({ unavailable: unavailable.length, timedOut: timedOut.length }).toEqual({ unavailable: 5, timedOut: 3 });
      for (const { ms } of unavailable) {
        expect(ms).toBeGreaterThanOrEqual(900);
        expect(ms).toBeLessThan(1_000 + 3_000);
      }
      for (const { ms } of timedOut) {
        expect(ms).toBeGreaterThanOrEqual(1_900);
        expect(ms).toBeLessThan(2_000 + 4_000);
      }

      await locker.query('ROLLBACK');
      // Nothing was written by the writes that failed, and the pool serves again.
      expect(await checkWrites(queryOf(observer), prefix, writeKeys.map((key, i) => ({ key, exchange: answers[6 + i] })))).toEqual(new Set());
      const after = await Promise.all(Array.from({ length: 8 }, () => postGraphql(h.http.url, READ, { first: 5 }, h.token, 10_000)));
      expect(tally(after).counts.ok).toBe(8);
      const replays = await replayUnacknowledged(h.http.url, h.token, world, prefix, writeKeys.map((key, i) => ({ key, exchange: answers[6 + i] })));
      expect(await checkWrites(queryOf(observer), prefix, replays)).toEqual(new Set(writeKeys));
      expect(poolOf(h.db)?.waitingCount).toBe(0);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await h.close();
      await expectNoServerBackends(observer);
      await locker.end();
      await observer.end();
      await app.close();
    }
  }, 30_000);
});

describe('database restarted under load', () => {
  it('fails fast and clearly while it is down, says unreachable on /readyz, and recovers by itself on the same port', async () => {
    const folder = freshDataFolder('resilience-pg-');
    let cluster: OwnedCluster | undefined;
    let h: Harness | undefined;
    try {
      cluster = await startOwnedCluster(path.join(folder, 'pg'));
      h = await startHarness(cluster.url('postgres'), { DB_POOL_SIZE: '4', DB_CONNECT_TIMEOUT_MS: '1500', DB_STATEMENT_TIMEOUT_MS: '5000' });
      const server = h;
      const pg = cluster;
      const world = await seedWorld(server.db);
      expect((await getJson(`${server.http.origin}/readyz`)).status).toBe(200);

      const prefix = `restart${Date.now().toString(36)}`;
      const writes: Write[] = [];
      let endLoadAt = Infinity;
      const load = runLoad({
        clients: 6,
        durationMs: 20_000,
        maxRequests: 4_000,
        backoffMs: 25,
        enough: () => performance.now() > endLoadAt,
        send: async (client, seq) => {
          if (client % 2 === 0) {
            const key = `${prefix}-${client}-${seq}`;
            const exchange = await postGraphql(server.http.url, PROPOSE, { input: proposal(world, prefix, key) }, server.token, 15_000);
            writes.push({ key, exchange });
            return exchange;
          }
          return postGraphql(server.http.url, READ, { first: 10 }, server.token, 15_000);
        },
      });

      await sleep(1_000);
      const stopping = performance.now();
      await pg.stop();
      const stopped = performance.now();
      const unreachable = await waitFor(
        async () => {
          const ready = await getJson(`${server.http.origin}/readyz`);
          return ready.status === 503 ? ready : undefined;
        },
        4_000,
        '/readyz to say the database is unreachable',
      );
      expect(unreachable.value.json).toEqual({ status: 'unavailable', reason: 'database unreachable' });
      expect((await getJson(`${server.http.origin}/healthz`)).status).toBe(200);
      await sleep(Math.max(0, 1_500 - (performance.now() - stopped)));
      const restarting = performance.now();
      expect(await pg.start()).toEqual({ port: pg.port, dataDir: pg.dataDir });
      const started = performance.now();
      const readyAgain = await waitFor(
        async () => ((await getJson(`${server.http.origin}/readyz`)).status === 200 ? true : undefined),
        10_000,
        '/readyz to say ready again',
      );
      const servingAgain = await waitFor(
        async () => (verdictOf(await postGraphql(server.http.url, READ, { first: 1 }, server.token)).verdict === 'ok' ? true : undefined),
        10_000,
        'a request to succeed again',
      );
      // A second more of load on the recovered server, then the run ends.
      endLoadAt = performance.now() + 1_000;
      const all = await load;
      report(
        `restart: stop took ${Math.round(stopped - stopping)} ms, /readyz 503 after ${Math.round(unreachable.ms)} ms; ` +
          `start took ${Math.round(started - restarting)} ms, then /readyz 200 after ${Math.round(readyAgain.ms)} ms, ` +
          `requests ok after ${Math.round(servingAgain.ms)} ms; ${summary(all)}`,
      );

      report(`restart: server error log kinds ${JSON.stringify(errorKinds(server.logs))}`);
      // Every failure was recognised as the database's (logged as a warning), none as a bug.
      expect(errorKinds(server.logs).filter((kind) => kind.startsWith('unexpected error'))).toEqual([]);
      const { counts, bad } = tally(all);
      expect(bad).toEqual([]);
      expect(counts.timeout).toBe(0);
      // While it was down, every request failed, fast (no wait for a connection that cannot come).
      const whileDown = all.filter((e) => e.at >= stopped && e.at + e.ms <= restarting);
      expect(whileDown.length).toBeGreaterThan(0);
      expect(whileDown.every((e) => verdictOf(e).verdict === 'unavailable')).toBe(true);
      expect(Math.max(...whileDown.map((e) => e.ms))).toBeLessThan(server.config.db.connectTimeoutMs + 1_500);
      // No request anywhere in the run waited much beyond the connect timeout.
      expect(Math.max(...all.map((e) => e.ms))).toBeLessThan(server.config.db.connectTimeoutMs + 5_000);
      // Once it was back, everything succeeded.
      const afterRecovery = all.filter((e) => e.at >= started + readyAgain.ms + servingAgain.ms);
      expect(afterRecovery.length).toBeGreaterThan(0);
      expect(afterRecovery.every((e) => verdictOf(e).verdict === 'ok')).toBe(true);

      const checker = await connectClient(pg.url('postgres'));
      try {
        const storedBefore = await checkWrites(queryOf(checker), prefix, writes);
        const replays = await replayUnacknowledged(server.http.url, server.token, world, prefix, writes);
        const stored = await checkWrites(queryOf(checker), prefix, [...writes.filter((w) => acknowledged(w)), ...replays]);
        expect(stored).toEqual(new Set(writes.map((w) => w.key)));
        report(
          `restart: ${writes.length} writes, ${writes.length - replays.length} acknowledged, ${replays.length} replayed after recovery ` +
            `(${committedAnyway(writes, storedBefore)} of those had committed although the answer was an error)`,
        );
      } finally {
        await checker.end();
      }
      await h.close();
      await cluster.quit();
      // The cluster is gone: no process on its folder, no pid file.
      expect(postgresOn(cluster.dataDir)).toEqual({ processes: [], pidFile: false });
    } finally {
      await h?.close();
      await cluster?.quit();
      await removeCluster(path.join(folder, 'pg'));
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('SIGTERM under load (the real process)', () => {
  const ACCOUNT = 'resilience-sigterm';

  it('says 503 on /readyz at once, completes the requests in flight, exits 0, and logs JSON lines', async () => {
    const app = await freshDatabase(async (db) => {
      for (let i = 0; i < 5; i += 1) await makeStakeholder(db, StakeholderKind.COMPANY);
    });
    const locker = await connectClient(app.url);
    const observer = await connectClient(app.url);
    let server: ReturnType<typeof spawnServer> | undefined;
    try {
      server = spawnServer({
        NODE_ENV: 'production',
        DATABASE_URL: app.url,
        JWT_SECRET: SECRET,
        ID_SECRET: 'i'.repeat(40),
        PORT: '0',
        HOST: '127.0.0.1',
        SHUTDOWN_DELAY_MS: '1500',
        LOG_LEVEL: 'info',
        RATE_LIMIT_USER: '1000000',
        RATE_LIMIT_IP: '1000000',
        SEED_ON_EMPTY: 'false',
      });
      const running = server;
      const url = await servingUrl(running, 30_000);
      const origin = new URL(url).origin;
      const config = loadConfig({ ...BASE_ENV });
      const token = await mintDevToken({ role: Role.ADMIN, sub: ACCOUNT }, config);
      expect(verdictOf(await postGraphql(url, READ, { first: 5 }, token)).verdict).toBe('ok');

      // Five requests blocked inside the database on a lock we hold: deterministically in flight.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE stakeholder IN ACCESS EXCLUSIVE MODE');
      const inFlight = Array.from({ length: 5 }, () => postGraphql(url, READ, { first: 5 }, token, 30_000));
      await waitFor(
        async () => ((await serverBackends(observer)).filter((b) => b.waitEventType === 'Lock').length === 5 ? true : undefined),
        10_000,
        'five requests blocked in the database',
      );

      const signalled = performance.now();
      running.kill('SIGTERM');
      const draining = await waitFor(
        async () => {
          const ready = await getJson(`${origin}/readyz`);
          return ready.status === 503 ? ready : undefined;
        },
        1_200,
        '/readyz to answer 503',
        10,
      );
      expect(draining.value.json).toEqual({ status: 'unavailable', reason: 'shutting down' });
      // Still serving during SHUTDOWN_DELAY_MS (what does not need the locked table).
      expect((await getJson(`${origin}/healthz`)).status).toBe(200);
      expect(verdictOf(await postGraphql(url, '{ health { ok } }', {}, undefined, 5_000)).verdict).toBe('ok');
      // After the delay it stops accepting, while the five are still blocked.
      const closed = await waitFor(
        async () => {
          const probe = await getJson(`${origin}/healthz`, 2_000);
          return probe.status === 0 ? probe : undefined;
        },
        5_000,
        'the server to stop accepting',
      );
      const closedAt = performance.now() - signalled;
      expect(closedAt).toBeGreaterThanOrEqual(1_400);
      expect(running.stdout()).not.toMatch(/"msg":"stopped"/);

      await locker.query('ROLLBACK');
      const answers = await Promise.all(inFlight);
      for (const answer of answers) {
        expect(verdictOf(answer)).toEqual({ verdict: 'ok' });
        expect((answer.body?.data?.stakeholders as { edges: unknown[] }).edges).toHaveLength(5);
      }
      const exit = await within(running.exited, 20_000);
      expect(exit).toBeDefined();
      const exitedAfter = (exit?.at ?? 0) - signalled;
      report(
        `sigterm: /readyz 503 ${Math.round(draining.ms)} ms after the signal, stopped accepting at ${Math.round(closedAt)} ms ` +
          `(network error: ${closed.value.networkError}), exit ${exit?.code} at ${Math.round(exitedAfter)} ms`,
      );
      expect({ code: exit?.code, signal: exit?.signal }).toEqual({ code: 0, signal: null });
      expect(exitedAfter).toBeLessThan(1_500 + 10_000 + 5_000);

      // stdout is JSON lines only, with the stop recorded and the five requests logged as 200.
      const lines = running.lines().filter((line) => line.trim() !== '');
      for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
      const logs = running.logLines();
      expect(logs.some((l) => String(l.msg).startsWith('stopping') && l.signal === 'SIGTERM')).toBe(true);
      expect(logs.some((l) => l.msg === 'stopped')).toBe(true);
      const served = logs.filter((l) => l.msg === 'request completed' && (l.res as { statusCode?: number })?.statusCode === 200);
      expect(served.length).toBeGreaterThanOrEqual(5 + 1 + 1);
      expect(logs.filter((l) => l.level === 'error')).toEqual([]);
      await expectNoServerBackends(observer);
    } finally {
      server?.kill('SIGKILL');
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
      await observer.end();
      await app.close();
    }
  }, 60_000);

  it('with the embedded database: completes the requests in flight, exits 0 and stops its PostgreSQL', async () => {
    const dataDir = freshDataFolder('resilience-main-');
    let server: ReturnType<typeof spawnServer> | undefined;
    let locker: Client | undefined;
    let observer: Client | undefined;
    try {
      server = spawnServer({
        NODE_ENV: 'development',
        DATABASE_URL: '',
        DATA_DIR: dataDir,
        JWT_SECRET: SECRET,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        SEED_ON_EMPTY: 'false',
        RATE_LIMIT_USER: '1000000',
        RATE_LIMIT_IP: '1000000',
      });
      const running = server;
      const url = await servingUrl(running, 60_000);
      const serving = running.logLines().find((l) => l.msg === 'serving GraphQL') as { database: string };
      // "embedded PostgreSQL postgres://127.0.0.1:<port>/postgres, data in <dir>" (the password is the package's fixed local one).
      const pgPort = /127\.0\.0\.1:(\d+)\//.exec(serving.database)?.[1];
      expect(pgPort).toBeDefined();
      const pgDir = path.join(dataDir, 'pg');
      expect(postgresOn(pgDir).pidFile).toBe(true);
      locker = await connectClient(`postgres://postgres:alliance-graph@127.0.0.1:${pgPort}/postgres`);
      observer = await connectClient(`postgres://postgres:alliance-graph@127.0.0.1:${pgPort}/postgres`);
      const config = loadConfig({ ...BASE_ENV });
      const token = await mintDevToken({ role: Role.ADMIN }, config);

      await locker.query('BEGIN');
      await locker.query('LOCK TABLE stakeholder IN ACCESS EXCLUSIVE MODE');
      const inFlight = Array.from({ length: 3 }, () => postGraphql(url, READ, { first: 5 }, token, 30_000));
      const quick = Array.from({ length: 3 }, () => postGraphql(url, '{ health { ok } }', {}, undefined, 10_000));
      await waitFor(
        async () => ((await serverBackends(observer as Client)).filter((b) => b.waitEventType === 'Lock').length === 3 ? true : undefined),
        10_000,
        'three requests blocked in the database',
      );
      for (const answer of await Promise.all(quick)) expect(verdictOf(answer)).toEqual({ verdict: 'ok' });

      const signalled = performance.now();
      running.kill('SIGTERM');
      await waitFor(async () => (running.stdout().includes('stopping') ? true : undefined), 5_000, 'the stopping line');
      await sleep(300);
      await locker.query('ROLLBACK');
      await locker.end();
      await observer.end();
      locker = undefined;
      observer = undefined;
      for (const answer of await Promise.all(inFlight)) {
        expect(verdictOf(answer)).toEqual({ verdict: 'ok' });
        expect((answer.body?.data?.stakeholders as { edges: unknown[] }).edges).toEqual([]);
      }
      const exit = await within(running.exited, 20_000);
      report(`sigterm (embedded): exit ${exit?.code} ${Math.round((exit?.at ?? 0) - signalled)} ms after the signal`);
      expect({ code: exit?.code, signal: exit?.signal }).toEqual({ code: 0, signal: null });
      // Its PostgreSQL is stopped: no process on the folder, no postmaster.pid.
      expect(postgresOn(pgDir)).toEqual({ processes: [], pidFile: false });
      expect(running.logLines().some((l) => l.msg === 'stopped')).toBe(true);
    } finally {
      server?.kill('SIGKILL');
      await locker?.end().catch(() => undefined);
      await observer?.end().catch(() => undefined);
      await removeCluster(path.join(dataDir, 'pg'));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 75_000);
});
