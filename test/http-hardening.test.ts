import { mintDevToken, createTokenVerifier } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { loadConfig, type Config } from '../src/config';
import { LIMIT_MESSAGE } from '../src/graphql/limits';
import { startHttpServer, type HttpServer } from '../src/http/server';
import { createLogger } from '../src/shared/logger';
import { StakeholderKind } from '../src/modules/stakeholder/stakeholder.entity';
import { createTestApp, type TestApp } from './support/app';
import { gid, makeStakeholder } from './support/factories';

/** The HTTP surface as a client meets it: health, metrics, limits, refusals, rate limits, request ids. */
const SECRET = 'h'.repeat(40);
let app: TestApp;
const servers: HttpServer[] = [];

function configOf(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', JWT_SECRET: SECRET, RATE_LIMIT_USER: '100000', RATE_LIMIT_IP: '100000', ...env });
}

async function serve(env: Record<string, string> = {}, logLines?: string[]): Promise<HttpServer> {
  const config = configOf(env);
  const logger = logLines ? createLogger('info', { write: (line: string) => void logLines.push(line) }) : undefined;
  const server = await startHttpServer({ db: app.db, verifyToken: createTokenVerifier(config), config, logger, port: 0, host: '127.0.0.1' });
  servers.push(server);
  return server;
}

let http: HttpServer;
let adminToken: string;
beforeAll(async () => {
  app = await createTestApp();
  http = await serve();
  adminToken = await mintDevToken({ role: Role.ADMIN, sub: 'hardening-admin' }, configOf());
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  await app.close();
});

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function send(url: string, init: RequestInit): Promise<Reply> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: Reply['json'] = {};
  try {
    json = JSON.parse(text) as Reply['json'];
  } catch {
    json = {};
  }
  return { status: response.status, headers: response.headers, text, json };
}

const post = (body: unknown, headers: Record<string, string> = {}, url = http.url): Promise<Reply> =>
  send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const codes = (reply: Reply): unknown[] => (reply.json.errors ?? []).map((e) => e.extensions?.code);
const stakeholderCount = async (): Promise<number> =>
  ((await app.db.query('SELECT count(*)::int AS n FROM stakeholder')) as { n: number }[])[0].n;

/** The process still serves a real data query. */
async function expectAlive(server = http): Promise<void> {
  const reply = await post({ query: '{ stakeholders(first: 1) { totalCount } }' }, {}, server.url);
  expect(reply.status).toBe(200);
  expect(reply.json.errors).toBeUndefined();
}

