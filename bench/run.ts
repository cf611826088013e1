import 'reflect-metadata';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { mintDevToken } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { createDataSource } from '../src/database/data-source';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../src/database/embedded';
import { toGlobalId } from '../src/graphql/global-id';
import { seedDemo } from '../seeds/demo';
import { runNotifications } from './notifications';
import { runImport } from './import';
import { clusterCpuMs, processCpuMs, procStat, SECRET, startServer, stats, type Server } from './server-child';

/**
 * `npm run bench [-- --scale 5 --seconds 5 --connections 10]`: seeds a scaled alliance into a
 * fresh database, starts the server in a child process, drives the canonical operations with
 * autocannon and prints req/s, latency, SQL statements and server CPU per request, and with the
 * embedded PostgreSQL the database's CPU per request too. The portal query as PARTNER also runs
 * on a second server started with AUDIT_ENABLED=false, to show what the audit trail costs. It
 * prints figures; it asserts nothing (machines here are shared and noisy).
 *
 * `npm run bench -- --peer [--scale 10 --seconds 5 --rounds 1 --peer-connections 10,50]` runs a
 * comparison instead (issue 15): PostGraphile v5 (Amber preset, no permissions) on the same
 * database, and the portal query and a stakeholder by id interleaved on the peer, on this server
 * as ADMIN and as PARTNER, at each concurrency; see runPeer.
 *
 * `npm run bench -- --notifications [--scale 1]` measures the change feed instead (issue 11): a
 * mutation's latency with 0 and 100 webhooks, and one worker's delivery throughput; see
 * bench/notifications.ts.
 *
 * `npm run bench -- --network [--scales 1,10,100]` measures the network metric instead (issue 13):
 * at each scale, for ADMIN and ANALYST, the cold request (computed in the worker thread) and the
 * cached ones, with the server's event-loop delay during the cold one; see runNetwork.
 */
const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    // --peer: compare with PostGraphile v5 instead of running the scenarios below (see runPeer).
    peer: { type: 'boolean', default: false },
    'peer-connections': { type: 'string', default: '10,50' },
    rounds: { type: 'string', default: '1' },
    // --network: the network metric cold and cached at each of --scales (see runNetwork).
    network: { type: 'boolean', default: false },
    scales: { type: 'string', default: '1,10,100' },
    // --notifications: mutation latency with 0 and 100 webhooks, delivery throughput (bench/notifications.ts).
    notifications: { type: 'boolean', default: false },
    cached: { type: 'string', default: '20' },
    // --import: a 100,000-row file imported, rows/s and peak memory (bench/import.ts).
    import: { type: 'boolean', default: false },
  },
});
const scale = Number(values.scale);
const seconds = Number(values.seconds);
const connections = Number(values.connections);

interface Scenario {
  name: string;
  token: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Run on the server started with AUDIT_ENABLED=false. */
  auditOff?: boolean;
}


/** One request per metric field, each asked of the whole alliance (no period or filter). */
const METRIC_QUERIES: [string, string][] = [
  ['stakeholdersByKind', '{ metrics { stakeholdersByKind { kind country count { value suppressed } } } }'],
  ['partnershipsBy', '{ metrics { partnershipsBy { type status stage count } } }'],
  ['contractsBy', '{ metrics { contractsBy { kind status count } } }'],
  ['interactionsPerMonth', '{ metrics { interactionsPerMonth { month kind withPatients count { value suppressed } } } }'],
  ['commitmentFulfilment', '{ metrics { commitmentFulfilment { total fulfilled onTime onTimeRate overdueCount medianDaysToFulfil } } }'],
  [
    'patientInvolvement',
    `{ metrics { patientInvolvement { earlyShare early { partnerships share withPatients { value suppressed } }
      byStage { stage partnerships share withPatients { value suppressed } }
      byTherapeuticArea { therapeuticArea partnerships share withPatients { value suppressed } }
      byQuarter { quarter partnerships share withPatients { value suppressed } } } } }`,
  ],
  [
    'network (cached)',
    `{ metrics { network { nodes edges density components largestComponent communities
      topByDegree(first: 10) { value stakeholder { id name } } topByBetweenness(first: 10) { value stakeholder { id name } } } } }`,
  ],
  [
    'relationshipStrength',
    'query ($a: ID!, $b: ID!) { metrics { relationshipStrength(a: $a, b: $b) { interactions lastInteractionAt score sharedPartnerships activeContracts } } }',
  ],
  [
    'strongestRelationships',
    'query ($id: ID!) { metrics { strongestRelationships(stakeholderId: $id) { score interactions sharedPartnerships activeContracts stakeholder { id name } } } }',
  ],
  ['reach (2 hops)', 'query ($id: ID!) { metrics { reach(stakeholderId: $id) { byHop { hops stakeholders } total } } }'],
  ['reach (3 hops)', 'query ($id: ID!) { metrics { reach(stakeholderId: $id, hops: 3) { byHop { hops stakeholders } total } } }'],
  [
    'transferOfValue',
    `query ($year: Int!) { metrics { transferOfValue(year: $year) { companyName
      patientOrganisations { name total recipients { value suppressed } } otherRecipients { name total } patients { total suppressed } } } }`,
  ],
];

