import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { GraphQLSchema } from 'graphql';
import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { Role, type Viewer } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { startHttpServer } from '../src/http/server';
import { contextFor } from '../src/graphql/context';
import { buildAppSchema } from '../src/graphql/schema';
import { ConsentScope } from '../src/modules/consent/consent.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { exportGraph } from '../src/modules/transfer/transfer.export';
import { ExportFormat, ImportFormat, ImportType } from '../src/modules/transfer/transfer.inputs';
import { transferService } from '../src/modules/transfer/transfer.service';
import type { ImportReport } from '../src/modules/transfer/transfer.types';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { makeConsent } from './support/consent.factories';
import { gid, makeStakeholder } from './support/factories';
import { makePartnership } from './support/partnership.factories';

let app: TestApp;
let schema: GraphQLSchema;
beforeAll(async () => {
  app = await createTestApp();
  schema = await buildAppSchema();
});
afterAll(() => app.close());

const IMPORT = `
  mutation Import($input: ImportRecordsInput!) {
    importRecords(input: $input) {
      report { rows created updated unchanged rejectedCount committed rejected { row column code reason } }
      userErrors { field code message }
    }
  }`;

const jsonl = (rows: object[]): string => rows.map((r) => JSON.stringify(r)).join('\n');
let seq = 0;
const unique = (prefix: string): string => `${prefix}-${(seq += 1)}-${Math.random().toString(36).slice(2, 8)}`;

async function importAs(viewer: Viewer, input: { type?: ImportType; format?: ImportFormat; data: string; dryRun?: boolean; partial?: boolean }) {
  const result = await app.run<{ importRecords: { report: ImportReport; userErrors: unknown[] } }>(IMPORT, { input: { format: ImportFormat.JSONL, ...input } }, viewer);
  const payload = dataOf(result).importRecords;
  expect(payload.userErrors).toEqual([]);
  return payload.report;
}

const count = async (table: string, where = 'TRUE', params: unknown[] = []): Promise<number> =>
  Number(((await app.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params)) as { n: number }[])[0].n);

const em = (s: Stakeholder): Viewer => viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: s.id });

