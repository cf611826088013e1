import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { mintDevToken } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { connectionStringOf } from '../src/database/data-source';
import { toGlobalId } from '../src/graphql/global-id';
import { clusterCpuMs, procStat, processCpuMs, startServer, type Server } from './server-child';

/** The ID_SECRET of bench/server-process.ts: a worker process must seal patient ids as its API does. */
const SERVER_ID_SECRET = 'bench-'.repeat(8);

interface Phase {
  hooks: 0 | 100;
  mean: number;
  p50: number;
  p95: number;
  /** CPU time per mutation (ms): the API process, the worker process (if one runs), the database. */
  apiCpu: number;
  workerCpu: number | null;
  dbCpu: number | null;
  /** The receiver's (a partner's system, which in a deployment runs elsewhere). */
  receiverCpu: number;
}

/**
 * `npm run bench -- --notifications [--scale 1]` (issue 11): the latency of a mutation
 * (recordInteraction, sequential) with no webhook registered and with one per organisation (100),
 * and the delivery throughput of one worker.
 *
 * The API is a process of its own (bench/server-process.ts, with development rules for webhook
 * URLs so that deliveries may go to 127.0.0.1), as deployed. The client, which stands for a
 * partner portal, runs in this process; the webhook receiver, which stands for the partners'
 * own systems, in another (bench/receiver-process.ts), so that its work does not delay the
 * client whose latency is measured. Two deployments are measured: the worker
 * in a thread of the API's process (WEBHOOK_WORKER=true, the default) and a worker process of
 * its own (`npm run webhooks`, the API with WEBHOOK_WORKER=false). Each of `rounds` rounds starts
 * both afresh, in alternating order, and in each two phases with 0 and two with 100 webhooks in
 * ABBA order (0, 100, 100, 0, then the reverse), so that the drift of a long run (a young
 * database, autovacuum, the tables growing) and of a turn falls on both alike. Before its
 * phases, a deployment's worker is waited for and `samples` mutations with webhooks warm it up;
 * each phase starts once the previous one's deliveries are done and the tables are analyzed (as
 * autovacuum would have done in a deployment; the PostgreSQL 15 service here runs without it,
 * and each phase adds hundreds of rows), and is `samples` mutations after unmeasured ones that
 * bring the worker to its steady state (30, and at least WEBHOOK_POLL_MS + 0.5 s of them).
 * The worker runs at lower CPU priority in both deployments (a thread, a process). Besides
 * latency, the CPU time per mutation of the API process, the worker process and the database
 * cluster (when it runs on this machine) shows what the deliveries cost whatever the noise.
 * Figures are printed, nothing asserted.
 */
