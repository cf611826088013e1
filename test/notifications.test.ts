import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { fromGlobalId, toGlobalId } from '../src/graphql/global-id';
import { createLogger } from '../src/shared/logger';
import { startHttpServer, type HttpServer } from '../src/http/server';
import { startWebhookThread } from '../src/notifications/webhook-thread';
import { OUTBOX_RETENTION_DAYS } from '../src/notifications/webhook-worker';
import { ConsentScope } from '../src/modules/consent/consent.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { configureWebhooks } from '../src/modules/webhook/webhook.service';
import { SIGNATURE_HEADER, verifySignature } from '../src/modules/webhook/webhook.signature';
import { DEFAULT_QUERY_LIMITS } from '../src/config';
import { createTestApp, type TestApp } from './support/app';
import { makeConsent } from './support/consent.factories';
import { makeStakeholder } from './support/factories';

/**
 * The change feed end to end (issue 11): real PostgreSQL, the real server (in process, and as two
 * child processes sharing one database), a real HTTP receiver on 127.0.0.1 and a real graphql-ws
 * client.
 */
const SECRET = 'n'.repeat(40);
const env = {
  WEBHOOK_WORKER: 'true',
  NODE_ENV: 'test',
  JWT_SECRET: SECRET,
  WEBHOOK_RETRY_BASE_MS: '40',
  WEBHOOK_RETRY_MAX_DELAY_MS: '200',
  WEBHOOK_RETRY_FOR_MS: '1500',
  WEBHOOK_POLL_MS: '40',
  WEBHOOK_TIMEOUT_MS: '3000',
};
const config = loadConfig(env);
const MAIN = path.join(__dirname, '..', 'src', 'main.ts');

let app: TestApp;
let server: HttpServer;
let helix: Stakeholder;
let north: Stakeholder;
let patient: Stakeholder;
let helixEm: string;
let northEm: string;
let patientToken: string;

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}
let receiver: Server;
let received: Received[] = [];
/** Per path: how many requests to answer 500 before answering 200; 'hang' holds the request open. */
const behaviour = new Map<string, number | 'hang'>();
const held: (() => void)[] = [];
let receiverUrl: string;

const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  app = await createTestApp();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const rule = behaviour.get(path) ?? 0;
      const entry: Received = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: 0 };
      received.push(entry);
      if (rule === 'hang') {
        held.push(() => res.destroy());
        return;
      }
      entry.status = rule > 0 ? 500 : 200;
      if (rule > 0) behaviour.set(path, rule - 1);
      res.writeHead(entry.status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  helix = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'Helix Pharma' });
  north = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'North Biotech' });
  patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, { pseudonym: 'Feed Patient 1' } as never);
  // The API's log lines, the delivery thread's among them (relayed through the API's logger).
  const logger = createLogger('info', { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
  server = await startHttpServer({ db: app.db, verifyToken: createTokenVerifier(config), config, port: 0, host: '127.0.0.1', logger });
  helixEm = await mintDevToken({ role: Role.ENGAGEMENT_MANAGER, org: helix.id, sub: 'helix-em' }, config);
  northEm = await mintDevToken({ role: Role.ENGAGEMENT_MANAGER, org: north.id, sub: 'north-em' }, config);
  patientToken = await mintDevToken({ role: Role.PATIENT, patient: patient.id, sub: 'feed-patient' }, config);
});

afterAll(async () => {
  for (const release of held) release();
  await server.stop();
  await new Promise((resolve) => receiver.close(resolve));
  await app.close();
});

beforeEach(() => {
  received = [];
  behaviour.clear();
});

async function gql<T = Record<string, unknown>>(token: string, query: string, variables: Record<string, unknown> = {}, url = server.url): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as never;
}

async function waitFor<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const SELECTION = 'fragment Seen on Interaction { id kind participants { __typename name ... on Patient { pseudonym redactedFields } } }';

