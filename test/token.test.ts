import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type * as Jose from 'jose';
import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { requireEsm } from '../src/shared/esm';

const jose = requireEsm<typeof Jose>('jose');
const COMPANY = '52fd2133-15c2-5df0-9558-86196bba6571';

describe('production tokens from a JWKS URL', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: Awaited<ReturnType<typeof jose.generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const pair = await jose.generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    const jwk = { ...(await jose.exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const sign = (claims: Record<string, unknown>, issuer = 'https://idp.example.org') =>
    new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('u-1').setIssuer(issuer).setAudience('alliance-graph').setIssuedAt().setExpirationTime('5m').sign(privateKey);

  it('accepts a token signed by a key of the set, with the configured issuer and audience', async () => {
    const verify = createTokenVerifier({ jwtSecret: undefined, jwksUrl, jwtIssuer: 'https://idp.example.org', jwtAudience: 'alliance-graph' });
    const viewer = await verify(await sign({ role: 'PARTNER', org: COMPANY, purpose: 'RESEARCH_DESIGN' }));
    expect(viewer).toEqual({ userId: 'u-1', role: Role.PARTNER, orgId: COMPANY, patientId: null, purpose: 'RESEARCH_DESIGN' });
  });

  it('refuses another issuer, an HS256 token and unknown claims values', async () => {
    const verify = createTokenVerifier({ jwtSecret: undefined, jwksUrl, jwtIssuer: 'https://idp.example.org', jwtAudience: 'alliance-graph' });
    await expect(verify(await sign({ role: 'ADMIN' }, 'https://evil.example.org'))).rejects.toThrow('invalid or expired token');
    const hs = await mintDevToken({ role: Role.ADMIN }, { jwtSecret: 'z'.repeat(40), jwtIssuer: 'https://idp.example.org', jwtAudience: 'alliance-graph' });
    await expect(verify(hs)).rejects.toThrow('invalid or expired token');
    await expect(verify(await sign({ role: 'SUPERUSER' }))).rejects.toThrow('claim role');
    await expect(verify(await sign({ role: 'ADMIN', purpose: 'MARKETING' }))).rejects.toThrow('claim purpose');
    await expect(verify(await sign({ role: 'PATIENT' }))).rejects.toThrow('patient claim');
  });

  it('remembers a verified token, but never past its expiry', async () => {
    const hs = { jwtSecret: 'r'.repeat(40), jwtIssuer: undefined, jwtAudience: undefined };
    const verify = createTokenVerifier({ ...hs, jwksUrl: undefined });
    const token = await mintDevToken({ role: Role.ADMIN, sub: 'short-lived' }, hs, '2s');
    expect((await verify(token)).userId).toBe('short-lived');
    expect((await verify(token)).userId).toBe('short-lived');
    const exp = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number }).exp;
    // jose allows 5 s of clock skew past `exp`; the cache must not add to it.
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 + 5_000 - Date.now() + 100));
    await expect(verify(token)).rejects.toThrow('invalid or expired token');
  });

  it('refuses a subject with control characters, a lone surrogate or over 255 characters', async () => {
    const hs = { jwtSecret: 's'.repeat(40), jwtIssuer: undefined, jwtAudience: undefined };
    const verify = createTokenVerifier({ ...hs, jwksUrl: undefined });
    for (const sub of ['a\u0000b', 'tab\there', '\ud800x', 'x'.repeat(256)]) {
      await expect(verify(await mintDevToken({ role: Role.ADMIN, sub }, hs))).rejects.toThrow('claim sub');
    }
    expect((await verify(await mintDevToken({ role: Role.ADMIN, sub: 'zoë-🦉' }, hs))).userId).toBe('zoë-🦉');
  });
});

describe('npm run --silent token', () => {
  it('prints one development token and nothing else', async () => {
    const output = execFileSync('npm', ['run', '--silent', 'token', '--', '--role', 'engagement_manager', '--org', COMPANY, '--sub', 'seed-user-1'], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
      env: { ...process.env, JWT_SECRET: '' },
    });
    expect(output).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const viewer = await createTokenVerifier(loadConfig({ NODE_ENV: 'development' }))(output.trim());
    expect(viewer).toMatchObject({ userId: 'seed-user-1', role: Role.ENGAGEMENT_MANAGER, orgId: COMPANY });
  });

  it('explains a missing organisation on stderr and exits non-zero', () => {
    expect(() =>
      execFileSync('npm', ['run', '--silent', 'token', '--', '--role', 'PARTNER'], { cwd: path.join(__dirname, '..'), encoding: 'utf8', stdio: 'pipe' }),
    ).toThrow(/needs --org/);
  });
});

describe('configuration', () => {
  it('fails fast with every problem named', () => {
    const bad = { PORT: 'eighty', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short', SEED_ON_EMPTY: 'maybe' };
    for (const problem of [/PORT must be an integer/, /DATABASE_URL must use postgres:/, /JWT_SECRET must be at least 32/, /SEED_ON_EMPTY must be true or false/]) {
      expect(() => loadConfig(bad)).toThrow(problem);
    }
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/production needs JWKS_URL[\s\S]*production needs ID_SECRET[\s\S]*production needs DATABASE_URL/);
  });
});