const PORTAL_QUERY = `query Portal {
  partnerships(first: 20) {
    edges { node { id title status
      members { role stakeholder { id name kind affiliations { kind since until } } }
    } }
  }
}`;

/** Sets `shared_preload_libraries` for the next start; true if it changed (a restart is needed). */
async function setPreloadLibraries(serverUrl: string, wanted: string): Promise<boolean> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ shared_preload_libraries: string }>('SHOW shared_preload_libraries');
    if (rows[0].shared_preload_libraries === wanted) return false;
    await client.query(wanted ? `ALTER SYSTEM SET shared_preload_libraries = '${wanted}'` : 'ALTER SYSTEM RESET shared_preload_libraries');
    return true;
  } finally {
    await client.end();
  }
}

async function prepareDatabase(scale: number): Promise<{ url: string; cluster?: EmbeddedCluster }> {
  let serverUrl = process.env.BENCH_DATABASE_URL;
  let cluster: EmbeddedCluster | undefined;
  if (!serverUrl) {
    const dataDir = path.join(__dirname, '..', '.data', 'bench-pg');
    cluster = await startEmbeddedPostgres({ dataDir });
    // --peer counts every side's statements with pg_stat_statements, which PostgreSQL loads only
    // at start; without --peer the cluster runs without it, as it always has.
    if (await setPreloadLibraries(cluster.url('postgres'), values.peer ? 'pg_stat_statements' : '')) {
      await cluster.stop();
      cluster = await startEmbeddedPostgres({ dataDir });
    }
    serverUrl = cluster.url('postgres');
  }
  const name = `ag_bench_${scale}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), cluster };
}

/** Are all servers idle (no pool connection in use, no request waiting for one)? */
async function idle(servers: Server[]): Promise<boolean> {
  for (const server of servers) if ((await stats(server.child)).busy > 0) return false;
  return true;
}

async function runScenario(server: Server, servers: Server[], dbCpuMs: (() => number) | null, scenario: Scenario) {
  const { child, url } = server;
  const body = JSON.stringify({ query: scenario.query, variables: scenario.variables ?? {} });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${scenario.token}` };
  // Requests of the previous scenario that autocannon abandoned may still hold a pool: wait
  // until every server is idle, so they count against neither this probe nor this scenario
  // (the database's CPU is shared by both servers).
  for (let waited = 0; !(await idle(servers)) && waited < 120_000; waited += 200) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Check the operation succeeds before measuring it.
  // The first request runs cold (for `network`: computed, then cached); its time is reported apart.
  const started = performance.now();
  const probe = await fetch(url, { method: 'POST', headers, body });
  const probeJson = (await probe.json()) as { errors?: unknown[] };
  const firstMs = Math.round(performance.now() - started);
  if (probeJson.errors) throw new Error(`${scenario.name} fails: ${JSON.stringify(probeJson.errors)}`);
  await autocannon({ url, method: 'POST', headers, body, connections, duration: 1 }); // warm-up
  const before = await stats(child);
  const dbBefore = dbCpuMs?.();
  const result = await autocannon({ url, method: 'POST', headers, body, connections, duration: seconds });
  const dbAfter = dbCpuMs?.();
  const after = await stats(child);
  const requests = result.requests.total;
  const serverCpu = (after.cpuMicros - before.cpuMicros) / 1000 / requests;
  const dbCpu = dbBefore !== undefined && dbAfter !== undefined ? (dbAfter - dbBefore) / requests : null;
  return {
    scenario: scenario.name,
    'first ms': firstMs,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'SQL/req': +((after.statements - before.statements) / requests).toFixed(2),
    'CPU ms/req': +serverCpu.toFixed(3),
    // With BENCH_DATABASE_URL the database is not ours to measure.
    'DB CPU ms/req': dbCpu === null ? 'n/a' : +dbCpu.toFixed(3),
    'total CPU ms/req': dbCpu === null ? 'n/a' : +(serverCpu + dbCpu).toFixed(3),
    'RSS MB': Math.round(after.rss / 1024 / 1024),
    errors: result.errors + result.non2xx,
  };
}