async function createWebhook(token: string, path: string, events = ['INTERACTION_RECORDED'], selection = SELECTION): Promise<{ id: string; secret: string; version: number }> {
  const result = await gql<{ createWebhook: { webhook: { id: string; version: number } | null; secret: string | null; userErrors: { message: string }[] } }>(
    token,
    `mutation CreateHook($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id version } secret userErrors { message field } } }`,
    { input: { url: `${receiverUrl}${path}`, events, selection } },
  );
  const payload = result.data?.createWebhook;
  if (!payload?.webhook || !payload.secret) throw new Error(`createWebhook failed: ${JSON.stringify(result)}`);
  return { id: payload.webhook.id, secret: payload.secret, version: payload.webhook.version };
}

async function deleteWebhook(token: string, id: string): Promise<void> {
  await gql(token, `mutation DropHook($id: ID!) { deleteWebhook(input: { id: $id }) { userErrors { message } } }`, { id });
}

async function recordInteraction(token: string, participants: Stakeholder[], url = server.url): Promise<string> {
  const result = await gql<{ recordInteraction: { interaction: { id: string } | null; userErrors: unknown[] } }>(
    token,
    `mutation Record($input: RecordInteractionInput!) { recordInteraction(input: $input) { interaction { id } userErrors { message } } }`,
    { input: { kind: 'MEETING', occurredAt: new Date().toISOString(), participantIds: participants.map((p) => toGlobalId('Stakeholder', p.id)) } },
    url,
  );
  const id = result.data?.recordInteraction.interaction?.id;
  if (!id) throw new Error(`recordInteraction failed: ${JSON.stringify(result)}`);
  return id;
}

interface DeliveryBody {
  delivery: string;
  event: { id: string; type: string; recordType: string; version: number };
  record: { id: string; participants: { __typename: string; name: string | null; pseudonym?: string | null; redactedFields?: string[] }[] } | null;
}
const bodyOf = (r: Received): DeliveryBody => JSON.parse(r.body) as DeliveryBody;
const deliveredTo = (path: string, recordId?: string): Received[] =>
  received.filter((r) => r.path === path && r.status === 200 && (!recordId || bodyOf(r).record?.id === recordId));

function wsClient(token: string | null, url = server.url): Client {
  return createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    // Closes are what some tests wait for (on('closed')): not an error to print.
    onNonLazyError: () => undefined,
  });
}

/** Subscribes and collects what arrives; `ready` resolves once the server has acknowledged the connection. */
function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const events: Record<string, unknown>[] = [];
  const errors: unknown[] = [];
  let completed = false;
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (value) => (value.errors ? errors.push(value.errors) : events.push(value.data as Record<string, unknown>)),
      error: (e) => errors.push(e),
      complete: () => (completed = true),
    },
  );
  return { events, errors, dispose, isCompleted: () => completed };
}

const CHANGES = `subscription Changes($types: [ChangeEventType!]) {
  changes(types: $types) { id type recordType version record { id ... on Interaction { participants { name ... on Patient { pseudonym } } } } }
}`;

async function connected(client: Client): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const off = client.on('connected', () => (off(), resolve()));
    client.on('closed', (e) => reject(new Error(`closed: ${(e as { code?: number }).code}`)));
  });
}

