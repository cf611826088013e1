import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { connectionStringOf } from '../src/database/data-source';
import { toGlobalId } from '../src/graphql/global-id';
import { buildAppSchema } from '../src/graphql/schema';
import { startHttpServer } from '../src/http/server';
import { changeReader } from '../src/notifications/change-execution';
import { startWebhookWorker, type WebhookWorker } from '../src/notifications/webhook-worker';
import { createLogger } from '../src/shared/logger';

/**
 * `npm run bench -- --notifications [--scale 1]` (issue 11): the latency of a mutation
 * (recordInteraction, 300 sequential after 30 warm-up) with no webhook registered and with 100
 * (one per organisation), the deliveries made either by a worker in the API's own process (the
 * default, WEBHOOK_WORKER=true) or by a worker process of its own (`npm run webhooks`, the API
 * with WEBHOOK_WORKER=false); and the delivery throughput of one worker (events/s, each read as
 * its organisation sees it, audited, signed and POSTed to a receiver on 127.0.0.1). The API runs
 * in this process; the figures are printed, nothing is asserted.
 */
export async function runNotifications(db: DataSource, secret: string, samples = 300, backlog = 2_000): Promise<void> {
  let delivered = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      delivered += 1;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const dbUrl = connectionStringOf(db);
  // Development rules for URLs (the receiver is on 127.0.0.1); everything else as in production.
  const env = { NODE_ENV: 'test', JWT_SECRET: secret, DATABASE_URL: dbUrl, RATE_LIMIT_USER: '10000000', RATE_LIMIT_IP: '10000000', LOG_LEVEL: 'silent', WEBHOOK_POLL_MS: '100' };
  const config = loadConfig({ ...env, WEBHOOK_WORKER: 'false' });
  const server = await startHttpServer({ db, verifyToken: createTokenVerifier(config), config, port: 0, host: '127.0.0.1' });
  const schema = await buildAppSchema();
  const reader = changeReader(db, schema, config.audit.enabled);
  const inProcess = (): WebhookWorker => startWebhookWorker(reader, dbUrl, null, { ...config.webhooks, production: false }, createLogger('silent'));
  const ownProcess = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, '..', 'src', 'notifications', 'worker.main.ts')], {
      env: { ...process.env, ...env, LOG_LEVEL: 'info' },
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
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };

  // One webhook per organisation, 100 of them: companies are added when the seed has fewer organisations.
  await db.query(
    `INSERT INTO stakeholder (kind, name, country) SELECT 'COMPANY', 'Bench Company ' || g, 'DE' FROM generate_series(1, greatest(0, 100 -
       (SELECT count(*) FROM stakeholder WHERE kind IN ('COMPANY', 'PATIENT_ORGANISATION', 'RESEARCH_ORGANISATION') AND archived_at IS NULL))) g`,
  );
  const orgs = (await db.query(`SELECT id FROM stakeholder WHERE kind IN ('COMPANY', 'PATIENT_ORGANISATION', 'RESEARCH_ORGANISATION') AND archived_at IS NULL ORDER BY id LIMIT 100`)) as { id: string }[];
  const [own, other] = orgs;
  const token = await mintDevToken({ role: Role.ENGAGEMENT_MANAGER, org: own.id, sub: 'bench-em' }, config);
  const post = async (authorization: string, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${authorization}` }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data ?? {};
  };
  const record = () =>
    post(token, `mutation BenchRecord($input: RecordInteractionInput!) { recordInteraction(input: $input) { interaction { id } userErrors { message } } }`, {
      input: { kind: 'CALL', occurredAt: new Date().toISOString(), participantIds: [toGlobalId('Stakeholder', own.id), toGlobalId('Stakeholder', other.id)] },
    });
  const measure = async (label: string): Promise<number> => {
    for (let i = 0; i < 30; i++) await record();
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const start = process.hrtime.bigint();
      await record();
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2);
    console.log(`${label.padEnd(46)} mean ${mean.toFixed(2)} ms  p50 ${at(0.5)}  p95 ${at(0.95)}  p99 ${at(0.99)}`);
    return mean;
  };
  const slower = (x: number, base: number) => `${(((x - base) / base) * 100).toFixed(1)} %`;

  console.log(`\nmutation latency, recordInteraction, ${samples} sequential (${orgs.length} organisations)`);
  let worker = inProcess();
  const inZero = await measure('0 webhooks, worker in the API process');
  await worker.stop();
  const child = await ownProcess();
  const ownZero = await measure('0 webhooks, worker in its own process');
  for (const org of orgs) {
    const em = await mintDevToken({ role: Role.ENGAGEMENT_MANAGER, org: org.id, sub: `bench-em-${org.id}` }, config);
    await post(em, `mutation BenchHook($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } userErrors { message } } }`, {
      input: { url: `${receiverUrl}/${org.id}`, events: ['INTERACTION_RECORDED'], selection: 'fragment BenchSeen on Interaction { id kind occurredAt participants { name } }' },
    });
  }
  const ownHundred = await measure(`${orgs.length} webhooks, worker in its own process`);
  await stopProcess(child);
  worker = inProcess();
  const inHundred = await measure(`${orgs.length} webhooks, worker in the API process`);
  await worker.stop();
  const pathOnly = await measure(`${orgs.length} webhooks, no worker running`);
  console.log(`  → ${orgs.length} webhooks against none: ${slower(ownHundred, ownZero)} with the worker in its own process, ${slower(inHundred, inZero)} with it in the API process (target ≤ 10 %)`);
  console.log(`  → the mutation's own path (no worker): ${pathOnly.toFixed(2)} ms`);

  // Throughput of one worker: a backlog queued while no worker runs, then one worker drains it.
  await db.query(`DELETE FROM webhook WHERE organisation_id <> $1`, [own.id]);
  await db.query(`UPDATE outbox SET dispatched_at = now() WHERE dispatched_at IS NULL`);
  await db.query(`DELETE FROM webhook_delivery`);
  for (let i = 0; i < backlog; i++) await record();
  delivered = 0;
  const started = process.hrtime.bigint();
  worker = inProcess();
  while (delivered < backlog) await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await worker.stop();
  console.log(
    `\ndelivery throughput, one worker (concurrency ${config.webhooks.concurrency}): ${backlog} events in ${seconds.toFixed(2)} s = ${Math.round(backlog / seconds)} events/s`,
  );
  await server.stop();
  await new Promise((resolve) => receiver.close(resolve));
}