/** A fresh database seeded at `scale`, migrated, vacuumed and analysed; the data source is open. */
async function seededDatabase(scale: number): Promise<{ url: string; cluster?: EmbeddedCluster; db: ReturnType<typeof createDataSource> }> {
  const { url, cluster } = await prepareDatabase(scale);
  const db = createDataSource({ url, poolSize: 2 });
  await db.initialize();
  await db.runMigrations({ transaction: 'each' });
  const report = await seedDemo(db, { scale });
  console.log(`seeded scale ${scale}: ${report.rows} rows in ${report.ms} ms (${Math.round((report.rows / report.ms) * 1000)} rows/s)`);
  // Vacuum and analyse the fresh rows now, or autovacuum does it during whichever scenario runs
  // a minute later, and the database's CPU of that scenario is mostly autovacuum's.
  await db.query('VACUUM (ANALYZE)');
  return { url, cluster, db };
}

async function main(): Promise<void> {
  if (values.network) return runNetwork();
  if (values.import) return runImport();
  if (values.notifications) {
    const seeded = await seededDatabase(scale);
    await runNotifications(seeded.db, SECRET);
    await seeded.db.destroy();
    await seeded.cluster?.stop();
    return;
  }
  const { url: dbUrl, cluster, db } = await seededDatabase(scale);
  const pick = async (sql: string): Promise<string> => ((await db.query(sql)) as { id: string }[])[0].id;
  const companyId = await pick(`SELECT id FROM stakeholder WHERE kind = 'COMPANY' ORDER BY id LIMIT 1`);
  const orgId = await pick(`SELECT stakeholder_id AS id FROM partnership_member GROUP BY stakeholder_id ORDER BY count(*) DESC, stakeholder_id LIMIT 1`);
  const participants = ((await db.query(`SELECT id FROM stakeholder WHERE kind <> 'PATIENT' ORDER BY id LIMIT 3`)) as { id: string }[]).map((r) =>
    toGlobalId('Stakeholder', r.id),
  );
  const subjectId = await pick(
    `SELECT m.stakeholder_id AS id FROM partnership_member m JOIN stakeholder s ON s.id = m.stakeholder_id AND s.kind <> 'PATIENT'
      GROUP BY m.stakeholder_id ORDER BY count(*) DESC, m.stakeholder_id LIMIT 1`,
  );
  const [pair] = (await db.query(
    `SELECT a.stakeholder_id AS a, b.stakeholder_id AS b FROM interaction_participant a
       JOIN interaction_participant b ON b.interaction_id = a.interaction_id AND b.stakeholder_id > a.stakeholder_id
       JOIN stakeholder sa ON sa.id = a.stakeholder_id AND sa.kind <> 'PATIENT'
       JOIN stakeholder sb ON sb.id = b.stakeholder_id AND sb.kind <> 'PATIENT'
      GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1`,
  )) as { a: string; b: string }[];
  const [{ year }] = (await db.query(
    `SELECT extract(year FROM COALESCE(effective_from, created_at::date))::int AS year FROM contract WHERE disclosable
      GROUP BY 1 ORDER BY count(*) DESC, 1 DESC LIMIT 1`,
  )) as { year: number }[];
  await db.destroy();

  const config = { jwtSecret: SECRET, jwtIssuer: undefined, jwtAudience: undefined };
  const adminToken = await mintDevToken({ role: Role.ADMIN, sub: 'bench-admin' }, config);
  const partnerToken = await mintDevToken({ role: Role.PARTNER, org: orgId, sub: 'bench-partner' }, config);
  const analystToken = await mintDevToken({ role: Role.ANALYST, sub: 'bench-analyst' }, config);
  if (values.peer) {
    try {
      await runPeer(dbUrl, cluster, { admin: adminToken, partner: partnerToken }, companyId);
    } finally {
      await cluster?.stop();
    }
    return;
  }
  const metricVariables = {
    a: toGlobalId('Stakeholder', pair.a),
    b: toGlobalId('Stakeholder', pair.b),
    id: toGlobalId('Stakeholder', subjectId),
    year,
  };
  const scenarios: Scenario[] = [
    {
      name: 'stakeholder by id',
      token: adminToken,
      query: 'query ($id: ID!) { stakeholder(id: $id) { id name kind country ... on Company { companyType } } }',
      variables: { id: toGlobalId('Stakeholder', companyId) },
    },
    { name: '20-item list', token: adminToken, query: '{ stakeholders(first: 20) { totalCount edges { cursor node { id name kind country } } } }' },
    { name: 'portal 3-level (ADMIN)', token: adminToken, query: PORTAL_QUERY },
    { name: 'portal 3-level (PARTNER)', token: partnerToken, query: PORTAL_QUERY },
    // The same on a server that writes no audit trail: the difference is what auditing costs.
    { name: 'portal 3-level (PARTNER, audit off)', token: partnerToken, query: PORTAL_QUERY, auditOff: true },
    {
      name: 'recordInteraction',
      token: adminToken,
      query: `mutation ($input: RecordInteractionInput!) { recordInteraction(input: $input) { interaction { id } userErrors { code } } }`,
      variables: { input: { kind: 'CALL', occurredAt: '2026-11-20T10:00:00Z', summary: 'bench', participantIds: participants } },
    },
    // Each metric as ANALYST; a request sends only the variables its query declares.
    ...METRIC_QUERIES.map(([name, query]) => ({
      name: `metrics.${name} (ANALYST)`,
      token: analystToken,
      query,
      variables: Object.fromEntries(Object.entries(metricVariables).filter(([key]) => query.includes(`$${key}:`))),
    })),
  ];

  // BENCH_ONLY=<text>: only the scenarios whose name contains it.
  const only = process.env.BENCH_ONLY;
  const chosen = scenarios.filter((s) => !only || s.name.includes(only));
  const servers: Server[] = [];
  const rows = [];
  try {
    const audited = await startServer(dbUrl, true);
    servers.push(audited);
    const unaudited = chosen.some((s) => s.auditOff) ? await startServer(dbUrl, false) : undefined;
    if (unaudited) servers.push(unaudited);
    // The embedded cluster's postmaster is the first line of postmaster.pid.
    const postmasterPid = cluster ? Number(readFileSync(path.join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) : null;
    const dbCpuMs = postmasterPid ? () => clusterCpuMs(postmasterPid) : null;
    for (const scenario of chosen) {
      rows.push(await runScenario(scenario.auditOff && unaudited ? unaudited : audited, servers, dbCpuMs, scenario));
    }
  } finally {
    for (const { child } of servers) {
      child.send('stop');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await cluster?.stop();
  }
  console.log(`\n${connections} connections, ${seconds} s per operation, scale ${scale}, node ${process.version}`);
  console.table(rows);
}

// ---------------------------------------------------------------------------------------------
// --network: the network metric cold and cached (issue 13)

const NETWORK_QUERY = `query ($filter: MetricsFilter) { metrics(filter: $filter) { network { nodes edges density components largestComponent communities
  topByDegree(first: 10) { value stakeholder { id name } } topByBetweenness(first: 10) { value stakeholder { id name } } } } }`;

interface LoopDelay {
  maxMs: number;
  p99Ms: number;
  meanMs: number;
  samples: number;
  /** CPU time of the server's main thread over the window (null off Linux). */
  mainThreadCpuMs: number | null;
  /** The longest gap between 1 ms ticks of a timer in the server, and the main thread's CPU time within it (10 ms resolution). */
  longestStallMs: number;
  longestStallCpuMs: number | null;
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    child.send(message);
  });
}

