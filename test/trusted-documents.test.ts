import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { Role } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { startHttpServer, type HttpServer } from '../src/http/server';
import { documentIdOf, manifestDocuments, pushDocuments } from '../src/http/trusted-documents';
import { StakeholderKind } from '../src/modules/stakeholder/stakeholder.entity';
import { createTestApp, type TestApp } from './support/app';
import { gid, makeStakeholder } from './support/factories';

/** Trusted documents (issue 12): registered at build time, sent by id, and with TRUSTED_DOCUMENTS=required the only way in. */
const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) };
const NAME = 'query StakeholderName($id: ID!) { stakeholder(id: $id) { name } }';
const HEALTH = 'query Health { health { ok } }';
let app: TestApp;
const servers: Record<'off' | 'allowed' | 'required', HttpServer> = {} as never;
let token: string;
let companyId: string;

beforeAll(async () => {
  app = await createTestApp();
  for (const mode of ['off', 'allowed', 'required'] as const) {
    const config = loadConfig({ ...base, TRUSTED_DOCUMENTS: mode });
    servers[mode] = await startHttpServer({ db: app.db, verifyToken: createTokenVerifier(config), config, port: 0, host: '127.0.0.1' });
  }
  token = await mintDevToken({ role: Role.ADMIN, sub: 'trusted' }, loadConfig(base));
  companyId = gid(await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'Trusted Pharma' }));
  await pushDocuments(app.db, manifestDocuments({ [documentIdOf(NAME).slice('sha256:'.length)]: NAME, [documentIdOf(HEALTH)]: HEALTH }), 'test');
});
afterAll(async () => {
  for (const server of Object.values(servers)) await server.stop();
  await app.close();
});

async function post(server: HttpServer, body: unknown): Promise<{ status: number; json: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } }> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as never };
}

describe('registering', () => {
  it("reads Apollo's manifest and a map of id to text, and refuses the whole manifest when one id is not the SHA-256 of its text", async () => {
    const apollo = manifestDocuments({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: documentIdOf(HEALTH).slice(7), name: 'Health', type: 'query', body: HEALTH }],
    });
    expect(apollo).toEqual([{ id: documentIdOf(HEALTH).slice(7), body: HEALTH }]);
    expect(await pushDocuments(app.db, apollo, 'apollo')).toEqual({ registered: 0, alreadyKnown: 1 });

    const fresh = 'query Kinds { stakeholders(first: 1) { totalCount } }';
    const count = async (): Promise<number> => ((await app.db.query('SELECT count(*)::int AS n FROM trusted_document')) as { n: number }[])[0].n;
    const before = await count();
    await expect(pushDocuments(app.db, manifestDocuments({ [documentIdOf(fresh)]: fresh, 'md5-like-id': HEALTH }), null)).rejects.toThrow(
      /not the SHA-256 of its text/,
    );
    await expect(pushDocuments(app.db, manifestDocuments({ [documentIdOf('{ health { ok } }')]: '{ health { ok } }' }), null)).rejects.toThrow(
      /every operation needs a name/,
    );
    expect(await count()).toBe(before);
  });

  it('registers from the command line, and says what was already known', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ag-docs-'));
    const file = path.join(dir, 'persisted-documents.json');
    const text = 'query CliDocument { health { ok } }';
    writeFileSync(file, JSON.stringify({ [documentIdOf(text)]: text, [documentIdOf(HEALTH)]: HEALTH }));
    const run = () =>
      promisify(execFile)('npx', ['ts-node', '--transpile-only', 'src/http/trusted-documents.cli.ts', file, '--client', 'portal'], {
        cwd: path.join(__dirname, '..'),
        env: { ...process.env, DATABASE_URL: app.url, NODE_ENV: 'test' },
      });
    expect((await run()).stdout).toContain('2 documents from');
    expect((await run()).stdout).toContain('0 registered, 2 already known');
    const [row] = (await app.db.query(`SELECT client_name, operation_name FROM trusted_document WHERE id = $1`, [documentIdOf(text)])) as object[];
    expect(row).toEqual({ client_name: 'portal', operation_name: 'CliDocument' });
  }, 60_000);
});

describe('serving', () => {
  it('runs a registered document by documentId, with its variables, by POST and by GET', async () => {
    for (const mode of ['allowed', 'required'] as const) {
      const { json } = await post(servers[mode], { documentId: documentIdOf(NAME), variables: { id: companyId } });
      expect(json).toEqual({ data: { stakeholder: { name: 'Trusted Pharma' } } });
      const url = `${servers[mode].url}?documentId=${encodeURIComponent(documentIdOf(NAME))}&variables=${encodeURIComponent(JSON.stringify({ id: companyId }))}`;
      const get = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } });
      expect(await get.json()).toEqual({ data: { stakeholder: { name: 'Trusted Pharma' } } });
    }
  });

  it("understands Apollo's persistedQuery extension", async () => {
    const { json } = await post(servers.required, { extensions: { persistedQuery: { version: 1, sha256Hash: documentIdOf(HEALTH).slice(7) } } });
    expect(json).toEqual({ data: { health: { ok: true } } });
  });

  it('refuses an unknown documentId with a clear error', async () => {
    const { status, json } = await post(servers.allowed, { documentId: documentIdOf('query Unknown { health { ok } }') });
    expect(status).toBe(400);
    expect(json.errors?.[0]).toEqual({ message: expect.stringMatching(/Unknown documentId/), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('with TRUSTED_DOCUMENTS=required refuses a document sent as text, registered or not, and runs nothing', async () => {
    for (const query of [NAME, 'mutation M { __typename }']) {
      const { status, json } = await post(servers.required, { query, variables: { id: companyId } });
      expect(status).toBe(400);
      expect(json.errors?.[0]?.message).toMatch(/trusted documents only/);
      expect(json.data).toBeUndefined();
    }
    // Allowed (the default) takes both.
    expect((await post(servers.allowed, { query: NAME, variables: { id: companyId } })).json).toEqual({ data: { stakeholder: { name: 'Trusted Pharma' } } });
  });

  it('with TRUSTED_DOCUMENTS=off ignores documentId: the request has no document', async () => {
    const { status, json } = await post(servers.off, { documentId: documentIdOf(HEALTH) });
    expect(status).toBe(400);
    expect(json.data).toBeUndefined();
    expect(JSON.stringify(json.errors)).toMatch(/query/i);
  });

  it('refuses an unknown mode', () => {
    expect(() => loadConfig({ ...base, TRUSTED_DOCUMENTS: 'sometimes' })).toThrow(/TRUSTED_DOCUMENTS must be one of off, allowed, required/);
  });
});