/** The export of `db` as `viewer`, as JSONL lines. */
async function exportLines(db: TestApp['db'], viewer: Viewer): Promise<Record<string, unknown>[]> {
  let text = '';
  await exportGraph(() => contextFor(db, viewer), schema, ExportFormat.JSONL, { write: async (chunk) => void (text += chunk) });
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('importRecords: stakeholders', () => {
  it('creates, then a second import of the same file is all unchanged, and a changed row updates its record', async () => {
    const a = unique('co');
    const b = unique('pt');
    const rows = [
      { externalId: a, kind: 'COMPANY', name: 'Import Pharma', country: 'DE', therapeuticAreas: ['oncology'], efpiaMember: true },
      { externalId: b, kind: 'PATIENT', pseudonym: unique('Pseudo').replace(/-/g, '_'), languages: ['en'] },
    ];
    const first = await importAs(admin(), { type: ImportType.STAKEHOLDERS, data: jsonl(rows) });
    expect(first).toMatchObject({ rows: 2, created: 2, updated: 0, unchanged: 0, rejectedCount: 0, committed: true });
    const again = await importAs(admin(), { type: ImportType.STAKEHOLDERS, data: jsonl(rows) });
    expect(again).toMatchObject({ rows: 2, created: 0, updated: 0, unchanged: 2, rejectedCount: 0, committed: true });
    expect(await count('stakeholder', 'external_id = ANY($1)', [[a, b]])).toBe(2);
    const changed = await importAs(admin(), { type: ImportType.STAKEHOLDERS, data: jsonl([{ ...rows[0], name: 'Import Pharma AG' }, rows[1]]) });
    expect(changed).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    const [row] = (await app.db.query(`SELECT name, version FROM stakeholder WHERE external_id = $1`, [a])) as { name: string; version: number }[];
    expect(row).toEqual({ name: 'Import Pharma AG', version: 2 });
  });

  it('a file with a rejected row changes nothing; with partial, the valid rows are written', async () => {
    const good = unique('good');
    const rows = [
      { externalId: good, kind: 'COMPANY', name: 'Fine Co' },
      { externalId: unique('bad'), kind: 'COMPANY', name: 'Bad Co', country: 'Germany' },
      { externalId: unique('bad'), kind: 'COMPANY', name: 'Wrong Co', pseudonym: 'nope' },
      { externalId: unique('bad'), kind: 'SPACESHIP', name: 'X' },
    ];
    const report = await importAs(admin(), { type: ImportType.STAKEHOLDERS, data: jsonl(rows) });
    expect(report).toMatchObject({ rows: 4, created: 1, rejectedCount: 3, committed: false });
    expect(report.rejected.map((r) => [r.row, r.column, r.code])).toEqual([
      [2, 'country', 'BAD_USER_INPUT'],
      [3, 'pseudonym', 'BAD_USER_INPUT'],
      [4, 'kind', 'BAD_USER_INPUT'],
    ]);
    expect(await count('stakeholder', 'external_id = $1', [good])).toBe(0);
    const partial = await importAs(admin(), { type: ImportType.STAKEHOLDERS, data: jsonl(rows), partial: true });
    expect(partial).toMatchObject({ created: 1, rejectedCount: 3, committed: true });
    expect(await count('stakeholder', 'external_id = $1', [good])).toBe(1);
  });

  it('a dry run checks and reports, and writes nothing', async () => {
    const id = unique('dry');
    const report = await importAs(admin(), { type: ImportType.STAKEHOLDERS, data: jsonl([{ externalId: id, kind: 'COMPANY', name: 'Dry Co' }]), dryRun: true });
    expect(report).toMatchObject({ created: 1, rejectedCount: 0, committed: false });
    expect(await count('stakeholder', 'external_id = $1', [id])).toBe(0);
    expect(await count('audit_event', `action = 'transfer:import' AND target_id IS NOT NULL AND target_id::text IN (SELECT id::text FROM stakeholder WHERE external_id = $1)`, [id])).toBe(0);
  });

  it('a database rule is the row’s rejection (a pseudonym taken), found row by row', async () => {
    const taken = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    const rows = [
      { externalId: unique('p'), kind: 'PATIENT', pseudonym: unique('Fresh').replace(/-/g, '_') },
      { externalId: unique('p'), kind: 'PATIENT', pseudonym: taken.pseudonym },
    ];
    const report = await importAs(admin(), { type: ImportType.STAKEHOLDERS, data: jsonl(rows), partial: true });
    expect(report).toMatchObject({ created: 1, rejectedCount: 1, committed: true });
    expect(report.rejected[0]).toMatchObject({ row: 2, column: 'pseudonym', code: 'CONFLICT' });
  });

  it('rows are the external ids of the importing organisation: another organisation’s same id is another record', async () => {
    const helix = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const aster = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const id = unique('shared');
    const row = { externalId: id, kind: 'RESEARCH_ORGANISATION', name: 'Same Id Institute', researchKind: 'ACADEMIC' };
    expect(await importAs(em(helix), { type: ImportType.STAKEHOLDERS, data: jsonl([row]) })).toMatchObject({ created: 1 });
    expect(await importAs(em(aster), { type: ImportType.STAKEHOLDERS, data: jsonl([row]) })).toMatchObject({ created: 1 });
    expect(await count('stakeholder', 'external_id = $1', [id])).toBe(2);
    // An organisation's fields are public: an unchanged row needs no right to write.
    expect(await importAs(em(helix), { type: ImportType.STAKEHOLDERS, data: jsonl([row]) })).toMatchObject({ unchanged: 1, rejectedCount: 0 });
  });
});

describe('CSV', () => {
  it('reads a header row, quoted cells, `;` lists, a byte-order mark, and reports a bad cell by row and column', async () => {
    const ok = unique('csv');
    const csv = [
      '\ufeffexternalId,kind,name,country,tags,therapeuticAreas,efpiaMember,description',
      `${ok},COMPANY,"Comma, Quote "" and Co",DE,alpha;beta,oncology,true,"two\nlines"`,
      `${unique('csv')},COMPANY,Bad Year Co,DE,,,maybe,`,
    ].join('\r\n');
    const report = await importAs(admin(), { type: ImportType.STAKEHOLDERS, format: ImportFormat.CSV, data: csv, partial: true });
    expect(report).toMatchObject({ rows: 2, created: 1, rejectedCount: 1, committed: true });
    expect(report.rejected[0]).toMatchObject({ row: 2, column: 'efpiaMember', code: 'BAD_USER_INPUT' });
    const [row] = (await app.db.query(`SELECT name, tags, therapeutic_areas, efpia_member, description FROM stakeholder WHERE external_id = $1`, [ok])) as Record<string, unknown>[];
    expect(row).toEqual({ name: 'Comma, Quote " and Co', tags: ['alpha', 'beta'], therapeutic_areas: ['oncology'], efpia_member: true, description: 'two\nlines' });
  });

  it('a CSV import names its type', async () => {
    const result = await app.run<{ importRecords: { report: unknown; userErrors: { field: string }[] } }>(
      IMPORT,
      { input: { format: 'CSV', data: 'externalId,kind,name\nx,COMPANY,X' } },
      admin(),
    );
    expect(dataOf(result).importRecords).toEqual({ report: null, userErrors: [expect.objectContaining({ field: 'input.type', code: 'BAD_USER_INPUT' })] });
  });
});

describe('npm run import / export', () => {
  const run = promisify(execFile);
  const cli = (script: string, args: string[]) =>
    run(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, '..', 'src', 'transfer', script), ...args], {
      env: { ...process.env, DATABASE_URL: app.url, TS_NODE_PROJECT: path.join(__dirname, '..', 'tsconfig.json') },
      cwd: path.join(__dirname, '..'),
    });

  it('streams a file as the token’s holder, with a progress line, and exports GraphML as them', async () => {
    const helix = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const token = await mintDevToken({ role: Role.ENGAGEMENT_MANAGER, org: gid(helix), sub: 'cli-user' }, loadConfig({}));
    const dir = mkdtempSync(path.join(tmpdir(), 'ag-import-'));
    const file = path.join(dir, 'stakeholders.jsonl');
    const id = unique('cli');
    writeFileSync(file, `${jsonl([{ externalId: id, kind: 'COMPANY', name: 'CLI Pharma' }, { externalId: unique('cli'), kind: 'REGULATOR', name: 'CLI Agency' }])}\n`);
    // The engagement manager may not register a regulator: the file changes nothing, exit status 2.
    const refused = await cli('import.cli.ts', ['--file', file, '--type', 'stakeholders', '--token', token]).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect((refused as { code?: number }).code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({ created: 1, rejectedCount: 1, committed: false });
    expect(refused.stderr).toMatch(/2 rows · 1 created · 0 updated · 0 unchanged · 1 rejected · [\d,]+ rows\/s/);
    expect(await count('stakeholder', 'external_id = $1', [id])).toBe(0);
    const partial = await cli('import.cli.ts', ['--file', file, '--type', 'stakeholders', '--token', token, '--partial']);
    expect(JSON.parse(partial.stdout)).toMatchObject({ created: 1, committed: true });
    const exported = await cli('export.cli.ts', ['--token', token, '--format', 'graphml']);
    expect(exported.stdout).toContain('<data key="label">CLI Pharma</data>');
    await expect(cli('export.cli.ts', ['--token', 'not-a-token'])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('Invalid token') });
    // Four processes under ts-node: each compiles the server's modules as it loads them (about 5 s
    // apiece on an idle machine, more on a loaded CI machine), so the suite's 30 s default is too short.
  }, 120_000);
});