/** One network request; its time in ms and the figures (throws on an error). */
async function networkRequest(
  url: string,
  token: string,
  filter?: Record<string, unknown>,
): Promise<{ ms: number; nodes: number; edges: number; topBetweenness: number }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: NETWORK_QUERY, variables: { filter } }),
  });
  const json = (await response.json()) as {
    data?: { metrics: { network: { nodes: number; edges: number; topByBetweenness: unknown[] } } };
    errors?: unknown[];
  };
  const ms = performance.now() - started;
  if (json.errors || !json.data) throw new Error(`network fails: ${JSON.stringify(json.errors)}`);
  const { nodes, edges, topByBetweenness } = json.data.metrics.network;
  return { ms, nodes, edges, topBetweenness: topByBetweenness.length };
}

/**
 * At each scale: a fresh seeded database and a server process, warmed by one other request and
 * one network request of the tiny graph of links between patients (which starts the worker thread); then for ADMIN and
 * ANALYST (two graphs, two cache entries) the cold request, with the server's event-loop delay
 * over it (perf_hooks.monitorEventLoopDelay, 1 ms resolution, inside the server process; and the
 * longest stall of a 1 ms timer with the main thread's CPU time within it, which tells the event
 * loop held by work from the thread waiting for a core on a loaded machine) and the longest
 * /healthz answer while it ran (another request waiting on the event loop), then
 * `--cached` sequential cached requests. NETWORK_BETWEENNESS_PIVOTS in the environment reaches
 * the server.
 */
