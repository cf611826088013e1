import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { startHttpServer, type HttpServer } from '../src/http/server';
import { StakeholderKind } from '../src/modules/stakeholder/stakeholder.entity';
import { createTestApp, type TestApp } from './support/app';
import { makeStakeholder } from './support/factories';

/**
 * What browser portals and real clients meet around the API (issue 12): CORS for the origins in
 * CORS_ORIGINS (none by default) with Apollo's CSRF prevention still on, and compressed responses.
 * Raw node:http requests, so that no client adds or undoes a header on its own.
 */
const PORTAL = 'https://portal.example.org';
const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) };
const config = loadConfig({ ...base, CORS_ORIGINS: `${PORTAL}, http://localhost:5173` });
let app: TestApp;
let withCors: HttpServer;
let withoutCors: HttpServer;
let token: string;

beforeAll(async () => {
  app = await createTestApp();
  const verifyToken = createTokenVerifier(config);
  withCors = await startHttpServer({ db: app.db, verifyToken, config, port: 0, host: '127.0.0.1' });
  withoutCors = await startHttpServer({ db: app.db, verifyToken, config: loadConfig(base), port: 0, host: '127.0.0.1' });
  token = await mintDevToken({ role: Role.ADMIN, sub: 'clients' }, config);
  for (let i = 0; i < 30; i++) await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: `Compressible Company ${i}` });
});
afterAll(async () => {
  await withCors.stop();
  await withoutCors.stop();
  await app.close();
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function send(server: HttpServer, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const preflight = (server: HttpServer, origin: string): Promise<Raw> =>
  send(server, 'OPTIONS', '/graphql', {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'authorization,content-type',
  });

const LIST = JSON.stringify({ query: 'query Companies { stakeholders(first: 30) { edges { node { id name kind country } } } }' });
const post = (server: HttpServer, headers: Record<string, string>, body = LIST): Promise<Raw> =>
  send(server, 'POST', '/graphql', { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers }, body);

describe('CORS', () => {
  it('answers a preflight from an allowed origin: that origin, the methods and headers, cached 10 minutes, no credentials', async () => {
    const res = await preflight(withCors, PORTAL);
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(String(res.headers['access-control-allow-methods']).split(',')).toEqual(expect.arrayContaining(['GET', 'POST']));
    expect(String(res.headers['access-control-allow-headers']).split(',')).toEqual(expect.arrayContaining(['authorization', 'content-type']));
    expect(res.headers['access-control-max-age']).toBe('600');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('lets the allowed origin read the response of its request, varying by origin', async () => {
    const res = await post(withCors, { origin: PORTAL });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(String(res.headers.vary)).toMatch(/origin/i);
    expect(JSON.parse(res.body.toString()).data.stakeholders.edges).toHaveLength(30);
  });

  it('gives another origin, and every origin when CORS_ORIGINS is unset, no allow-origin header', async () => {
    for (const [server, origin] of [
      [withCors, 'https://evil.example'],
      [withCors, 'https://portal.example.org.evil.example'],
      [withoutCors, PORTAL],
    ] as const) {
      const pre = await preflight(server, origin);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      const res = await post(server, { origin });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('keeps CSRF prevention on for allowed origins: a simple GET without a preflight header is refused and runs nothing', async () => {
    const query = encodeURIComponent('{ health { ok } }');
    const res = await send(withCors, 'GET', `/graphql?query=${query}`, { origin: PORTAL });
    expect(res.status).toBe(400);
    expect(res.body.toString()).toMatch(/CSRF|preflight/i);
    const allowed = await send(withCors, 'GET', `/graphql?query=${query}`, { origin: PORTAL, 'apollo-require-preflight': 'true' });
    expect(JSON.parse(allowed.body.toString())).toEqual({ data: { health: { ok: true } } });
  });

  it('refuses a CORS_ORIGINS entry that is not an exact origin', () => {
    for (const bad of ['*', 'https://portal.example.org/', 'https://portal.example.org/app', 'ftp://files.example.org', 'portal.example.org']) {
      expect(() => loadConfig({ ...base, CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS must list exact origins/);
    }
    expect(loadConfig(base).http.corsOrigins).toEqual([]);
    expect(config.http.corsOrigins).toEqual([PORTAL, 'http://localhost:5173']);
  });
});

describe('compression', () => {
  it('compresses a response above 1 KB with brotli or gzip when the client accepts it, and not otherwise', async () => {
    const plain = await post(withCors, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    const expected = JSON.parse(plain.body.toString()) as unknown;

    const br = await post(withCors, { 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual(expected);

    const gzip = await post(withCors, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzip.body).toString())).toEqual(expected);
  });

  it('leaves a response under 1 KB as it is', async () => {
    const small = await post(withCors, { 'accept-encoding': 'br, gzip' }, JSON.stringify({ query: '{ health { ok } }' }));
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString())).toEqual({ data: { health: { ok: true } } });
  });
});