export async function runNotifications(db: DataSource, secret: string, samples = 300, rounds = 3, backlog = 2_000): Promise<void> {
  const receiver = await startReceiver();
  const receiverUrl = receiver.url;
  const dbUrl = connectionStringOf(db);
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: secret });
  const dbCpu = await databaseCpu(db);

  const api = (worker: boolean): Promise<Server> =>
    startServer(dbUrl, true, { BENCH_NODE_ENV: 'test', BENCH_WEBHOOK_WORKER: String(worker), RATE_LIMIT_USER: '10000000' });
  const stopServer = async (server: Server): Promise<void> => {
    server.child.removeAllListeners('exit');
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.send('stop');
    await exited;
  };
  const workerProcess = async (): Promise<ChildProcess> => {
    // BENCH_CPU_PROF=<folder>: the worker writes a V8 CPU profile there when it stops, as the servers do.
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
    const child = spawn(process.execPath, [...profile, '-r', 'ts-node/register/transpile-only', path.join(__dirname, '..', 'src', 'notifications', 'worker.main.ts')], {
      env: { ...process.env, NODE_ENV: 'test', JWT_SECRET: secret, ID_SECRET: SERVER_ID_SECRET, DATABASE_URL: dbUrl, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('delivering webhooks')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the webhook worker exited (${code})`)));
    });
    return child;
  };
  const stopProcess = async (child: ChildProcess): Promise<void> => {
    child.removeAllListeners('exit');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };

  // One webhook per organisation, 100 of them: companies are added when the seed has fewer organisations.
  await db.query(
    `INSERT INTO stakeholder (kind, name, country) SELECT 'COMPANY', 'Bench Company ' || g, 'DE' FROM generate_series(1, greatest(0, 100 -
       (SELECT count(*) FROM stakeholder WHERE kind IN ('COMPANY', 'PATIENT_ORGANISATION', 'RESEARCH_ORGANISATION') AND archived_at IS NULL))) g`,
  );
  const orgs = (await db.query(`SELECT id FROM stakeholder WHERE kind IN ('COMPANY', 'PATIENT_ORGANISATION', 'RESEARCH_ORGANISATION') AND archived_at IS NULL ORDER BY id LIMIT 100`)) as { id: string }[];
  const [own, other] = orgs;
  const token = await mintDevToken({ role: Role.ENGAGEMENT_MANAGER, org: own.id, sub: 'bench-em' }, config);
  const post = async (server: Server, authorization: string, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${authorization}` }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data ?? {};
  };
  // The interaction is between two organisations: with 100 webhooks, each mutation is two deliveries.
  const record = (server: Server) =>
    post(server, token, `mutation BenchRecord($input: RecordInteractionInput!) { recordInteraction(input: $input) { interaction { id } userErrors { message } } }`, {
      input: { kind: 'CALL', occurredAt: new Date().toISOString(), participantIds: [toGlobalId('Stakeholder', own.id), toGlobalId('Stakeholder', other.id)] },
    });

  // The webhooks are registered through the API once, kept aside, and put back or taken away between phases.
  {
    const server = await api(false);
    for (const org of orgs) {
      const em = await mintDevToken({ role: Role.ENGAGEMENT_MANAGER, org: org.id, sub: `bench-em-${org.id}` }, config);
      await post(server, em, `mutation BenchHook($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } userErrors { message } } }`, {
        input: { url: `${receiverUrl}/${org.id}`, events: ['INTERACTION_RECORDED'], selection: 'fragment BenchSeen on Interaction { id kind occurredAt participants { name } }' },
      });
    }
    await stopServer(server);
    await db.query(`DROP TABLE IF EXISTS bench_webhook`);
    await db.query(`CREATE TABLE bench_webhook AS SELECT * FROM webhook`);
  }
  const useHooks = async (hooks: 0 | 100): Promise<void> => {
    await db.query(`DELETE FROM webhook`);
    if (hooks) await db.query(`INSERT INTO webhook SELECT * FROM bench_webhook`);
  };
  /** Until the outbox is fanned out and no delivery is pending (the previous phase's tail is not measured); then ANALYZE. */
  const drained = async (): Promise<void> => {
    for (let waited = 0; waited < 60_000; waited += 50) {
      const [{ busy }] = (await db.query(
        `SELECT EXISTS (SELECT 1 FROM outbox WHERE dispatched_at IS NULL) OR EXISTS (SELECT 1 FROM webhook_delivery WHERE status = 'PENDING') AS busy`,
      )) as { busy: boolean }[];
      if (!busy) {
        await db.query('ANALYZE');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the deliveries did not drain within 60 s');
  };

  const measure = async (server: Server, worker: ChildProcess | null, hooks: 0 | 100, label: string): Promise<Phase> => {
    // Unmeasured first: at least 30 mutations, and for longer than a worker's pacing interval,
    // so that the measured window holds the worker's steady state (its rounds deliver events
    // committed up to about pollMs earlier: a window opened at once would miss part of that).
    const warm = Date.now() + config.webhooks.pollMs + 500;
    for (let i = 0; i < 30 || Date.now() < warm; i++) await record(server);
    const cpu = () => ({
      api: processCpuMs(server.child.pid!),
      worker: worker ? processCpuMs(worker.pid!) : null,
      db: dbCpu?.() ?? null,
      receiver: processCpuMs(receiver.pid),
    });
    const before = cpu();
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const start = process.hrtime.bigint();
      await record(server);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const after = cpu();
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    const phase: Phase = {
      hooks,
      mean: times.reduce((a, b) => a + b, 0) / times.length,
      p50: at(0.5),
      p95: at(0.95),
      apiCpu: (after.api - before.api) / samples,
      workerCpu: after.worker === null || before.worker === null ? null : (after.worker - before.worker) / samples,
      dbCpu: after.db === null || before.db === null ? null : (after.db - before.db) / samples,
      receiverCpu: (after.receiver - before.receiver) / samples,
    };
    const cpus = [`API ${phase.apiCpu.toFixed(2)}`, ...(phase.workerCpu === null ? [] : [`worker ${phase.workerCpu.toFixed(2)}`]), ...(phase.dbCpu === null ? [] : [`database ${phase.dbCpu.toFixed(2)}`]), `receiver ${phase.receiverCpu.toFixed(2)}`];
    console.log(
      `  ${label.padEnd(34)} mean ${phase.mean.toFixed(2)} ms  p50 ${phase.p50.toFixed(2)}  p95 ${phase.p95.toFixed(2)}  p99 ${at(0.99).toFixed(2)}   CPU/mutation ${cpus.join(', ')} ms`,
    );
    return phase;
  };
  /**
   * One deployment's turn in a round: the API (and the worker process) started afresh; a warm-up,
   * not measured, once the worker is up (its connections, named for its process, are open: in
   * the API process it is a thread, which takes a few seconds to start under ts-node) — `samples`
   * mutations with webhooks; then phases with 0 and 100 webhooks in `order` (ABBA: a drift
   * during the turn falls on both alike).
   */
  const turn = async (ownWorker: boolean, order: (0 | 100)[], round: number): Promise<Phase[]> => {
    const server = await api(!ownWorker);
    const worker = ownWorker ? await workerProcess() : null;
    const name = `alliance-graph-webhooks/${(worker ?? server.child).pid}`;
    for (let waited = 0; ; waited += 100) {
      const [{ up }] = (await db.query(`SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = $1) AS up`, [name])) as { up: boolean }[];
      if (up) break;
      if (waited > 60_000) throw new Error(`the webhook worker (${name}) did not connect within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await useHooks(100);
    for (let i = 0; i < samples; i++) await record(server);
    await drained();
    const phases: Phase[] = [];
    for (const hooks of order) {
      await useHooks(hooks);
      await drained();
      phases.push(await measure(server, worker, hooks, `round ${round + 1}, ${ownWorker ? 'own process' : 'API process'}, ${hooks} webhooks`));
    }
    if (worker) await stopProcess(worker);
    await stopServer(server);
    return phases;
  };
  const summary = (label: string, phases: Phase[]): void => {
    const avg = (hooks: 0 | 100, pick: (p: Phase) => number | null): number | null => {
      const values = phases.filter((p) => p.hooks === hooks).map(pick);
      return values.some((v) => v === null) ? null : (values as number[]).reduce((a, b) => a + b, 0) / values.length;
    };
    const mean0 = avg(0, (p) => p.mean)!;
    const mean100 = avg(100, (p) => p.mean)!;
    const p95 = [avg(0, (p) => p.p95)!, avg(100, (p) => p.p95)!];
    const cpu = (pick: (p: Phase) => number | null, name: string) => {
      const [a, b] = [avg(0, pick), avg(100, pick)];
      return a === null || b === null ? [] : [`${name} ${a.toFixed(2)} → ${b.toFixed(2)}`];
    };
    console.log(
      `  → ${label}: mean ${mean0.toFixed(2)} → ${mean100.toFixed(2)} ms, ${(((mean100 - mean0) / mean0) * 100).toFixed(1)} % with 100 webhooks (target ≤ 10 %); ` +
        `p95 ${p95[0].toFixed(2)} → ${p95[1].toFixed(2)} ms; CPU/mutation ${[...cpu((p) => p.apiCpu, 'API'), ...cpu((p) => p.workerCpu, 'worker'), ...cpu((p) => p.dbCpu, 'database'), ...cpu((p) => p.receiverCpu, 'receiver')].join(', ')} ms`,
    );
  };

  console.log(`\nmutation latency, recordInteraction, ${samples} sequential per phase; ${rounds} rounds, each of both deployments with 0 and 100 webhooks (${orgs.length} organisations)`);
  // Each round starts both deployments afresh, in alternating order (and 0/100 in alternating
  // order within them): what comes first in a run (a young database, autovacuum catching up
  // after the seed) falls on both alike.
  const inProcess: Phase[] = [];
  const ownProcess: Phase[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = (round % 2 === 0 ? [0, 100, 100, 0] : [100, 0, 0, 100]) as (0 | 100)[];
    for (const ownWorker of round % 2 === 0 ? [false, true] : [true, false]) {
      (ownWorker ? ownProcess : inProcess).push(...(await turn(ownWorker, order, round)));
    }
  }
  console.log('no worker running (the mutation alone, its outbox row left undelivered):');
  const server = await api(false);
  await useHooks(100);
  await measure(server, null, 100, '100 webhooks');
  summary('worker in the API process', inProcess);
  summary('worker in its own process', ownProcess);

  // Throughput of one worker (its own process): a backlog queued while none runs, then it drains it.
  await db.query(`DELETE FROM webhook WHERE organisation_id <> $1`, [own.id]);
  await db.query(`UPDATE outbox SET dispatched_at = now() WHERE dispatched_at IS NULL`);
  await db.query(`DELETE FROM webhook_delivery`);
  for (let i = 0; i < backlog; i++) await record(server);
  await stopServer(server);
  const before = await receiver.delivered();
  const worker = await workerProcess();
  const started = process.hrtime.bigint();
  while ((await receiver.delivered()) - before < backlog) await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await stopProcess(worker);
  console.log(
    `\ndelivery throughput, one worker process (concurrency ${config.webhooks.concurrency}): ${backlog} events in ${seconds.toFixed(2)} s = ${Math.round(backlog / seconds)} events/s`,
  );
  await db.query(`DROP TABLE bench_webhook`);
  await receiver.stop();
}

/**
 * The database cluster's CPU time so far (ms), when it runs on this machine: found from this
 * connection's backend, whose parent is the postmaster. Null when it cannot be read (a remote server).
 */
async function databaseCpu(db: DataSource): Promise<(() => number) | null> {
  const [{ pid }] = (await db.query(`SELECT pg_backend_pid() AS pid`)) as { pid: number }[];
  const postmaster = procStat(pid)?.ppid;
  return postmaster ? () => clusterCpuMs(postmaster) : null;
}

/** bench/receiver-process.ts started: its URL, its count of deliveries so far, and a stop. */
async function startReceiver(): Promise<{ url: string; pid: number; delivered(): Promise<number>; stop(): Promise<void> }> {
  const child = fork(path.join(__dirname, 'receiver-process.ts'), [], { execArgv: ['-r', 'ts-node/register/transpile-only'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`the receiver exited (${code})`)));
  });
  return {
    url,
    pid: child.pid!,
    delivered: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve((message as { delivered: number }).delivered));
        child.send('count');
      }),
    stop: async () => {
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}