describe('webhooks and subscriptions', () => {
  it('delivers a recorded interaction to a participant organisation (webhook and subscription), signed, and nothing to a non-participant', async () => {
    const helixHook = await createWebhook(helixEm, '/helix');
    const northHook = await createWebhook(northEm, '/north');
    const helixWs = wsClient(helixEm);
    const northWs = wsClient(northEm);
    try {
      const helixSub = subscribe(helixWs, CHANGES, { types: ['INTERACTION_RECORDED'] });
      const northSub = subscribe(northWs, CHANGES, { types: ['INTERACTION_RECORDED'] });
      await Promise.all([connected(helixWs), connected(northWs)]);
      // Subscriptions are registered once acknowledged; give the server a moment to run onSubscribe.
      await new Promise((resolve) => setTimeout(resolve, 200));

      const helixOnly = await recordInteraction(helixEm, [helix]);
      // A later event that concerns North: once it has arrived, the earlier one would have too.
      const both = await recordInteraction(helixEm, [helix, north]);

      const [hit] = await waitFor(() => deliveredTo('/helix', helixOnly).length > 0 && deliveredTo('/helix', helixOnly), 'Helix delivery');
      const body = bodyOf(hit);
      expect(body.event).toMatchObject({ type: 'INTERACTION_RECORDED', recordType: 'Interaction', version: 1 });
      expect(body.record?.participants.map((p) => p.name)).toEqual(['Helix Pharma']);
      expect(verifySignature(helixHook.secret, String(hit.headers[SIGNATURE_HEADER.toLowerCase()]), hit.body)).toBe(true);
      expect(verifySignature(northHook.secret, String(hit.headers[SIGNATURE_HEADER.toLowerCase()]), hit.body)).toBe(false);
      expect(verifySignature(helixHook.secret, String(hit.headers[SIGNATURE_HEADER.toLowerCase()]), hit.body.replace('Helix', 'Hel1x'))).toBe(false);

      await waitFor(() => deliveredTo('/north', both).length > 0, 'North delivery of the shared interaction');
      await waitFor(() => helixSub.events.length >= 2 && northSub.events.length >= 1, 'subscription events');
      expect(received.filter((r) => r.path === '/north').map((r) => bodyOf(r).record?.id)).toEqual([both]);
      expect(helixSub.events.map((e) => (e.changes as { record: { id: string } }).record.id)).toEqual([helixOnly, both]);
      expect(northSub.events.map((e) => (e.changes as { record: { id: string } }).record.id)).toEqual([both]);
      expect(helixSub.errors).toEqual([]);
    } finally {
      await helixWs.dispose();
      await northWs.dispose();
      await deleteWebhook(helixEm, helixHook.id);
      await deleteWebhook(northEm, northHook.id);
    }
  });

  it("applies a patient's withdrawal of consent to later deliveries: the second payload shows the patient redacted", async () => {
    const consent = await makeConsent(app.db, patient, { granteeId: helix.id, scopes: [ConsentScope.IDENTITY] });
    const hook = await createWebhook(helixEm, '/consent');
    const ws = wsClient(helixEm);
    try {
      const sub = subscribe(ws, CHANGES, { types: ['INTERACTION_RECORDED'] });
      await connected(ws);
      await new Promise((resolve) => setTimeout(resolve, 200));

      const first = await recordInteraction(helixEm, [helix, patient]);
      const [one] = await waitFor(() => deliveredTo('/consent', first).length > 0 && deliveredTo('/consent', first), 'first delivery');
      await waitFor(() => sub.events.length >= 1, 'first subscription event');
      const identified = bodyOf(one).record?.participants.find((p) => p.__typename === 'Patient');
      // IDENTITY only: who they are, not how to reach them.
      expect(identified).toMatchObject({ pseudonym: 'Feed Patient 1', redactedFields: ['email', 'phone', 'conditions'] });

      const withdrawn = await gql<{ withdrawConsent: { userErrors: unknown[] } }>(
        patientToken,
        `mutation Withdraw($id: ID!, $version: Int!) { withdrawConsent(input: { id: $id, version: $version }) { userErrors { message } } }`,
        { id: toGlobalId('Consent', consent.id), version: consent.version },
      );
      expect(withdrawn.data?.withdrawConsent.userErrors).toEqual([]);

      // Helix may no longer name the patient by their id: the secretariat records the next meeting.
      const admin = await mintDevToken({ role: Role.ADMIN, sub: 'feed-admin' }, config);
      const second = await recordInteraction(admin, [helix, patient]);
      const [two] = await waitFor(() => deliveredTo('/consent', second).length > 0 && deliveredTo('/consent', second), 'second delivery');
      const redacted = bodyOf(two).record?.participants.find((p) => p.__typename === 'Patient');
      expect(redacted?.pseudonym).toBeNull();
      expect(redacted?.redactedFields).toContain('pseudonym');

      await waitFor(() => sub.events.length >= 2, 'second subscription event');
      const patientIn = (e: Record<string, unknown>) =>
        (e.changes as { record: { participants: { pseudonym?: string | null; name: string | null }[] } }).record.participants.find((p) => 'pseudonym' in p);
      expect(patientIn(sub.events[0])?.pseudonym).toBe('Feed Patient 1');
      expect(patientIn(sub.events[1])?.pseudonym).toBeNull();
      // Both reads of the patient were audited as the webhook's and the subscriber's.
      const audited = (await app.db.query(`SELECT DISTINCT subject FROM audit_event WHERE patient_id = $1 AND outcome = 'allowed' AND role = 'ENGAGEMENT_MANAGER'`, [patient.id])) as { subject: string }[];
      expect(audited.map((a) => a.subject).sort()).toEqual(expect.arrayContaining(['helix-em', `webhook:${Buffer.from(hook.id, 'base64url').toString().split(':')[1]}`]));
    } finally {
      await ws.dispose();
      await deleteWebhook(helixEm, hook.id);
    }
  });

  it('retries a failing receiver with backoff and delivers once (3 failures, then 2xx), with a valid signature on each attempt', async () => {
    const hook = await createWebhook(helixEm, '/flaky');
    behaviour.set('/flaky', 3);
    try {
      const id = await recordInteraction(helixEm, [helix]);
      await waitFor(() => deliveredTo('/flaky', id).length > 0, 'the delivery after three failures');
      const attempts = received.filter((r) => r.path === '/flaky');
      expect(attempts.map((r) => r.status)).toEqual([500, 500, 500, 200]);
      expect(new Set(attempts.map((r) => r.headers['x-alliance-delivery'])).size).toBe(1);
      for (const attempt of attempts) expect(verifySignature(hook.secret, String(attempt.headers[SIGNATURE_HEADER.toLowerCase()]), attempt.body)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(deliveredTo('/flaky', id)).toHaveLength(1);

      const listed = await gql<{ webhooks: { deliveries: { nodes: { status: string; attempts: number; lastStatusCode: number; event: string }[] } }[] }>(
        helixEm,
        `query Hooks { webhooks { deliveries(first: 5) { nodes { status attempts lastStatusCode event } } } }`,
      );
      expect(listed.data?.webhooks[0].deliveries.nodes).toEqual([{ status: 'DELIVERED', attempts: 4, lastStatusCode: 200, event: 'INTERACTION_RECORDED' }]);
      // Another organisation sees none of Helix's webhooks.
      const other = await gql<{ webhooks: unknown[] }>(northEm, `query Hooks { webhooks { id } }`);
      expect(other.data?.webhooks).toEqual([]);
    } finally {
      await deleteWebhook(helixEm, hook.id);
    }
  });

  it('dead-letters a delivery that fails for the whole retry period, visible with its last error', async () => {
    const hook = await createWebhook(helixEm, '/down');
    behaviour.set('/down', 1_000_000);
    try {
      await recordInteraction(helixEm, [helix]);
      const dead = await waitFor(async () => {
        const listed = await gql<{ webhookDeliveries: { nodes: { status: string; attempts: number; lastError: string; nextAttempt: string | null }[] } }>(
          helixEm,
          `query DeadLetters($hook: ID!) { webhookDeliveries(first: 5, filter: { webhookId: $hook, statuses: [DEAD] }) { nodes { status attempts lastError nextAttempt } } }`,
          { hook: hook.id },
        );
        return listed.data?.webhookDeliveries.nodes[0];
      }, 'a dead letter');
      expect(dead).toMatchObject({ status: 'DEAD', lastError: 'HTTP 500', nextAttempt: null });
      expect(dead.attempts).toBeGreaterThan(3);
      const tried = received.filter((r) => r.path === '/down').length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(received.filter((r) => r.path === '/down')).toHaveLength(tried);
      // Delivered by the API's worker thread, which logs through the API's logger.
      expect(logLines).toContainEqual(expect.objectContaining({ msg: 'webhook delivery dead-lettered', thread: 'webhooks', webhook: fromGlobalId(hook.id, 'Webhook')?.id, level: 'warn' }));
    } finally {
      await deleteWebhook(helixEm, hook.id);
    }
  });

  it('delivers the events of one record in version order, and a rotated secret signs alongside the old one', async () => {
    const hook = await createWebhook(helixEm, '/orgs', ['STAKEHOLDER_UPDATED'], 'fragment Org on Stakeholder { id name }');
    behaviour.set('/orgs', 2);
    try {
      const update = (name: string, version: number) =>
        gql<{ updateStakeholder: { stakeholder: { version: number } | null } }>(
          helixEm,
          `mutation Rename($input: UpdateStakeholderInput!) { updateStakeholder(input: $input) { stakeholder { version } userErrors { message } } }`,
          { input: { id: toGlobalId('Stakeholder', helix.id), version, name } },
        );
      const start = ((await app.db.query('SELECT version FROM stakeholder WHERE id = $1', [helix.id])) as { version: number }[])[0].version;
      await update('Helix Pharma A', start);
      await update('Helix Pharma B', start + 1);
      await update('Helix Pharma', start + 2);
      await waitFor(() => deliveredTo('/orgs').length >= 3, 'three updates');
      // The first failed twice: the later ones waited for it.
      expect(deliveredTo('/orgs').map((r) => bodyOf(r).event.version)).toEqual([start + 1, start + 2, start + 3]);

      const rotated = await gql<{ rotateWebhookSecret: { secret: string; webhook: { version: number } } }>(
        helixEm,
        `mutation Rotate($id: ID!, $version: Int!) { rotateWebhookSecret(input: { id: $id, version: $version }) { secret webhook { version } userErrors { message } } }`,
        { id: hook.id, version: hook.version },
      );
      const fresh = rotated.data?.rotateWebhookSecret.secret as string;
      expect(fresh).toMatch(/^whsec_/);
      expect(fresh).not.toBe(hook.secret);
      await update('Helix Pharma C', start + 3);
      const [last] = await waitFor(() => deliveredTo('/orgs').length >= 4 && deliveredTo('/orgs').slice(3), 'the delivery after rotation');
      const header = String(last.headers[SIGNATURE_HEADER.toLowerCase()]);
      expect(verifySignature(fresh, header, last.body)).toBe(true);
      expect(verifySignature(hook.secret, header, last.body)).toBe(true);
      // A stale version changes nothing.
      const stale = await gql<{ rotateWebhookSecret: { secret: string | null; userErrors: { code: string }[] } }>(
        helixEm,
        `mutation RotateStale($id: ID!) { rotateWebhookSecret(input: { id: $id, version: 1 }) { secret userErrors { code } } }`,
        { id: hook.id },
      );
      expect(stale.data?.rotateWebhookSecret).toEqual({ secret: null, userErrors: [{ code: 'CONFLICT' }] });
      await update('Helix Pharma', start + 4);
    } finally {
      await deleteWebhook(helixEm, hook.id);
    }
  });
});

describe('webhook registration', () => {
  it.each([
    ['a selection with an operation', 'query Q { viewer { role } }', /fragment definitions only/],
    ['a selection on a field that does not exist', 'fragment F on Interaction { secretNotes }', /Cannot query field/],
    ['a selection that does not cover the event', 'fragment F on Commitment { id }', /no fragment on Interaction/],
    ['a selection too deep', `fragment F on Interaction { ${'participants { interactions(first: 1) { '.repeat(6)}id${' } }'.repeat(6)} }`, /too large or too complex|depth/i],
  ])('refuses %s and changes nothing', async (_name, selection, message) => {
    const before = ((await app.db.query('SELECT count(*)::int AS n FROM webhook')) as { n: number }[])[0].n;
    const result = await gql<{ createWebhook: { webhook: unknown; secret: unknown; userErrors: { field: string; message: string }[] } }>(
      helixEm,
      `mutation CreateHook($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } secret userErrors { message field } } }`,
      { input: { url: `${receiverUrl}/x`, events: ['INTERACTION_RECORDED'], selection } },
    );
    expect(result.data?.createWebhook.webhook).toBeNull();
    expect(result.data?.createWebhook.secret).toBeNull();
    expect(result.data?.createWebhook.userErrors[0].field).toBe('input.selection');
    expect(result.data?.createWebhook.userErrors[0].message).toMatch(message);
    expect(((await app.db.query('SELECT count(*)::int AS n FROM webhook')) as { n: number }[])[0].n).toBe(before);
  });

  it('is for engagement managers: ADMIN, partners and patients are refused (FORBIDDEN) and nothing is written', async () => {
    const admin = await mintDevToken({ role: Role.ADMIN, sub: 'feed-admin' }, config);
    const partner = await mintDevToken({ role: Role.PARTNER, org: helix.id, sub: 'feed-partner' }, config);
    for (const token of [admin, partner, patientToken]) {
      const result = await gql(token, `mutation CreateHook($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }`, {
        input: { url: `${receiverUrl}/x`, events: ['INTERACTION_RECORDED'], selection: SELECTION },
      });
      expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect(((await app.db.query('SELECT count(*)::int AS n FROM webhook')) as { n: number }[])[0].n).toBe(0);
  });

  describe('in production', () => {
    afterEach(() => configureWebhooks({ production: false, limits: config.limits }));

    it.each([
      ['a private address', 'https://10.1.2.3/hook', /private, loopback or link-local/],
      ['loopback', 'https://127.0.0.1/hook', /private, loopback or link-local/],
      ['localhost', 'https://localhost/hook', /private, loopback or link-local|does not resolve/],
      ['link-local (cloud metadata)', 'https://169.254.169.254/latest/meta-data', /private, loopback or link-local/],
      ['an IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/hook', /private, loopback or link-local/],
      ['plain http', 'http://hooks.example.org/hook', /must be https/],
      ['credentials in the URL', 'https://user:pass@hooks.example.org/hook', /credentials/],
    ])('refuses %s', async (_name, url, message) => {
      configureWebhooks({ production: true, limits: DEFAULT_QUERY_LIMITS });
      const result = await gql<{ createWebhook: { webhook: unknown; userErrors: { field: string; message: string }[] } }>(
        helixEm,
        `mutation CreateHook($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } userErrors { message field } } }`,
        { input: { url, events: ['INTERACTION_RECORDED'], selection: SELECTION } },
      );
      expect(result.data?.createWebhook.webhook).toBeNull();
      expect(result.data?.createWebhook.userErrors[0]).toMatchObject({ field: 'input.url' });
      expect(result.data?.createWebhook.userErrors[0].message).toMatch(message);
    });
  });
});

describe('subscriptions', () => {
  it('closes the socket when the token expires (4401)', async () => {
    const shortLived = await mintDevToken({ role: Role.ENGAGEMENT_MANAGER, org: helix.id, sub: 'short' }, config, '2s');
    const client = wsClient(shortLived);
    const closed = new Promise<number>((resolve) => client.on('closed', (e) => resolve((e as { code: number }).code)));
    subscribe(client, CHANGES);
    await connected(client);
    const started = Date.now();
    expect(await closed).toBe(4401);
    expect(Date.now() - started).toBeLessThan(5_000);
    await client.dispose();
  });

  it('is not served over HTTP', async () => {
    const result = await gql(helixEm, `subscription OverHttp { changes { id } }`);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0].message).toMatch(/WebSocket/);
  });

  it('refuses a connection without a valid token, and an operation over the limits or not a subscription', async () => {
    const anonymous = wsClient(null);
    const refused = new Promise<number>((resolve) => anonymous.on('closed', (e) => resolve((e as { code: number }).code)));
    expect(await refused).toBe(4403);
    await anonymous.dispose();

    const client = wsClient(helixEm);
    try {
      const deep = subscribe(client, `subscription Deep { changes { record { ... on Interaction { participants { interactions(first: 1) { participants { interactions(first: 1) { participants { interactions(first: 1) { participants { interactions(first: 1) { participants { interactions(first: 1) { id } } } } } } } } } } } } } }`);
      const query = subscribe(client, `query NotHere { viewer { role } }`);
      await waitFor(() => deep.errors.length > 0 && query.errors.length > 0, 'refusals');
      expect(JSON.stringify(deep.errors)).toMatch(/too large or too complex/);
      expect(JSON.stringify(query.errors)).toMatch(/Only subscriptions are served over WebSocket/);
    } finally {
      await client.dispose();
    }
  });
});