describe('importRecords: permissions equal those of the mutations', () => {
  it('refuses roles that may not write, before reading anything', async () => {
    const partner = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const result = await app.run(IMPORT, { input: { format: 'JSONL', type: 'STAKEHOLDERS', data: '{}' } }, viewerOf(Role.PARTNER, { orgId: partner.id }));
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
  });

  it('an engagement manager may not register a regulator, nor update another organisation (FORBIDDEN rows)', async () => {
    const helix = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const id = unique('org');
    await importAs(admin(), { type: ImportType.STAKEHOLDERS, data: jsonl([{ externalId: id, kind: 'COMPANY', name: 'Admin Co' }]) });
    const report = await importAs(em(helix), {
      type: ImportType.STAKEHOLDERS,
      data: jsonl([{ externalId: unique('reg'), kind: 'REGULATOR', name: 'Agency' }]),
    });
    expect(report.rejected).toEqual([{ row: 1, column: null, code: 'FORBIDDEN', reason: 'Only ADMIN registers a REGULATOR.' }]);
  });

  it('an engagement manager imports affiliations only where their organisation is an end', async () => {
    const helix = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const other = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const third = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION);
    const mine = unique('aff');
    const rows = [
      { externalId: mine, kind: 'FUNDED_BY', fromId: gid(third), toId: gid(helix) },
      { externalId: unique('aff'), kind: 'FUNDED_BY', fromId: gid(third), toId: gid(other) },
    ];
    const report = await importAs(em(helix), { type: ImportType.AFFILIATIONS, data: jsonl(rows) });
    expect(report).toMatchObject({ created: 1, rejectedCount: 1, committed: false });
    expect(report.rejected[0]).toMatchObject({ row: 2, code: 'FORBIDDEN' });
    expect(await count('affiliation', 'external_id = $1', [mine])).toBe(0);
  });

  it('an engagement manager imports partnerships only with their organisation among the members', async () => {
    const helix = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const a = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const b = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION);
    const ok = { externalId: unique('p'), title: 'Ours', type: 'ALLIANCE', members: [{ stakeholderId: gid(helix), role: 'LEAD' }, { stakeholderId: gid(b), role: 'MEMBER' }] };
    const theirs = { externalId: unique('p'), title: 'Theirs', type: 'ALLIANCE', members: [{ stakeholderId: gid(a), role: 'LEAD' }, { stakeholderId: gid(b), role: 'MEMBER' }] };
    const report = await importAs(em(helix), { type: ImportType.PARTNERSHIPS, data: jsonl([ok, theirs]), partial: true });
    expect(report).toMatchObject({ created: 1, rejectedCount: 1, committed: true });
    expect(report.rejected[0]).toMatchObject({ row: 2, code: 'FORBIDDEN' });
    expect(await count('partnership_member m JOIN partnership p ON p.id = m.partnership_id', 'p.external_id = $1', [ok.externalId])).toBe(2);
    // Again: unchanged; with a new member: updated, the member added.
    expect(await importAs(em(helix), { type: ImportType.PARTNERSHIPS, data: jsonl([ok]) })).toMatchObject({ unchanged: 1 });
    const grown = { ...ok, members: [...ok.members, { stakeholderId: gid(a), role: 'OBSERVER' }] };
    expect(await importAs(em(helix), { type: ImportType.PARTNERSHIPS, data: jsonl([grown]) })).toMatchObject({ updated: 1 });
    expect(await count('partnership_member m JOIN partnership p ON p.id = m.partnership_id', 'p.external_id = $1', [ok.externalId])).toBe(3);
  });

  it('commitments: as makeCommitment and changeCommitmentStatus allow them', async () => {
    const helix = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const other = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const outsider = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const { partnership } = await makePartnership(app.db, [{ stakeholder: helix }, { stakeholder: other }]);
    const partnershipId = Buffer.from(`Partnership:${partnership.id}`).toString('base64url');
    const ours = { externalId: unique('cm'), title: 'Share the protocol draft', committerId: gid(helix), beneficiaryId: gid(other), partnershipId, dueDate: '2027-01-31' };
    const notMember = { externalId: unique('cm'), title: 'Not in it', committerId: gid(outsider), partnershipId };
    const report = await importAs(em(helix), { type: ImportType.COMMITMENTS, data: jsonl([ours, notMember]), partial: true });
    expect(report).toMatchObject({ created: 1, rejectedCount: 1, committed: true });
    expect(report.rejected[0]).toMatchObject({ row: 2, column: 'committerId', code: 'BAD_USER_INPUT' });
    expect(await importAs(em(helix), { type: ImportType.COMMITMENTS, data: jsonl([ours]) })).toMatchObject({ unchanged: 1 });
    // Fulfilled, with its evidence: an update along the transitions; back to OPEN is not one.
    const fulfilled = { ...ours, status: 'FULFILLED', evidence: 'Draft sent on 2027-01-20.' };
    expect(await importAs(em(helix), { type: ImportType.COMMITMENTS, data: jsonl([fulfilled]) })).toMatchObject({ updated: 1 });
    const [row] = (await app.db.query(`SELECT status, evidence, fulfilled_at IS NOT NULL AS dated FROM commitment WHERE external_id = $1`, [ours.externalId])) as object[];
    expect(row).toEqual({ status: 'FULFILLED', evidence: 'Draft sent on 2027-01-20.', dated: true });
    const reopened = await importAs(em(helix), { type: ImportType.COMMITMENTS, data: jsonl([{ ...ours, status: 'OPEN' }]) });
    expect(reopened.rejected[0]).toMatchObject({ column: 'status', code: 'BAD_USER_INPUT' });
    // Another organisation's engagement manager may not make a commitment for Helix.
    const theirs = await importAs(em(outsider), { type: ImportType.COMMITMENTS, data: jsonl([{ ...ours, externalId: unique('cm'), partnershipId: undefined }]) });
    expect(theirs.rejected[0]).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('interactions: recorded by the importer, with its participants, as recordInteraction records them', async () => {
    const helix = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const other = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION);
    const outsider = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const meeting = {
      externalId: unique('ix'),
      kind: 'WORKSHOP',
      occurredAt: '2026-10-01T09:00:00.000Z',
      durationMinutes: 90,
      summary: 'Protocol review',
      notes: 'Fewer visits.',
      participants: [{ stakeholderId: gid(helix) }, { stakeholderId: gid(other) }],
    };
    const notOurs = { ...meeting, externalId: unique('ix'), participants: [{ stakeholderId: gid(other) }, { stakeholderId: gid(outsider) }] };
    const report = await importAs(em(helix), { type: ImportType.INTERACTIONS, data: jsonl([meeting, notOurs]), partial: true });
    expect(report).toMatchObject({ created: 1, rejectedCount: 1, committed: true });
    expect(report.rejected[0]).toMatchObject({ row: 2, code: 'FORBIDDEN' });
    const [row] = (await app.db.query(
      `SELECT i.recorded_by_org_id = $2 AS ours, (SELECT count(*)::int FROM interaction_participant p WHERE p.interaction_id = i.id) AS participants
         FROM interaction i WHERE i.external_id = $1`,
      [meeting.externalId, helix.id],
    )) as object[];
    expect(row).toEqual({ ours: true, participants: 2 });
    expect(await importAs(em(helix), { type: ImportType.INTERACTIONS, data: jsonl([meeting]) })).toMatchObject({ unchanged: 1 });
    const edited = await importAs(em(helix), { type: ImportType.INTERACTIONS, data: jsonl([{ ...meeting, summary: 'Changed' }]) });
    expect(edited.rejected[0]).toMatchObject({ column: 'externalId', code: 'BAD_USER_INPUT' });
  });

  it('consents: ADMIN only (as grantConsent), and only with the evidence reference', async () => {
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    const helix = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const row = { externalId: unique('c'), patientId: gid(patient), granteeId: gid(helix), scopes: ['IDENTITY'], purposes: ['PARTNERSHIP_COORDINATION'] };
    const missing = await importAs(admin(), { type: ImportType.CONSENTS, data: jsonl([row]) });
    expect(missing.rejected[0]).toMatchObject({ row: 1, column: 'evidenceReference', code: 'BAD_USER_INPUT' });
    const withEvidence = { ...row, evidenceReference: 'signed form 2026-114' };
    const byEm = await importAs(em(helix), { type: ImportType.CONSENTS, data: jsonl([withEvidence]) });
    // The engagement manager cannot even open the patient's real id: NOT_FOUND, as in grantConsent.
    expect(byEm.rejected[0].code).toMatch(/NOT_FOUND|FORBIDDEN/);
    expect(await importAs(admin(), { type: ImportType.CONSENTS, data: jsonl([withEvidence]) })).toMatchObject({ created: 1, committed: true });
    expect(await importAs(admin(), { type: ImportType.CONSENTS, data: jsonl([withEvidence]) })).toMatchObject({ unchanged: 1 });
    const [stored] = (await app.db.query(`SELECT evidence_reference FROM consent WHERE external_id = $1`, [row.externalId])) as { evidence_reference: string }[];
    expect(stored.evidence_reference).toBe('signed form 2026-114');
  });
});