async function runNetwork(): Promise<void> {
  const scales = values.scales.split(',').map(Number);
  const cachedRuns = Number(values.cached);
  const pivots = Number(process.env.NETWORK_BETWEENNESS_PIVOTS || 500);
  const config = { jwtSecret: SECRET, jwtIssuer: undefined, jwtAudience: undefined };
  const tokens = {
    ADMIN: await mintDevToken({ role: Role.ADMIN, sub: 'bench-admin' }, config),
    ANALYST: await mintDevToken({ role: Role.ANALYST, sub: 'bench-analyst' }, config),
  };
  const rows: Record<string, string | number>[] = [];
  for (const scale of scales) {
    const { url: dbUrl, cluster, db } = await seededDatabase(scale);
    await db.destroy();
    let server: Server | undefined;
    try {
      server = await startServer(dbUrl, true);
      // A first request of another kind, then the network of links between patients only (a tiny graph; it starts the worker
      // thread), so that "cold" is the network's cache, not the process's first request or the thread's start.
      await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.ADMIN}` },
        body: JSON.stringify({ query: '{ stakeholders(first: 1) { totalCount } }' }),
      });
      const threadStart = await networkRequest(server.url, tokens.ADMIN, { stakeholderKinds: ['PATIENT'] });
      console.log(`scale ${scale}: the first network request (links between patients only: ${threadStart.edges}) took ${Math.round(threadStart.ms)} ms`);
      for (const [role, token] of Object.entries(tokens)) {
        await ask(server.child, 'loop-reset');
        // /healthz every 25 ms while the cold request runs: how long another request waits.
        let running = true;
        let healthMax = 0;
        const probe = (async () => {
          while (running) {
            const started = performance.now();
            await fetch(`${server!.url.replace(/\/graphql$/, '')}/healthz`);
            healthMax = Math.max(healthMax, performance.now() - started);
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        })();
        const cold = await networkRequest(server.url, token);
        running = false;
        await probe;
        const loop = await ask<LoopDelay>(server.child, 'loop');
        const cached: number[] = [];
        for (let i = 0; i < cachedRuns; i++) cached.push((await networkRequest(server.url, token)).ms);
        cached.sort((a, b) => a - b);
        rows.push({
          scale,
          role,
          nodes: cold.nodes,
          edges: cold.edges,
          betweenness: cold.nodes <= pivots ? 'exact' : `sampled, k = ${pivots}`,
          'top by betweenness': cold.topBetweenness,
          'cold ms': Math.round(cold.ms),
          'loop max ms': +loop.maxMs.toFixed(1),
          'loop p99 ms': +loop.p99Ms.toFixed(1),
          'main-thread CPU ms': loop.mainThreadCpuMs ?? 'n/a',
          'longest stall ms (CPU in it)': `${Math.round(loop.longestStallMs)} (${loop.longestStallCpuMs ?? 'n/a'})`,
          'healthz max ms': Math.round(healthMax),
          'cached p50 ms': +cached[Math.floor(cached.length / 2)].toFixed(1),
          'cached max ms': +cached[cached.length - 1].toFixed(1),
        });
      }
    } finally {
      if (server) {
        server.child.send('stop');
        await new Promise((resolve) => server!.child.once('exit', resolve));
      }
      await cluster?.stop();
    }
  }
  console.log(`\nnetwork metric, cold (first network request after start) and ${cachedRuns} cached requests; NETWORK_BETWEENNESS_PIVOTS ${pivots}; node ${process.version}`);
  console.table(rows);
}

// ---------------------------------------------------------------------------------------------
// --peer: the same logical queries on PostGraphile v5 (issue 15)

/**
 * The portal query of the peer comparison: PORTAL_QUERY plus each affiliation's other end
 * (`to { name }`), the "partnerships → members → stakeholder → affiliations → to".
 */
const PEER_PORTAL_OURS = `query Portal {
  partnerships(first: 20) {
    edges { node { id title status
      members { role stakeholder { id name kind affiliations { kind since until to { name } } } }
    } }
  }
}`;

/**
 * The same on PostGraphile's generated schema (Amber preset; names from its printed schema, which
 * `BENCH_PEER_SCHEMA=<file>` writes). Ours orders partnerships by title (then id) and returns a
 * stakeholder's affiliations at both ends, current ones only (filtered in memory after loading
 * all of them); the peer gets the same order and both ends, ended ones included (Amber's
 * conditions cannot say "not ended"), so it returns a few more affiliations than ours.
 */
const PEER_PORTAL_POSTGRAPHILE = `query Portal {
  allPartnerships(first: 20, orderBy: [TITLE_ASC, PRIMARY_KEY_ASC]) {
    edges { node { id title status
      partnershipMembersByPartnershipId { nodes { role stakeholderByStakeholderId { id name kind
        affiliationsByFromId { nodes { kind since until stakeholderByToId { name } } }
        affiliationsByToId { nodes { kind since until stakeholderByToId { name } } }
      } } }
    } }
  }
}`;

/** A side of the comparison: a running server and how to ask it the query. */
interface PeerTarget {
  side: 'PostGraphile' | 'ours ADMIN' | 'ours PARTNER';
  server: Server;
  /** Ours counts its statements itself too (the TypeORM logger); PostGraphile does not. */
  ours: boolean;
  token?: string;
}

interface PeerQuery {
  name: string;
  ours: { query: string; variables?: Record<string, unknown> };
  peer: { query: string; variables?: Record<string, unknown> };
}

type PeerRow = Record<string, string | number>;

/** The `node` devDependency's binary (Node 22: PostGraphile 5 needs Node >= 22). */
function node22(): string {
  let binary: string;
  try {
    binary = path.join(path.dirname(require.resolve('node/package.json')), 'bin', 'node');
  } catch {
    throw new Error('--peer needs the `node` devDependency (Node 22): run npm install');
  }
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  if (Number(/^v(\d+)/.exec(version)?.[1]) < 22) throw new Error(`${binary} is ${version}; PostGraphile 5 needs Node >= 22`);
  return binary;
}

function startPeer(dbUrl: string, execPath: string): Promise<Server> {
  const child = fork(path.join(__dirname, 'peer-server.mjs'), [], {
    execPath,
    execArgv: process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [],
    env: { ...process.env, BENCH_PEER_DB_URL: dbUrl, NODE_ENV: 'production', GRAPHILE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`PostGraphile exited with ${code}`)));
    child.once('message', (message) => resolve({ child, url: (message as { ready: string }).ready }));
  });
}


/**
 * Statements counted by pg_stat_statements: every top-level statement any client ran in the bench
 * database (utility statements such as BEGIN and COMMIT included), less these counting queries.
 * While one side runs the other servers are idle (runPeerScenario waits for that), so the
 * difference over a window is that side's. `dealloc` tells whether entries were evicted in
 * between (then the count is not trusted). `unavailable` when pg_stat_statements is not loaded.
 */
async function statementCounter(db: Client): Promise<{ read: () => Promise<{ calls: number; dealloc: number }> } | { unavailable: string }> {
  try {
    // In a schema of its own: PostGraphile exposes `public`, and would expose the extension's view.
    await db.query('CREATE SCHEMA IF NOT EXISTS bench_stats');
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA bench_stats');
    await db.query('SELECT 1 FROM bench_stats.pg_stat_statements LIMIT 1');
  } catch (error) {
    return { unavailable: `pg_stat_statements is not usable on this server (${(error as Error).message})` };
  }
  return {
    read: async () => {
      const { rows } = await db.query<{ calls: string; dealloc: string }>(
        `SELECT (SELECT coalesce(sum(calls), 0) FROM bench_stats.pg_stat_statements
                  WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                    AND query NOT LIKE '%pg_stat_statements%') AS calls,
                (SELECT dealloc FROM bench_stats.pg_stat_statements_info) AS dealloc`,
      );
      return { calls: Number(rows[0].calls), dealloc: Number(rows[0].dealloc) };
    },
  };
}

/**
 * Waits until every server has finished what it was doing: no pool connection in use or awaited,
 * and at most one clock tick of CPU in 250 ms (a request between two statements holds no
 * connection, but it burns CPU).
 */
async function settle(servers: Server[]): Promise<void> {
  const ticks = () => servers.map((s) => procStat(s.child.pid!)?.ticks ?? 0);
  for (let waited = 0; waited < 120_000; waited += 250) {
    const before = ticks();
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (ticks().every((t, i) => t - before[i] <= 1) && (await idle(servers))) return;
  }
}

async function runPeerScenario(
  target: PeerTarget,
  query: PeerQuery,
  c: number,
  servers: Server[],
  counter: Awaited<ReturnType<typeof statementCounter>>,
  dbCpuMs: (() => number) | null,
): Promise<PeerRow> {
  const { url, child } = target.server;
  const operation = target.ours ? query.ours : query.peer;
  const body = JSON.stringify({ query: operation.query, variables: operation.variables ?? {} });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  await settle(servers);
  const started = performance.now();
  const probe = await fetch(url, { method: 'POST', headers, body });
  const text = await probe.text();
  const firstMs = Math.round(performance.now() - started);
  const probeJson = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: unknown[] };
  if (probeJson.errors || !probeJson.data || Object.values(probeJson.data).some((v) => v == null)) {
    throw new Error(`${query.name} on ${target.side} fails: ${text.slice(0, 500)}`);
  }
  await autocannon({ url, method: 'POST', headers, body, connections: c, duration: 1 }); // warm-up
  // autocannon stops with up to c requests in flight, which the server still completes: the
  // counters are read once it has, and divided by every request sent (completed or abandoned).
  await settle(servers);
  const pid = child.pid!;
  const cpuBefore = processCpuMs(pid);
  const ownBefore = target.ours ? (await stats(child)).statements : 0;
  const sqlBefore = 'read' in counter ? await counter.read() : null;
  const dbBefore = dbCpuMs?.();
  const result = await autocannon({ url, method: 'POST', headers, body, connections: c, duration: seconds });
  await settle(servers);
  const dbAfter = dbCpuMs?.();
  const sqlAfter = 'read' in counter ? await counter.read() : null;
  const ownAfter = target.ours ? (await stats(child)).statements : 0;
  const cpuAfter = processCpuMs(pid);
  const requests = result.requests.sent;
  const perRequest = (value: number, digits: number) => +(value / requests).toFixed(digits);
  return {
    query: query.name,
    c,
    side: target.side,
    'first ms': firstMs,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'CPU ms/req': perRequest(cpuAfter - cpuBefore, 2),
    'DB CPU ms/req': dbBefore !== undefined && dbAfter !== undefined ? perRequest(dbAfter - dbBefore, 2) : 'n/a',
    'SQL/req': sqlBefore && sqlAfter && sqlAfter.dealloc === sqlBefore.dealloc ? perRequest(sqlAfter.calls - sqlBefore.calls, 2) : 'n/a',
    'SQL/req (own count)': target.ours ? perRequest(ownAfter - ownBefore, 2) : '',
    'KB/resp': +(Buffer.byteLength(text) / 1024).toFixed(1),
    errors: result.errors + result.non2xx,
  };
}

/** Adds ours ÷ peer for req/s, p99, CPU and SQL to ours' rows of one (query, c) group. */
function addRatios(rows: PeerRow[]): void {
  const peer = rows.find((r) => r.side === 'PostGraphile');
  const ratio = (a: string | number, b: string | number | undefined) =>
    typeof a === 'number' && typeof b === 'number' && b > 0 ? +(a / b).toFixed(2) : 'n/a';
  for (const row of rows) {
    const own = row.side !== 'PostGraphile';
    row['req/s ×'] = own ? ratio(row['req/s'], peer?.['req/s']) : '';
    row['p99 ×'] = own ? ratio(row['p99 ms'], peer?.['p99 ms']) : '';
    row['CPU ×'] = own ? ratio(row['CPU ms/req'], peer?.['CPU ms/req']) : '';
    row['SQL ×'] = own ? ratio(row['SQL/req'], peer?.['SQL/req']) : '';
  }
}

/**
 * The comparison of issue 15: PostGraphile v5 with the Amber preset (no permissions), run by the
 * `node` devDependency's Node 22 in production mode on a free port, on the same database as this
 * server; the portal query and a stakeholder by id, at each concurrency, each side in turn (the
 * order of the sides rotates between rounds). Server CPU of both from /proc/<pid>/stat;
 * statements of both from pg_stat_statements (and ours' own counter beside it).
 */
async function runPeer(dbUrl: string, cluster: EmbeddedCluster | undefined, tokens: { admin: string; partner: string }, companyId: string) {
  const execPath = node22();
  const peerVersion = (JSON.parse(readFileSync(path.join(path.dirname(require.resolve('postgraphile')), '..', 'package.json'), 'utf8')) as { version: string }).version;
  const nodeVersion = execFileSync(execPath, ['--version'], { encoding: 'utf8' }).trim();
  const levels = values['peer-connections'].split(',').map(Number);
  const rounds = Number(values.rounds);
  const queries: PeerQuery[] = [
    { name: 'portal 3-level', ours: { query: PEER_PORTAL_OURS }, peer: { query: PEER_PORTAL_POSTGRAPHILE } },
    {
      name: 'stakeholder by id',
      ours: {
        query: 'query ($id: ID!) { stakeholder(id: $id) { id name kind country ... on Company { companyType } } }',
        variables: { id: toGlobalId('Stakeholder', companyId) },
      },
      peer: {
        query: 'query ($id: UUID!) { stakeholderByRowId(rowId: $id) { id name kind country companyType } }',
        variables: { id: companyId },
      },
    },
  ].filter((q) => !process.env.BENCH_ONLY || q.name.includes(process.env.BENCH_ONLY));

  const monitor = new Client({ connectionString: dbUrl });
  await monitor.connect();
  const counter = await statementCounter(monitor);
  const servers: Server[] = [];
  const rows: PeerRow[] = [];
  try {
    const ours = await startServer(dbUrl, true);
    servers.push(ours);
    const peer = await startPeer(dbUrl, execPath);
    servers.push(peer);
    const postmasterPid = cluster ? Number(readFileSync(path.join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) : null;
    const dbCpuMs = postmasterPid ? () => clusterCpuMs(postmasterPid) : null;
    const targets: PeerTarget[] = [
      { side: 'PostGraphile', server: peer, ours: false },
      { side: 'ours ADMIN', server: ours, ours: true, token: tokens.admin },
      { side: 'ours PARTNER', server: ours, ours: true, token: tokens.partner },
    ];
    for (let round = 0; round < rounds; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      for (const c of levels) {
        for (const query of queries) {
          const group: PeerRow[] = [];
          for (const target of order) group.push(await runPeerScenario(target, query, c, servers, counter, dbCpuMs));
          group.sort((a, b) => targets.findIndex((t) => t.side === a.side) - targets.findIndex((t) => t.side === b.side));
          addRatios(group);
          rows.push(...(rounds > 1 ? group.map((r) => ({ round: round + 1, ...r })) : group));
        }
      }
    }
  } finally {
    for (const { child } of servers) {
      child.send('stop');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await monitor.end();
  }
  console.log(
    `\nPostGraphile ${peerVersion} (Amber preset, no permissions; ${nodeVersion}) vs this server (${process.version}); ` +
      `${seconds} s per operation, scale ${scale}, ${rounds} round(s); ratios are ours ÷ PostGraphile's.`,
  );
  console.log(
    'read' in counter
      ? 'SQL/req: pg_stat_statements, every statement run in the bench database while that side ran; SQL/req (own count): our server\'s TypeORM logger.'
      : `SQL/req: n/a: ${counter.unavailable}.`,
  );
  console.table(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