describe('across replicas', () => {
  function startReplica(): Promise<{ url: string; child: ChildProcess; exited: Promise<number | null> }> {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', MAIN], {
      env: { ...process.env, ...env, NODE_ENV: 'development', DATABASE_URL: app.url, PORT: '0', HOST: '127.0.0.1', SEED_ON_EMPTY: 'false', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    return new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /serving GraphQL at (http:\/\/\S+)/.exec(output);
        if (!match) return;
        clearInterval(timer);
        resolve({ url: match[1], child, exited });
      }, 100);
      void exited.then((code) => {
        clearInterval(timer);
        reject(new Error(`replica exited (${code}):\n${output}`));
      });
    });
  }

  it('two server processes sharing one database deliver each event once; a replica killed mid-delivery leaves it to the other', async () => {
    // This process's own worker steps aside: only the two replicas deliver.
    await server.webhooks?.stop();
    const hook = await createWebhook(helixEm, '/replicas');
    const [a, b] = await Promise.all([startReplica(), startReplica()]);
    try {
      // Each replica's delivery thread starts after the server serves (seconds under ts-node, more
      // on a loaded machine): the events are recorded once both have connected, named for their process.
      await waitFor(async () => {
        const rows = (await app.db.query(`SELECT count(DISTINCT application_name)::int AS n FROM pg_stat_activity WHERE application_name = ANY($1)`, [
          [a, b].map((r) => `alliance-graph-webhooks/${r.child.pid}`),
        ])) as { n: number }[];
        return rows[0].n === 2;
      }, 'both replicas\' delivery workers', 60_000);
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push(await recordInteraction(helixEm, [helix], i % 2 ? a.url.replace(/\/graphql$/, '/graphql') : b.url));
      await waitFor(() => ids.every((id) => deliveredTo('/replicas', id).length > 0), 'twenty deliveries');
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const id of ids) expect(deliveredTo('/replicas', id)).toHaveLength(1);
      expect(received.filter((r) => r.path === '/replicas')).toHaveLength(20);

      // The receiver holds the next delivery open; the replica that sent it is killed outright.
      behaviour.set('/replicas', 'hang');
      const before = received.length;
      const last = await recordInteraction(helixEm, [helix], a.url);
      await waitFor(() => received.length > before, 'the held delivery');
      // The delivery's transaction (holding its row lock) names its process: alliance-graph-webhooks/<pid>.
      const [holder] = await waitFor(async () => {
        const rows = (await app.db.query(
          `SELECT application_name FROM pg_stat_activity WHERE application_name LIKE 'alliance-graph-webhooks/%' AND state = 'idle in transaction'`,
        )) as { application_name: string }[];
        return rows.length ? rows : undefined;
      }, 'the transaction of the held delivery');
      const pid = Number(holder.application_name.split('/')[1]);
      const victim = [a, b].find((r) => r.child.pid === pid);
      const survivor = [a, b].find((r) => r.child.pid !== pid);
      expect(victim).toBeDefined();
      behaviour.delete('/replicas');
      victim?.child.kill('SIGKILL');
      await victim?.exited;
      await waitFor(() => deliveredTo('/replicas', last).length > 0, 'the delivery by the surviving replica', 15_000);
      expect(deliveredTo('/replicas', last)).toHaveLength(1);
      expect(survivor?.child.exitCode).toBeNull();
    } finally {
      for (const release of held) release();
      for (const r of [a, b]) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
      await deleteWebhook(helixEm, hook.id);
    }
  }, 90_000);

  it('a backlog of more than one batch, queued while no worker ran, is delivered once each by the delivery thread, a record\'s events in version order; events past the retention are pruned', async () => {
    // This process's own worker steps aside; events pile up in the outbox meanwhile.
    await server.webhooks?.stop();
    const hook = await createWebhook(helixEm, '/backlog', ['INTERACTION_RECORDED', 'STAKEHOLDER_UPDATED'], `${SELECTION} fragment Org on Stakeholder { id name }`);
    const rename = (name: string, version: number) =>
      gql(helixEm, `mutation Rename($input: UpdateStakeholderInput!) { updateStakeholder(input: $input) { stakeholder { version } userErrors { message } } }`, {
        input: { id: toGlobalId('Stakeholder', helix.id), version, name },
      });
    const start = ((await app.db.query('SELECT version FROM stakeholder WHERE id = $1', [helix.id])) as { version: number }[])[0].version;
    const interactions: string[] = [];
    for (let i = 0; i < 120; i++) {
      interactions.push(await recordInteraction(helixEm, [helix]));
      // Three renames of one record among them: their deliveries must keep version order.
      if (i % 40 === 0) await rename(`Helix Pharma ${i}`, start + i / 40);
    }
    await rename('Helix Pharma', start + 3);
    // Two events dispatched long ago: the one past the retention is pruned by the thread's first round, with its delivery.
    const old = (await app.db.query(
      `INSERT INTO outbox (event, record_type, record_id, version, occurred_at, dispatched_at)
       VALUES ('STAKEHOLDER_UPDATED', 'Stakeholder', $1, 1, now() - interval '31 days', now() - make_interval(days => $2 + 1)),
              ('STAKEHOLDER_UPDATED', 'Stakeholder', $1, 1, now() - interval '29 days', now() - make_interval(days => $2 - 1))
       RETURNING id::text AS id`,
      [helix.id, OUTBOX_RETENTION_DAYS],
    )) as { id: string }[];
    await app.db.query(`INSERT INTO webhook_delivery (webhook_id, event_id, event, record_id, record_version, status) VALUES ($1, $2, 'STAKEHOLDER_UPDATED', $3, 1, 'DELIVERED')`, [
      fromGlobalId(hook.id, 'Webhook')?.id,
      old[0].id,
      helix.id,
    ]);
    const thread = startWebhookThread(
      { databaseUrl: app.url, db: config.db, settings: { ...config.webhooks, production: false }, audit: true, logLevel: 'warn' },
      null,
      createLogger('silent'),
    );
    try {
      await waitFor(() => deliveredTo('/backlog').length >= 124, '124 deliveries', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const bodies = deliveredTo('/backlog').map(bodyOf);
      expect(bodies).toHaveLength(124);
      expect(new Set(bodies.map((b) => b.event.id)).size).toBe(124);
      expect(bodies.filter((b) => b.event.recordType === 'Interaction').map((b) => b.record?.id).sort()).toEqual([...interactions].sort());
      expect(bodies.filter((b) => b.event.recordType === 'Stakeholder').map((b) => b.event.version)).toEqual([start + 1, start + 2, start + 3, start + 4]);
      const rows = (await app.db.query(`SELECT status, attempts, count(*)::int AS n FROM webhook_delivery WHERE webhook_id = $1 GROUP BY 1, 2`, [
        fromGlobalId(hook.id, 'Webhook')?.id,
      ])) as { status: string; attempts: number; n: number }[];
      // (The old event's delivery went with it.)
      expect(rows).toEqual([{ status: 'DELIVERED', attempts: 1, n: 124 }]);
      const kept = (await app.db.query(`SELECT id::text AS id FROM outbox WHERE id = ANY($1::bigint[])`, [old.map((o) => o.id)])) as { id: string }[];
      expect(kept.map((k) => k.id)).toEqual([old[1].id]);
    } finally {
      await thread.stop();
      await deleteWebhook(helixEm, hook.id);
    }
  }, 90_000);

  it('a worker process of its own (npm run webhooks) delivers beside an API without one, and stops cleanly on SIGTERM', async () => {
    await server.webhooks?.stop();
    const hook = await createWebhook(helixEm, '/dedicated');
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, '..', 'src', 'notifications', 'worker.main.ts')], {
      env: { ...process.env, ...env, DATABASE_URL: app.url, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await waitFor(() => output.includes('delivering webhooks'), 'the worker to start', 30_000);
      // Background work: every thread of the process runs at niceness 10 (field 19 of its stat).
      const niceness = readdirSync(`/proc/${child.pid}/task`).map((tid) => Number(readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]));
      expect(niceness.length).toBeGreaterThan(1);
      expect(new Set(niceness)).toEqual(new Set([10]));
      const id = await recordInteraction(helixEm, [helix]);
      await waitFor(() => deliveredTo('/dedicated', id).length > 0, 'the delivery by the worker process');
      expect(deliveredTo('/dedicated', id)).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await deleteWebhook(helixEm, hook.id);
    }
  }, 60_000);
});