describe('export', () => {
  it('exports a redacted patient redacted, under the id sealed for the viewer’s organisation', async () => {
    const helix = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, { conditions: ['asthma'] });
    await makePartnership(app.db, [{ stakeholder: helix }, { stakeholder: patient }]);
    const lines = await exportLines(app.db, em(helix));
    const text = JSON.stringify(lines);
    expect(text).not.toContain(patient.pseudonym as string);
    expect(text).not.toContain(patient.id);
    expect(text).not.toContain('asthma');
    const redacted = lines.filter((l) => l.recordType === 'stakeholder' && l.kind === 'PATIENT' && String(l.externalId).startsWith('rp_'));
    expect(redacted.length).toBeGreaterThan(0);
    expect(redacted[0].redactedFields).toEqual(expect.arrayContaining(['pseudonym', 'conditions']));
    // With the patient's IDENTITY consent, the same export names them.
    await makeConsent(app.db, patient, { granteeId: helix.id, scopes: [ConsentScope.IDENTITY] });
    const consented = await exportLines(app.db, em(helix));
    expect(JSON.stringify(consented)).toContain(patient.pseudonym as string);
  });

  it('GraphML declares a key for every attribute it uses', async () => {
    let text = '';
    await exportGraph(() => contextFor(app.db, admin()), schema, ExportFormat.GRAPHML, { write: async (chunk) => void (text += chunk) });
    const declared = new Set([...text.matchAll(/<key id="([^"]+)" for="(node|edge)"/g)].map((m) => m[1]));
    const used = new Set([...text.matchAll(/<data key="([^"]+)"/g)].map((m) => m[1]));
    expect([...used].filter((k) => !declared.has(k))).toEqual([]);
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns"')).toBe(true);
    expect(text.trimEnd().endsWith('</graph>\n</graphml>')).toBe(true);
    expect((text.match(/<node /g) ?? []).length).toBeGreaterThan(0);
  });

  it('exportGraph gives a link for readers of records, not for analysts', async () => {
    const QUERY = `query ExportLinkOf { exportGraph(format: GRAPHML) { url expiresAt } }`;
    const link = dataOf(await app.run<{ exportGraph: { url: string } }>(QUERY, {}, admin())).exportGraph;
    expect(link.url).toMatch(/^\/export\/[A-Za-z0-9_-]+$/);
    expect(errorCodes(await app.run(QUERY, {}, viewerOf(Role.ANALYST)))).toEqual(['FORBIDDEN']);
  });
});

describe('GET /export/<link>', () => {
  it('streams the export of the link’s viewer, redacted as for them, and refuses a forged link', async () => {
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) });
    const http = await startHttpServer({ db: app.db, verifyToken: createTokenVerifier(config), config, port: 0, host: '127.0.0.1' });
    try {
      const helix = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'Link Pharma' });
      const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
      await makePartnership(app.db, [{ stakeholder: helix }, { stakeholder: patient }]);
      const token = await mintDevToken({ role: Role.ENGAGEMENT_MANAGER, org: gid(helix), sub: 'erin' }, config);
      const asked = await fetch(http.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'query ExportLinkOf { exportGraph(format: JSONL) { url expiresAt } }' }),
      });
      const { data } = (await asked.json()) as { data: { exportGraph: { url: string } } };
      const download = await fetch(new URL(data.exportGraph.url, http.url));
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const body = await download.text();
      expect(body).toContain('Link Pharma');
      expect(body).not.toContain(patient.pseudonym as string);
      expect(body).not.toContain(patient.id);
      const forged = await fetch(new URL(`${data.exportGraph.url.slice(0, -4)}AAAA`, http.url));
      expect(forged.status).toBe(404);
    } finally {
      await http.stop();
    }
  });
});

