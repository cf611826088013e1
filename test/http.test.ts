import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { startHttpServer, type HttpServer } from '../src/http/server';
import { StakeholderKind } from '../src/modules/stakeholder/stakeholder.entity';
import { createTestApp, type TestApp } from './support/app';
import { gid, makeStakeholder } from './support/factories';

const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) });
let app: TestApp;
let http: HttpServer;

beforeAll(async () => {
  app = await createTestApp();
  http = await startHttpServer({ db: app.db, verifyToken: createTokenVerifier(config), config, port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await http.stop();
  await app.close();
});

async function post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] } }> {
  const response = await fetch(http.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as never };
}

describe('over HTTP', () => {
  it('keeps the health check open without a token', async () => {
    const { json } = await post({ query: '{ health { ok } }' });
    expect(json).toEqual({ data: { health: { ok: true } } });
  });

  it('answers UNAUTHENTICATED on every data field without a token', async () => {
    const { json } = await post({ query: '{ viewer { role } stakeholders { totalCount } }' });
    expect(json.data).toBeNull();
    expect(json.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('accepts a dev token minted with the configured secret and resolves the viewer', async () => {
    const org = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: 'EURORDIS-like' });
    const token = await mintDevToken({ role: Role.PARTNER, org: gid(org), sub: 'alice' }, config);
    const { json } = await post(
      { query: '{ viewer { userId role purpose organisation { id name } } }' },
      { authorization: `Bearer ${token}` },
    );
    expect(json).toEqual({
      data: { viewer: { userId: 'alice', role: 'PARTNER', purpose: 'PARTNERSHIP_COORDINATION', organisation: { id: gid(org), name: 'EURORDIS-like' } } },
    });
  });

  it('refuses a token signed with another secret, an expired token and a malformed header', async () => {
    const foreign = await mintDevToken({ role: Role.ADMIN }, { ...config, jwtSecret: 'y'.repeat(40) });
    const expired = await mintDevToken({ role: Role.ADMIN }, config, '-1m');
    for (const authorization of [`Bearer ${foreign}`, `Bearer ${expired}`, 'Basic abc', 'Bearer']) {
      const { json } = await post({ query: '{ viewer { role } }' }, { authorization });
      expect(json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(json.data ?? null).toBeNull();
    }
  });

  it('refuses a PARTNER token without an organisation', async () => {
    const token = await mintDevToken({ role: Role.PARTNER }, config);
    const { json } = await post({ query: '{ viewer { role } }' }, { authorization: `Bearer ${token}` });
    expect(json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a mutation sent over GET', async () => {
    const token = await mintDevToken({ role: Role.ADMIN }, config);
    const query = encodeURIComponent('mutation { archiveStakeholder(input: { id: "x", version: 1 }) { userErrors { code } } }');
    const response = await fetch(`${http.url}?query=${query}`, {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(405);
  });

  it('masks parse errors with a stable code', async () => {
    const token = await mintDevToken({ role: Role.ADMIN }, config);
    const { json } = await post({ query: '{ stakeholders { ' }, { authorization: `Bearer ${token}` });
    expect(json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