describe('health, readiness and metrics', () => {
  it('answers /healthz and /readyz without a token', async () => {
    const health = await send(`${http.origin}/healthz`, {});
    expect([health.status, health.json]).toEqual([200, { status: 'ok' }]);
    const ready = await send(`${http.origin}/readyz`, {});
    expect([ready.status, ready.json]).toEqual([200, { status: 'ready' }]);
  });

  it('says 503 on /readyz once draining, while /healthz stays 200', async () => {
    const server = await serve();
    server.markDraining();
    const ready = await send(`${server.origin}/readyz`, {});
    expect([ready.status, ready.json]).toEqual([503, { status: 'unavailable', reason: 'shutting down' }]);
    expect((await send(`${server.origin}/healthz`, {})).status).toBe(200);
    await expectAlive(server); // still serving until it stops
  });

  it('says 503 on /readyz when a migration this build knows is not applied', async () => {
    const server = await serve();
    const [{ name }] = (await app.db.query('SELECT name FROM typeorm_migrations ORDER BY id DESC LIMIT 1')) as { name: string }[];
    await app.db.query('UPDATE typeorm_migrations SET name = $1 WHERE name = $2', [`${name}-renamed`, name]);
    try {
      const ready = await send(`${server.origin}/readyz`, {});
      expect([ready.status, ready.json]).toEqual([503, { status: 'unavailable', reason: 'migrations pending' }]);
    } finally {
      await app.db.query('UPDATE typeorm_migrations SET name = $1 WHERE name = $2', [name, `${name}-renamed`]);
    }
  });

  it('exports requests and latency by operation, errors by code and the pool in Prometheus format', async () => {
    const server = await serve();
    await post({ query: 'query PortalHome { stakeholders(first: 2) { totalCount } }' }, {}, server.url);
    await post({ query: 'query Broken { stakeholders(first: 2) { nope } }' }, {}, server.url);
    await post({ query: '{ viewer { role } }' }, { authorization: '' }, server.url);
    await post({ query: '{ viewer { role } }' }, { authorization: 'Bearer forged' }, server.url);
    const metrics = await send(`${server.origin}/metrics`, {});
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/graphql_requests_total\{operation="PortalHome",outcome="ok"\} 1/);
    expect(metrics.text).toMatch(/graphql_request_duration_seconds_count\{operation="PortalHome"\} 1/);
    expect(metrics.text).toMatch(/graphql_errors_total\{code="BAD_USER_INPUT"\} 1/);
    expect(metrics.text).toMatch(/graphql_errors_total\{code="UNAUTHENTICATED"\} 2/);
    expect(metrics.text).toMatch(/graphql_requests_total\{operation="\(rejected\)",outcome="rejected"\} 1/);
    for (const gauge of ['db_pool_in_use', 'db_pool_idle', 'db_pool_waiting']) expect(metrics.text).toMatch(new RegExp(`^${gauge} \\d+$`, 'm'));
    expect(metrics.text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('labels at most 200 distinct operation names, then (other)', async () => {
    const server = await serve();
    const labels = Array.from({ length: 205 }, (_, i) => server.metrics.operationLabel(`Op${i}`));
    expect(labels.slice(0, 200)).toEqual(Array.from({ length: 200 }, (_, i) => `Op${i}`));
    expect(labels.slice(200)).toEqual(Array(5).fill('(other)'));
    expect(server.metrics.operationLabel('Op7')).toBe('Op7');
    expect(server.metrics.operationLabel(undefined)).toBe('(anonymous)');
  });

  it('keeps /metrics behind METRICS_TOKEN when one is set', async () => {
    const server = await serve({ METRICS_TOKEN: 'm'.repeat(20) });
    expect((await send(`${server.origin}/metrics`, {})).status).toBe(401);
    const allowed = await send(`${server.origin}/metrics`, { headers: { authorization: `Bearer ${'m'.repeat(20)}` } });
    expect(allowed.status).toBe(200);
  });
});

describe('request ids', () => {
  it('returns a request id, and keeps a well-formed one the client sent', async () => {
    const minted = await post({ query: '{ health { ok } }' });
    expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await post({ query: '{ health { ok } }' }, { 'x-request-id': 'portal-abc.123' });
    expect(kept.headers.get('x-request-id')).toBe('portal-abc.123');
    const replaced = await post({ query: '{ health { ok } }' }, { 'x-request-id': 'bad id with spaces <script>' });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('malformed HTTP requests get a JSON error with a stable code and change nothing', () => {
  const create = (name: string): string =>
    JSON.stringify({ query: `mutation { createStakeholder(input: { kind: COMPANY, name: "${name}" }) { userErrors { code } } }` });

  it('refuses a body over the 64 KiB default with 413', async () => {
    const before = await stakeholderCount();
    const reply = await post(create('x'.repeat(70 * 1024)));
    expect(reply.status).toBe(413);
    expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
    expect(reply.json.errors?.[0].message).toBe('The request body is too large.');
    expect(await stakeholderCount()).toBe(before);
    await expectAlive();
  });

  it('honours BODY_LIMIT_BYTES', async () => {
    const small = await serve({ BODY_LIMIT_BYTES: '2048' });
    expect((await post(create('y'.repeat(3000)), {}, small.url)).status).toBe(413);
    expect((await post({ query: '{ health { ok } }' }, {}, small.url)).status).toBe(200);
  });

  it('refuses a JSON array batch', async () => {
    const before = await stakeholderCount();
    const reply = await post(`[${create('batch-a')}, ${create('batch-b')}]`);
    expect(reply.status).toBe(400);
    expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
    expect(await stakeholderCount()).toBe(before);
  });

  it('does not do automatic persisted queries', async () => {
    const hash = 'ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38';
    const unknown = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(codes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.status).toBeLessThan(500);
    // Sending the query along does not register it either: the next hash-only request is refused again.
    await post({ query: '{ health { ok } }', extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(codes(await post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }))).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses malformed JSON, an empty body and a body that is not an object', async () => {
    for (const body of ['{"query": ', '', '42', 'null', '"query"']) {
      const reply = await post(body);
      expect(reply.status).toBe(400);
      expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('refuses a mutation over GET', async () => {
    const before = await stakeholderCount();
    const query = encodeURIComponent('mutation { createStakeholder(input: { kind: COMPANY, name: "via-get" }) { userErrors { code } } }');
    const reply = await send(`${http.url}?query=${query}`, { headers: { authorization: `Bearer ${adminToken}`, 'apollo-require-preflight': 'true' } });
    expect(reply.status).toBe(405);
    expect(await stakeholderCount()).toBe(before);
  });

  it('refuses simple (CSRF-able) content types and form posts', async () => {
    const before = await stakeholderCount();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const reply = await send(http.url, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${adminToken}` }, body: create('csrf') });
      expect(reply.status).toBe(400);
      expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
    }
    expect(await stakeholderCount()).toBe(before);
  });

  it('answers an explicit null for a required argument with BAD_USER_INPUT', async () => {
    const reply = await post({ query: 'query($x: Int = 3) { stakeholders(first: $x) { totalCount } }', variables: { x: null } });
    expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
    expect(reply.json.errors?.[0].message).toBe('Argument "first" of non-null type "Int!" must not be null.');
  });

  it('answers unknown paths with a JSON 404', async () => {
    const reply = await send(`${http.origin}/wp-admin`, {});
    expect(reply.status).toBe(404);
    expect(codes(reply)).toEqual(['NOT_FOUND']);
  });

  it('refuses a bad token with 401 and a bearer challenge', async () => {
    const reply = await post({ query: '{ viewer { role } }' }, { authorization: 'Bearer not-a-jwt' });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe('Bearer');
    expect(codes(reply)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('query limits (never echoed)', () => {
  const expectTooLarge = (reply: Reply): void => {
    expect(reply.status).toBe(400);
    expect(reply.json.errors).toEqual([{ message: LIMIT_MESSAGE, extensions: { code: 'BAD_USER_INPUT' } }]);
    expect(reply.text).not.toMatch(/\d{2,}/); // no limit, no measured size
  };

  it('refuses a deep query', async () => {
    let selection = '{ id }';
    for (let level = 0; level < 8; level += 1) selection = `{ partnerships { members { stakeholder ${selection} } } }`;
    const reply = await post({ query: `{ stakeholders(first: 1) { edges { node ${selection} } } }` });
    expectTooLarge(reply);
  });

  it('refuses a deep query hidden in nested fragments', async () => {
    const fragments = Array.from({ length: 12 }, (_, i) =>
      i === 11 ? `fragment F${i} on Stakeholder { id }` : `fragment F${i} on Stakeholder { partnerships { members { stakeholder { ...F${i + 1} } } } }`,
    ).join('\n');
    expectTooLarge(await post({ query: `{ stakeholders(first: 1) { edges { node { ...F0 } } } }\n${fragments}` }));
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: health { ok }`).join(' ');
    expectTooLarge(await post({ query: `{ ${aliases} }` }));
  });

  it('refuses too many directives', async () => {
    const fragments = Array.from({ length: 40 }, () => '... @include(if: true) { health { ok } }').join(' ');
    expectTooLarge(await post({ query: `{ ${fragments} }` }));
  });

  it('refuses too many tokens before parsing the whole document', async () => {
    const fields = Array.from({ length: 2500 }, () => 'ok').join(' ');
    expectTooLarge(await post({ query: `{ health { ${fields} } }` }));
  });

  it('refuses an expensive query: lists weighted by first, also through variables', async () => {
    const query = `query Wide($n: Int!) { stakeholders(first: $n) { edges { node { id
      interactions(first: 50) { id participants { id name } } } } } }`;
    expectTooLarge(await post({ query, variables: { n: 100 } }));
    const cheap = await post({ query, variables: { n: 2 } });
    expect(cheap.status).toBe(200);
    expect(cheap.json.errors).toBeUndefined();
  });

  it('rejects circular fragments as invalid without hanging', async () => {
    const reply = await post({ query: '{ stakeholders(first: 1) { edges { node { ...A } } } } fragment A on Stakeholder { ...B } fragment B on Stakeholder { ...A }' });
    expect(reply.status).toBe(400);
    expect(codes(reply)).toContain('BAD_USER_INPUT');
    await expectAlive();
  });

  it('refuses Int overflow and a huge or negative first', async () => {
    for (const first of [2 ** 31, 1e6, -1, 101]) {
      const reply = await post({ query: 'query($n: Int!) { stakeholders(first: $n) { totalCount } }', variables: { n: first } });
      expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
      expect(reply.status).toBeLessThan(500);
    }
  });

  it('lets a production server hide the schema: no introspection, no "did you mean"', async () => {
    const production = await serve({ NODE_ENV: 'production', LOG_LEVEL: 'silent', ID_SECRET: 'i'.repeat(40), DATABASE_URL: app.url });
    const token = await mintDevToken({ role: Role.ADMIN }, configOf());
    const introspection = await post({ query: '{ __schema { types { name } } }' }, { authorization: `Bearer ${token}` }, production.url);
    expect(codes(introspection)).toEqual(['BAD_USER_INPUT']);
    const typo = await post({ query: '{ stakeholdrs { totalCount } }' }, { authorization: `Bearer ${token}` }, production.url);
    expect(typo.json.errors?.[0].message).not.toMatch(/Did you mean/);
    const development = await post({ query: '{ stakeholdrs { totalCount } }' });
    expect(development.json.errors?.[0].message).toMatch(/Did you mean "stakeholders"/);
    // No explorer page in production.
    const page = (server: HttpServer): Promise<Reply> => send(server.url, { headers: { accept: 'text/html' } });
    expect((await page(http)).text).toMatch(/<html/i);
    const productionPage = await page(production);
    expect(productionPage.text).not.toMatch(/<html/i);
    expect(productionPage.status).toBeLessThan(500);
  });
});

describe('rate limits', () => {
  it('limits each user: RATE_LIMITED with 429 and Retry-After, other users unaffected', async () => {
    const server = await serve({ RATE_LIMIT_USER: '3', RATE_LIMIT_WINDOW_S: '60' });
    const config = configOf();
    const alice = await mintDevToken({ role: Role.ADMIN, sub: `alice-${Date.now()}` }, config);
    const bob = await mintDevToken({ role: Role.ADMIN, sub: `bob-${Date.now()}` }, config);
    const ask = (token: string): Promise<Reply> => post({ query: '{ viewer { role } }' }, { authorization: `Bearer ${token}` }, server.url);
    for (let i = 0; i < 3; i += 1) expect((await ask(alice)).status).toBe(200);
    const limited = await ask(alice);
    expect(limited.status).toBe(429);
    expect(codes(limited)).toEqual(['RATE_LIMITED']);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.json.data ?? null).toBeNull();
    expect((await ask(bob)).status).toBe(200);
  });

  it('limits each IP address before reading the body, signed in or not', async () => {
    const server = await serve({ RATE_LIMIT_IP: '4' });
    const before = await stakeholderCount();
    for (let i = 0; i < 4; i += 1) expect((await post({ query: '{ health { ok } }' }, { authorization: '' }, server.url)).status).toBe(200);
    const limited = await post(
      { query: 'mutation { createStakeholder(input: { kind: COMPANY, name: "over-the-limit" }) { userErrors { code } } }' },
      {},
      server.url,
    );
    expect(limited.status).toBe(429);
    expect(codes(limited)).toEqual(['RATE_LIMITED']);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await stakeholderCount()).toBe(before);
  });

  it('counts export downloads against the same per-IP limit (a link is its own credential)', async () => {
    const server = await serve({ RATE_LIMIT_IP: '2' });
    const download = () => fetch(server.url.replace(/\/graphql$/, '/export/not-a-link'));
    expect([(await download()).status, (await download()).status]).toEqual([404, 404]);
    const limited = await download();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY_HOPS says a proxy sets it', async () => {
    const ask = (server: HttpServer, forwardedFor: string): Promise<Reply> =>
      post({ query: '{ health { ok } }' }, { authorization: '', 'x-forwarded-for': forwardedFor }, server.url);
    // Not trusted: a client cannot escape its limit by inventing addresses.
    const direct = await serve({ RATE_LIMIT_IP: '2' });
    expect([(await ask(direct, '10.0.0.1')).status, (await ask(direct, '10.0.0.2')).status, (await ask(direct, '10.0.0.3')).status]).toEqual([200, 200, 429]);
    // Behind one trusted proxy: each client address has its own count.
    const proxied = await serve({ RATE_LIMIT_IP: '2', TRUST_PROXY_HOPS: '1' });
    expect([(await ask(proxied, '10.0.0.1')).status, (await ask(proxied, '10.0.0.1')).status, (await ask(proxied, '10.0.0.1')).status]).toEqual([200, 200, 429]);
    expect((await ask(proxied, '10.0.0.2')).status).toBe(200);
  });

  it('keeps limiting (in memory) when REDIS_URL points at nothing', async () => {
    const server = await serve({ RATE_LIMIT_USER: '2', REDIS_URL: 'redis://127.0.0.1:1' });
    const token = await mintDevToken({ role: Role.ADMIN, sub: `no-redis-${Date.now()}` }, configOf());
    const ask = (): Promise<Reply> => post({ query: '{ viewer { role } }' }, { authorization: `Bearer ${token}` }, server.url);
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(429);
  });
});

// Redis is not needed to run the server or this suite; .ci/run sets TEST_REDIS_URL (this
// machine runs Redis at 127.0.0.1:6379) so the shared counters are proven there.
const redisUrl = process.env.TEST_REDIS_URL;
(redisUrl ? describe : describe.skip)('rate limits shared through Redis (TEST_REDIS_URL)', () => {
  it('counts one user across two replicas', async () => {
    const env = { RATE_LIMIT_USER: '3', REDIS_URL: redisUrl as string };
    const [a, b] = [await serve(env), await serve(env)];
    const token = await mintDevToken({ role: Role.ADMIN, sub: `shared-${Date.now()}-${Math.random()}` }, configOf());
    const ask = (server: HttpServer): Promise<Reply> => post({ query: '{ viewer { role } }' }, { authorization: `Bearer ${token}` }, server.url);
    expect((await ask(a)).status).toBe(200);
    expect((await ask(b)).status).toBe(200);
    expect((await ask(a)).status).toBe(200);
    const limited = await ask(b);
    expect(limited.status).toBe(429);
    expect(codes(limited)).toEqual(['RATE_LIMITED']);
  });
});

describe('request log', () => {
  it('writes one JSON line per request: id, operation, role, organisation, status, duration, outcome — no token', async () => {
    const lines: string[] = [];
    const server = await serve({}, lines);
    const org = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'Logged Co' });
    const token = await mintDevToken({ role: Role.ENGAGEMENT_MANAGER, org: gid(org), sub: 'log-user' }, configOf());
    const reply = await post({ query: 'query OrgHome { viewer { role } }' }, { authorization: `Bearer ${token}`, 'x-request-id': 'trace-42' }, server.url);
    expect(reply.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const entry = entries.find((e) => e.reqId === 'trace-42');
    expect(entry).toMatchObject({
      level: 'info',
      msg: 'request completed',
      req: { method: 'POST', path: '/graphql' },
      res: { statusCode: 200 },
      graphql: { operation: 'OrgHome', role: 'ENGAGEMENT_MANAGER', org: org.id, outcome: 'ok' },
    });
    expect(typeof entry?.responseTime).toBe('number');
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).not.toContain('log-user');
  });

  it("logs a client's mistake as the request's outcome, not as an unexpected error", async () => {
    const lines: string[] = [];
    const server = await serve({}, lines);
    const reply = await post({ query: 'query($x: Int = 3) { stakeholders(first: $x) { totalCount } }', variables: { x: null } }, { 'x-request-id': 'null-arg' }, server.url);
    expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
    const entries = lines.map((line) => JSON.parse(line) as { reqId?: string; level: string; msg: string; graphql?: { errorCodes?: string[] } });
    expect(entries.filter((e) => e.reqId === 'null-arg').map((e) => [e.level, e.msg, e.graphql?.errorCodes])).toEqual([
      ['info', 'request completed', ['BAD_USER_INPUT']],
    ]);
  });

  it('says which limit refused an operation, in the log only', async () => {
    const lines: string[] = [];
    const server = await serve({ QUERY_MAX_DEPTH: '3', QUERY_MAX_COST: '50' }, lines);
    const deep = await post({ query: '{ stakeholders(first: 1) { edges { node { partnerships { title } } } } }' }, { 'x-request-id': 'deep-1' }, server.url);
    const costly = await post({ query: '{ stakeholders(first: 100) { totalCount } }' }, { 'x-request-id': 'costly-1' }, server.url);
    expect([deep.json.errors?.[0].message, costly.json.errors?.[0].message]).toEqual([LIMIT_MESSAGE, LIMIT_MESSAGE]);
    const refusals = lines.map((line) => JSON.parse(line) as { reqId?: string; limit?: string; msg: string }).filter((e) => e.msg === 'operation refused by a limit');
    expect(refusals.map((e) => [e.reqId, e.limit])).toEqual([
      ['deep-1', 'depth'],
      ['costly-1', 'cost 101'],
    ]);
  });
});