describe('round trip', () => {
  it('export → import into an empty database → the same graph for ADMIN; importing it again changes nothing', async () => {
    const a = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'Round Trip Pharma', therapeuticAreas: ['cardiology'] });
    const b = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: 'Round Trip Patients', diseaseAreas: ['heart failure'] });
    const p = await makeStakeholder(app.db, StakeholderKind.PATIENT, { conditions: ['heart failure'], languages: ['de'] });
    await importAs(admin(), {
      type: ImportType.AFFILIATIONS,
      data: jsonl([{ externalId: unique('rt'), kind: 'FUNDED_BY', fromId: gid(b), toId: gid(a), since: '2024-01-01' }]),
    });
    await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }, { stakeholder: p }], { title: 'Round trip board' });
    const exported = await exportLines(app.db, admin());

    const target = await createTestApp();
    try {
      const ctx = contextFor(target.db, admin());
      const report = await transferService.importRecords(ctx, schema, Readable.from(exported.map((l) => `${JSON.stringify(l)}\n`)), {
        type: null,
        format: ImportFormat.JSONL,
        dryRun: false,
        partial: false,
      });
      expect(report).toMatchObject({ rejectedCount: 0, committed: true, created: exported.length });
      const again = await transferService.importRecords(contextFor(target.db, admin()), schema, Readable.from(exported.map((l) => `${JSON.stringify(l)}\n`)), {
        type: null,
        format: ImportFormat.JSONL,
        dryRun: false,
        partial: false,
      });
      expect(again).toMatchObject({ created: 0, updated: 0, unchanged: exported.length, rejectedCount: 0 });

      // The target's export, its ids mapped back through the external ids (each the source's id), equals the source's.
      const reexported = await exportLines(target.db, admin());
      const toSource = new Map<string, string>();
      for (const table of ['stakeholder', 'affiliation', 'partnership']) {
        const rows = (await target.db.query(`SELECT id, external_id FROM ${table}`)) as { id: string; external_id: string }[];
        const type = table[0].toUpperCase() + table.slice(1);
        for (const r of rows) toSource.set(Buffer.from(`${type}:${r.id}`).toString('base64url'), r.external_id);
      }
      const mapped = (value: unknown): unknown =>
        typeof value === 'string' && toSource.has(value)
          ? toSource.get(value)
          : Array.isArray(value)
            ? value.map(mapped)
            : value && typeof value === 'object'
              ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapped(v)]))
              : value;
      const key = (l: Record<string, unknown>): string => `${String(l.recordType)}:${String(l.externalId)}`;
      const sorted = (lines: Record<string, unknown>[]) =>
        lines.map((l) => ({ ...l, ...(Array.isArray(l.members) ? { members: [...(l.members as object[])].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))) } : {}) })).sort((x, y) => key(x).localeCompare(key(y)));
      expect(sorted(reexported.map((l) => mapped(l) as Record<string, unknown>))).toEqual(sorted(exported));
    } finally {
      await target.close();
    }
  });
});
