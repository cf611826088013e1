import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { connectionStringOf } from '../src/database/data-source';
import { toGlobalId } from '../src/graphql/global-id';
import { buildAppSchema } from '../src/graphql/schema';
import { createFormatError } from '../src/graphql/server';
import { startHttpServer } from '../src/http/server';
import { startWebhookWorker } from '../src/notifications/webhook-worker';
import { createLogger } from '../src/shared/logger';

/**
 * `npm run bench -- --notifications [--scale 1]` (issue 11): the latency of a mutation
 * (recordInteraction) with no webhook registered and with 100 (one per organisation, the worker
 * fanning out and delivering meanwhile), and the delivery throughput of one worker (events/s,
 * each read as its organisation sees it, signed and POSTed to a receiver on 127.0.0.1). The server
 * runs in this process; the figures are printed, nothing is asserted.
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
  // Development rules for URLs (the receiver is on 127.0.0.1); everything else as in production.
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: secret,
    DATABASE_URL: connectionStringOf(db),
    RATE_LIMIT_USER: '10000000',
    RATE_LIMIT_IP: '10000000',
    LOG_LEVEL: 'silent',
    WEBHOOK_POLL_MS: '100',
  });
  const server = await startHttpServer({ db, verifyToken: createTokenVerifier(config), config, port: 0, host: '127.0.0.1' });
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
    console.log(`${label.padEnd(34)} mean ${mean.toFixed(2)} ms  p50 ${at(0.5)}  p95 ${at(0.95)}  p99 ${at(0.99)}  (${samples} sequential)`);
    return mean;
  };

  console.log(`\nmutation latency, recordInteraction (${orgs.length} organisations)`);
  const without = await measure('0 webhooks');
  for (const org of orgs) {
    const em = await mintDevToken({ role: Role.ENGAGEMENT_MANAGER, org: org.id, sub: `bench-em-${org.id}` }, config);
    await post(em, `mutation BenchHook($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } userErrors { message } } }`, {
      input: { url: `${receiverUrl}/${org.id}`, events: ['INTERACTION_RECORDED'], selection: 'fragment BenchSeen on Interaction { id kind occurredAt participants { name } }' },
    });
  }
  const withHooks = await measure(`${orgs.length} webhooks, worker in process`);
  // The mutation's own path (the outbox row is all it writes): the worker's fan-out and deliveries stopped meanwhile.
  await server.webhooks?.stop();
  const pathOnly = await measure(`${orgs.length} webhooks, worker stopped`);
  const slower = (x: number) => `${(((x - without) / without) * 100).toFixed(1)} %`;
  console.log(`  → with ${orgs.length} webhooks: ${slower(pathOnly)} on the mutation's path, ${slower(withHooks)} with this process also delivering (target ≤ 10 %)`);

  // Throughput of one worker: a backlog queued while no worker runs, then one worker drains it.
  await db.query(`DELETE FROM webhook WHERE organisation_id <> $1`, [own.id]);
  await db.query(`UPDATE outbox SET dispatched_at = now() WHERE dispatched_at IS NULL`);
  await db.query(`DELETE FROM webhook_delivery`);
  for (let i = 0; i < backlog; i++) await record();
  delivered = 0;
  const schema = await buildAppSchema();
  const reader = { db, schema, formatError: createFormatError(new Set(Object.keys(schema.getMutationType()?.getFields() ?? {}))) };
  const started = process.hrtime.bigint();
  const worker = startWebhookWorker(reader, connectionStringOf(db), null, { ...config.webhooks, production: false }, createLogger('silent'));
  while (delivered < backlog) await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await worker.stop();
  console.log(
    `\ndelivery throughput, one worker (concurrency ${config.webhooks.concurrency}): ${backlog} events in ${seconds.toFixed(2)} s = ${Math.round(backlog / seconds)} events/s`,
  );
  await server.stop();
  await new Promise((resolve) => receiver.close(resolve));
}
