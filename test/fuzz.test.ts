import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { buildSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { redactedPatientId } from '../src/access/patient-ids';
import { Role } from '../src/access/viewer';
import { loadConfig, type Config } from '../src/config';
import { toGlobalId } from '../src/graphql/global-id';
import { startHttpServer } from '../src/http/server';
import { createLogger } from '../src/shared/logger';
import { AffiliationKind } from '../src/modules/affiliation/affiliation.entity';
import { ConsentPurpose, ConsentScope } from '../src/modules/consent/consent.entity';
import { ContractKind, ContractPartyRole, ContractStatus } from '../src/modules/contract/contract.entity';
import { MAX_CONTRACT_AMOUNT } from '../src/modules/contract/contract.inputs';
import { MemberRole, PartnershipVisibility } from '../src/modules/partnership/partnership.entity';
import { StakeholderKind } from '../src/modules/stakeholder/stakeholder.entity';
import { makeAffiliation } from './support/affiliation.factories';
import { createTestApp, viewerOf, type TestApp } from './support/app';
import { makeCommitment } from './support/commitment.factories';
import { makeConsent } from './support/consent.factories';
import { makeContract } from './support/contract.factories';
import { gid, makeStakeholder } from './support/factories';
import {
  burstProblems,
  describeFailure,
  problemsOf,
  requestArbitrary,
  send,
  sweepArbitrary,
  signatureOf,
  type FuzzPool,
  type FuzzRequest,
  type FuzzResponse,
  type FuzzToken,
  type IdType,
} from './support/fuzz';
import { makeInteraction } from './support/interaction.factories';
import { makePartnership } from './support/partnership.factories';
import { buildPermissionWorld, type PermissionWorld } from './support/permission-world';

/*
 * A seeded random-operation fuzz over real HTTP: a few hundred requests generated from the
 * schema (well-typed, plausible and ill-typed operations, variables, fragments, garbage bodies,
 * odd methods, paths, content types and tokens, concurrent idempotent creates), then a sweep of
 * every root field and relation; each response is checked for HTTP < 500, a stable error code,
 * no INTERNAL_SERVER_ERROR, no output the server could not serialise and no leaked internals.
 * Afterwards the server must still answer and rows no request could name must be untouched.
 *
 *   FUZZ_SEED=123 FUZZ_RUNS=1000 npx jest test/fuzz.test.ts
 *   FUZZ_SEED=123 FUZZ_ONLY=17 npx jest test/fuzz.test.ts    # replay one request of a run
 *   FUZZ_VERBOSE=1      statistics (request shapes, statuses, most frequent errors)
 *   FUZZ_DUMP=file      every request and response, one JSON line each
 *   FUZZ_BUDGET_MS=…    wall-clock budget of the requests (default 35 s)
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20260420);
const DEFAULT_RUNS = 300;
const RUNS = Number(process.env.FUZZ_RUNS ?? DEFAULT_RUNS);
const ONLY = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);
/** Wall-clock budget for the requests; the run stops early (and says so) beyond it. */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 35_000);
const REQUEST_TIMEOUT_MS = 10_000;
const JWT_SECRET = 'f'.repeat(40);

// ---------------------------------------------------------------------------------------------
// The server (the one place that knows startHttpServer's signature)
// ---------------------------------------------------------------------------------------------

interface FuzzServer {
  url: string;
  config: Config;
  /** Lines the server logged at warn or above since the last `drainLog()`. */
  drainLog(): string[];
  stop(): Promise<void>;
}

async function startServer(db: DataSource): Promise<FuzzServer> {
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET,
    // The fuzz sends a few hundred requests from one address and a handful of users.
    // (The query limits stay at their defaults: the fuzz exercises them too.)
    RATE_LIMIT_USER: '1000000',
    RATE_LIMIT_IP: '1000000',
  });
  let log: string[] = [];
  const logger = createLogger('warn', { write: (line: string) => void log.push(line.trim()) });
  const http = await startHttpServer({ db, verifyToken: createTokenVerifier(config), config, port: 0, host: '127.0.0.1', logger });
  return {
    url: http.url,
    config,
    drainLog() {
      const lines = log;
      log = [];
      return lines;
    },
    stop: () => http.stop(),
  };
}

// ---------------------------------------------------------------------------------------------
// The world
// ---------------------------------------------------------------------------------------------

interface FuzzWorld {
  w: PermissionWorld;
  ids: Record<IdType, string[]>;
  /** Rows no generated request can name (their ids are in no pool): they must come out unchanged. */
  sentinel: { table: string; id: string }[];
  sentinelCompanyId: string;
}

async function buildWorld(db: DataSource): Promise<FuzzWorld> {
  const w = await buildPermissionWorld(db);
  const ema = await makeStakeholder(db, StakeholderKind.REGULATOR, { name: 'Fuzz Medicines Agency', country: 'NL' });
  const nice = await makeStakeholder(db, StakeholderKind.HTA_BODY, { name: 'Fuzz HTA body', country: 'GB' });
  const uni = await makeStakeholder(db, StakeholderKind.RESEARCH_ORGANISATION, { name: 'Fuzz University', country: 'DE' });
  const funded = await makeAffiliation(db, w.cfnet, w.helix, { kind: AffiliationKind.FUNDED_BY, since: '2024-01-01' });
  const advises = await makeAffiliation(db, uni, ema, { kind: AffiliationKind.ADVISES });
  const k2 = await makeContract(
    db,
    [
      { stakeholder: w.helix, role: ContractPartyRole.SPONSOR, signedAt: new Date('2025-01-02T00:00:00Z') },
      { stakeholder: w.cfnet, role: ContractPartyRole.RECIPIENT },
    ],
    { title: 'Fuzz grant', kind: ContractKind.GRANT, disclosable: true, partnershipId: w.pa.id, valueAmount: 500_000, valueCurrency: 'EUR', effectiveFrom: '2025-01-01' },
  );
  const c2 = await makeCommitment(db, w.helix, { partnershipId: w.pa.id, beneficiaryId: w.cfnet.id, dueDate: '2025-06-30', title: 'Share the protocol' });
  const i2 = await makeInteraction(db, [w.helix, w.cfnet, w.p1], { partnershipId: w.pa.id, recordedByOrgId: w.cfnet.id, notes: 'panel notes', summary: 'Panel' });
  // Boundary values a client may store through the API (draftContract takes amounts up to
  // MAX_CONTRACT_AMOUNT; ADMIN signs for every party): two ACTIVE disclosable grants of that
  // amount a year, so the reports' sums are read back at their largest.
  const maxSafe: { id: string }[] = [];
  for (const year of [2025, 2026]) {
    for (let i = 0; i < 2; i++) {
      maxSafe.push(
        await makeContract(
          db,
          [
            { stakeholder: w.helix, role: ContractPartyRole.SPONSOR, signedAt: new Date(`${year}-01-02T00:00:00Z`) },
            { stakeholder: w.cfnet, role: ContractPartyRole.RECIPIENT, signedAt: new Date(`${year}-01-02T00:00:00Z`) },
          ],
          { title: `Max grant ${year}/${i}`, kind: ContractKind.GRANT, status: ContractStatus.ACTIVE, disclosable: true, valueAmount: MAX_CONTRACT_AMOUNT, valueCurrency: 'EUR', effectiveFrom: `${year}-02-01` },
        ),
      );
    }
  }
  const alliance = await makeConsent(db, w.p2, { granteeId: null, scopes: [ConsentScope.IDENTITY], purposes: [ConsentPurpose.REPORTING] });

  // The sentinel corner: a world of its own that no generated request can name.
  const sCo = await makeStakeholder(db, StakeholderKind.COMPANY, { name: 'Sentinel Pharma', country: 'CH' });
  const sOrg = await makeStakeholder(db, StakeholderKind.PATIENT_ORGANISATION, { name: 'Sentinel Patients' });
  const sPatient = await makeStakeholder(db, StakeholderKind.PATIENT, { pseudonym: 'sentinel-patient', displayName: 'Sentinel Person', email: 's@example.org' });
  const sAff = await makeAffiliation(db, sPatient, sOrg);
  const { partnership: sPa, members: sMembers } = await makePartnership(
    db,
    [{ stakeholder: sCo, role: MemberRole.LEAD }, { stakeholder: sOrg }, { stakeholder: sPatient, role: MemberRole.PATIENT_PARTNER }],
    { title: 'Sentinel board', visibility: PartnershipVisibility.MEMBERS },
  );
  const sK = await makeContract(db, [{ stakeholder: sCo }, { stakeholder: sOrg }], { title: 'Sentinel contract', valueAmount: 1000, valueCurrency: 'CHF' });
  const sC = await makeCommitment(db, sCo, { partnershipId: sPa.id, title: 'Sentinel pledge' });
  const sI = await makeInteraction(db, [sCo, sOrg], { recordedByOrgId: sCo.id, notes: 'sentinel notes' });
  const sConsent = await makeConsent(db, sPatient, { granteeId: sCo.id, scopes: [ConsentScope.IDENTITY, ConsentScope.CONTACT] });

  // HelixCo's webhook and one delivery of it (only HelixCo's engagement managers may see them).
  const [hook] = (await db.query(
    `INSERT INTO webhook (organisation_id, url, events, selection, purpose, secret, created_by)
     VALUES ($1, 'http://127.0.0.1:9/hook', '{INTERACTION_RECORDED}', 'fragment F on Interaction { id }', 'PARTNERSHIP_COORDINATION', 'whsec_x', 'fuzz') RETURNING id`,
    [w.helix.id],
  )) as { id: string }[];
  const [delivery] = (await db.query(
    `WITH e AS (INSERT INTO outbox (event, record_type, record_id, version) VALUES ('INTERACTION_RECORDED', 'Interaction', $2, 1) RETURNING id)
     INSERT INTO webhook_delivery (webhook_id, event_id, event, record_id, record_version) SELECT $1, e.id, 'INTERACTION_RECORDED', $2, 1 FROM e RETURNING id`,
    [hook.id, w.i.id],
  )) as { id: string }[];
  const rows = async (sql: string, params: unknown[]): Promise<string[]> => ((await db.query(sql, params)) as { id: string }[]).map((r) => r.id);
  const pms = await rows('SELECT id FROM partnership_member WHERE partnership_id = ANY($1)', [[w.pa.id, w.pm.id]]);
  const parties = await rows('SELECT id FROM contract_party WHERE contract_id = ANY($1)', [[w.k.id, k2.id]]);
  const consents = await rows('SELECT id FROM consent WHERE patient_id = ANY($1)', [[w.p1.id, w.p2.id]]);

  const g = (type: IdType, list: { id: string }[]): string[] => list.map((r) => toGlobalId(type, r.id));
  const stakeholders = [w.helix, w.north, w.cfnet, w.p1, w.p2, ema, nice, uni];
  const ids: Record<IdType, string[]> = {
    Stakeholder: [
      ...stakeholders.map(gid),
      // The patients as NorthCo's and the HelixCo's staff see them (sealed for that organisation).
      redactedPatientId(viewerOf(Role.PARTNER, { orgId: w.north.id }), w.p1.id),
      redactedPatientId(viewerOf(Role.PARTNER, { orgId: w.helix.id }), w.p2.id),
    ],
    Affiliation: g('Affiliation', [w.affiliation, funded, advises]),
    Partnership: g('Partnership', [w.pa, w.pm]),
    PartnershipMember: pms.map((id) => toGlobalId('PartnershipMember', id)),
    Commitment: g('Commitment', [w.c, c2]),
    Contract: g('Contract', [w.k, k2, ...maxSafe]),
    ContractParty: parties.map((id) => toGlobalId('ContractParty', id)),
    Interaction: g('Interaction', [w.i, i2]),
    Consent: [...consents.map((id) => toGlobalId('Consent', id)), toGlobalId('Consent', alliance.id)],
    Webhook: [toGlobalId('Webhook', hook.id)],
    WebhookDelivery: [toGlobalId('WebhookDelivery', delivery.id)],
  };
  const sentinel = [
    ...[sCo, sOrg, sPatient].map((s) => ({ table: 'stakeholder', id: s.id })),
    { table: 'affiliation', id: sAff.id },
    { table: 'partnership', id: sPa.id },
    ...sMembers.map((m) => ({ table: 'partnership_member', id: m.id })),
    { table: 'contract', id: sK.id },
    { table: 'commitment', id: sC.id },
    { table: 'interaction', id: sI.id },
    { table: 'consent', id: sConsent.id },
  ];
  return { w, ids, sentinel, sentinelCompanyId: sCo.id };
}

async function snapshot(db: DataSource, rows: { table: string; id: string }[]): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  for (const { table, id } of rows) {
    const [row] = (await db.query(`SELECT row_to_json(t) AS row FROM ${table} t WHERE id = $1`, [id])) as { row: unknown }[];
    result[`${table}:${id}`] = row?.row ?? null;
  }
  return result;
}

const TABLES = ['stakeholder', 'affiliation', 'partnership', 'partnership_member', 'commitment', 'contract', 'contract_party', 'interaction', 'interaction_participant', 'consent'];
async function counts(db: DataSource): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) result[table] = Number(((await db.query(`SELECT count(*) AS n FROM ${table}`)) as { n: string }[])[0].n);
  return result;
}

async function tokensFor(world: FuzzWorld, config: Config): Promise<FuzzToken[]> {
  const { w } = world;
  const mint = (claims: Parameters<typeof mintDevToken>[0], expires?: string): Promise<string> => mintDevToken(claims, config, expires);
  const bearer = async (label: string, claims: Parameters<typeof mintDevToken>[0], weight = 1): Promise<FuzzToken[]> => {
    const token = await mint(claims);
    return Array.from({ length: weight }, () => ({ label, authorization: `Bearer ${token}`, valid: true }));
  };
  const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const admin = await mint({ role: Role.ADMIN, sub: 'fuzz-admin' });
  const invalidate = (tokens: FuzzToken[]): FuzzToken[] => tokens.map((t) => ({ ...t, valid: false }));
  return [
    { label: 'no token', authorization: null, valid: false },
    ...(await bearer('ADMIN', { role: Role.ADMIN, sub: 'fuzz-admin' }, 3)),
    ...(await bearer('HelixCo EM', { role: Role.ENGAGEMENT_MANAGER, org: gid(w.helix), sub: 'fuzz-helix-em' }, 3)),
    ...(await bearer('CFNet EM', { role: Role.ENGAGEMENT_MANAGER, org: w.cfnet.id, sub: 'fuzz-cfnet-em' }, 2)),
    ...(await bearer('NorthCo EM (RESEARCH_DESIGN)', { role: Role.ENGAGEMENT_MANAGER, org: gid(w.north), purpose: ConsentPurpose.RESEARCH_DESIGN })),
    ...(await bearer('HelixCo PARTNER', { role: Role.PARTNER, org: gid(w.helix) }, 2)),
    ...(await bearer('NorthCo PARTNER', { role: Role.PARTNER, org: gid(w.north) }, 2)),
    ...(await bearer('PATIENT P1', { role: Role.PATIENT, patient: gid(w.p1), sub: 'fuzz-p1' }, 2)),
    ...(await bearer('PATIENT P2', { role: Role.PATIENT, patient: w.p2.id, sub: 'fuzz-p2' })),
    ...(await bearer('ANALYST', { role: Role.ANALYST }, 2)),
    ...(await bearer('PARTNER of a forged org', { role: Role.PARTNER, org: toGlobalId('Stakeholder', '00000000-0000-0000-0000-000000000000') })),
    ...invalidate(await bearer('PARTNER without org', { role: Role.PARTNER })),
    ...invalidate(await bearer('unknown role', { role: 'ROOT' as Role })),
    ...invalidate(await bearer('unknown purpose', { role: Role.ANALYST, purpose: 'MARKETING' as ConsentPurpose })),
    ...invalidate(await bearer('org not an id', { role: Role.PARTNER, org: 'Helix' })),
    { label: 'expired ADMIN', authorization: `Bearer ${await mint({ role: Role.ADMIN }, '-1m')}`, valid: false },
    { label: 'ADMIN of another secret', authorization: `Bearer ${await mintDevToken({ role: Role.ADMIN }, { ...config, jwtSecret: 'z'.repeat(40) })}`, valid: false },
    { label: 'alg none', authorization: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', role: 'ADMIN', exp: 4102444800 })}.`, valid: false },
    { label: 'tampered ADMIN', authorization: `Bearer ${admin.split('.')[0]}.${b64({ sub: 'x', role: 'ADMIN', exp: 4102444800 })}.${admin.split('.')[2]}`, valid: false },
    { label: 'lowercase bearer', authorization: `bearer ${admin}`, valid: true },
    { label: 'Bearer', authorization: 'Bearer', valid: false },
    { label: 'Bearer ', authorization: 'Bearer   ', valid: false },
    { label: 'Basic', authorization: 'Basic YWRtaW46YWRtaW4=', valid: false },
    { label: 'two tokens', authorization: `Bearer ${admin} ${admin}`, valid: false },
    { label: 'garbage JWT', authorization: 'Bearer a.b.c', valid: false },
    { label: 'not a JWT', authorization: `Bearer ${'x'.repeat(300)}`, valid: false },
    { label: 'unicode header', authorization: 'Bearer t\u00f6ken', valid: false },
  ];
}

/** Real cursors of a few lists, as ADMIN and as a partner (cursors are sealed for the viewer). */
async function harvestCursors(url: string, tokens: FuzzToken[]): Promise<string[]> {
  const cursors: string[] = [];
  const query = `{ stakeholders(first: 3) { edges { cursor } } partnerships(first: 1) { edges { cursor } }
    interactions(first: 1) { edges { cursor } } affiliations(first: 1) { edges { cursor } } commitments(first: 1) { edges { cursor } } }`;
  for (const label of ['ADMIN', 'NorthCo PARTNER']) {
    const token = tokens.find((t) => t.label === label);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: token?.authorization ?? '' },
      body: JSON.stringify({ query }),
    });
    const json = (await response.json()) as { data?: Record<string, { edges: { cursor: string }[] }> };
    for (const connection of Object.values(json.data ?? {})) for (const edge of connection?.edges ?? []) cursors.push(edge.cursor);
  }
  return cursors;
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

let app: TestApp;
let server: FuzzServer;
let world: FuzzWorld;
let pool: FuzzPool;

beforeAll(async () => {
  app = await createTestApp();
  world = await buildWorld(app.db);
  server = await startServer(app.db);
  const tokens = await tokensFor(world, server.config);
  pool = {
    schema: buildSchema(readFileSync(path.join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8')),
    ids: world.ids,
    cursors: await harvestCursors(server.url, tokens),
    tokens,
  };
}, 30_000);

afterAll(async () => {
  await server?.stop();
  await app?.close();
});

async function adminPost(query: string, variables?: Record<string, unknown>): Promise<{ status: number; json: { data?: Record<string, unknown> | null; errors?: unknown[] } }> {
  const token = pool.tokens.find((t) => t.label === 'ADMIN')?.authorization as string;
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, json: (await response.json()) as never };
}

/** What the run saw, for the failure message (and FUZZ_VERBOSE=1). */
class Stats {
  sent = 0;
  executed = 0;
  readonly statuses = new Map<number, number>();
  readonly codes = new Map<string, number>();
  readonly messages = new Map<string, number>();
  readonly shapes = new Map<string, number>();
  slowest = { ms: 0, index: -1 };

  record(index: number, request: FuzzRequest, response: FuzzResponse): void {
    const bump = <K>(map: Map<K, number>, key: K): void => void map.set(key, (map.get(key) ?? 0) + 1);
    this.sent += 1;
    bump(this.statuses, response.status);
    bump(this.shapes, `${request.kind} ${response.status}`);
    if (response.ms > this.slowest.ms) this.slowest = { ms: response.ms, index };
    let json: { data?: unknown; errors?: { message?: unknown; extensions?: { code?: unknown } }[] };
    try {
      json = JSON.parse(response.text) as typeof json;
    } catch {
      return; // not JSON: problemsOf judges whether it should have been
    }
    if (json?.data) this.executed += 1;
    for (const e of Array.isArray(json?.errors) ? json.errors : []) {
      bump(this.codes, String(e?.extensions?.code));
      bump(this.messages, `${String(e?.extensions?.code)} ${String(e?.message).replace(/"[^"]*"/g, '"…"').slice(0, 100)}`);
    }
  }

  summary(elapsed: number): string {
    return (
      `seed ${SEED}: ${this.sent} requests in ${elapsed} ms, ${this.executed} answered with data; ` +
      `HTTP ${JSON.stringify(Object.fromEntries(this.statuses))}; error codes ${JSON.stringify(Object.fromEntries(this.codes))}; ` +
      `slowest #${this.slowest.index} (${this.slowest.ms} ms)`
    );
  }

  details(): string {
    const table = (map: Map<string, number>, sort: (a: [string, number], b: [string, number]) => number): string =>
      [...map.entries()].sort(sort).map(([k, n]) => `${String(n).padStart(5)} ${k}`).join('\n');
    return `by request shape and status:\n${table(this.shapes, (a, b) => a[0].localeCompare(b[0]))}\nmost frequent errors:\n${table(this.messages, (a, b) => b[1] - a[1])}`;
  }
}

describe(`HTTP fuzz (seed ${SEED}, ${RUNS} random requests and the sweep)`, () => {
  let sentinelBefore: Record<string, unknown>;
  let countsBefore: Record<string, number>;

  it('answers every request with HTTP < 500, a stable code, no INTERNAL_SERVER_ERROR and no leaked internals', async () => {
    sentinelBefore = await snapshot(app.db, world.sentinel);
    countsBefore = await counts(app.db);
    expect(Object.values(sentinelBefore).every((row) => row !== null)).toBe(true);

    // The random walk, then the sweep (every root field and each of its relations, wide). The
    // indexes are those of this list: FUZZ_ONLY replays one (with the same FUZZ_SEED and FUZZ_RUNS).
    const random = fc.sample(requestArbitrary(pool), { seed: SEED, numRuns: RUNS });
    const [sweep] = fc.sample(sweepArbitrary(pool), { seed: SEED, numRuns: 1 });
    const requests = [...random, ...sweep];

    const failures: { index: number; request: FuzzRequest; response: FuzzResponse; problems: string[]; log: string[] }[] = [];
    const stats = new Stats();
    const started = Date.now();
    server.drainLog();
    for (const [index, request] of requests.entries()) {
      if (ONLY !== undefined && index !== ONLY) continue;
      if (Date.now() - started > BUDGET_MS) {
        console.warn(`fuzz: the time budget of ${BUDGET_MS} ms was spent after ${stats.sent} of ${requests.length} requests (seed ${SEED})`);
        break;
      }
      const responses = await Promise.all(Array.from({ length: request.burst ?? 1 }, () => send(server.url, request, REQUEST_TIMEOUT_MS)));
      const log = server.drainLog();
      for (const response of responses) {
        stats.record(index, request, response);
        if (process.env.FUZZ_DUMP) appendFileSync(process.env.FUZZ_DUMP, `${JSON.stringify({ index, request, status: response.status, response: response.text })}\n`);
      }
      const problems = [...new Set([...responses.flatMap((r) => problemsOf(request, r)), ...(request.burst ? burstProblems(responses) : [])])];
      const worst = responses.find((r) => problemsOf(request, r).length > 0) ?? responses[0];
      if (problems.length > 0) failures.push({ index, request, response: worst, problems, log });
    }
    const summary = stats.summary(Date.now() - started);
    if (process.env.FUZZ_VERBOSE) console.log(`${summary}\n${stats.details()}`);

    // Each distinct problem once (with how often it came up), its smallest request as the reproducer.
    const groups = new Map<string, typeof failures>();
    for (const failure of failures) {
      const key = signatureOf(failure.request, failure.problems, failure.log);
      groups.set(key, [...(groups.get(key) ?? []), failure]);
    }
    const size = (f: (typeof failures)[number]): number => (f.request.body ?? '').length + f.request.search.length;
    const replay = `FUZZ_SEED=${SEED}${RUNS === DEFAULT_RUNS ? '' : ` FUZZ_RUNS=${RUNS}`}`;
    const report = [...groups.values()].map((group) => {
      const [smallest, ...others] = [...group].sort((a, b) => size(a) - size(b));
      const more = others.length > 0 ? `\n  (${others.length} more like it: #${others.map((f) => f.index).slice(0, 20).join(', #')})` : '';
      return describeFailure(smallest.index, replay, smallest.request, smallest.response, smallest.problems, smallest.log) + more;
    });
    if (report.length > 0) {
      throw new Error(`${failures.length} of ${stats.sent} requests failed, ${groups.size} distinct problem(s) (${summary}):\n\n${report.join('\n\n')}`);
    }
  }, 60_000);

  it('still answers afterwards, and rows no request could name are untouched', async () => {
    const health = await adminPost('{ health { ok } }');
    expect(health.json).toEqual({ data: { health: { ok: true } } });
    expect(await snapshot(app.db, world.sentinel)).toEqual(sentinelBefore);
    // No operation deletes rows (archiving, withdrawing, ending and leaving keep them).
    const countsAfter = await counts(app.db);
    for (const table of TABLES) expect({ table, atLeast: countsAfter[table] >= countsBefore[table] }).toEqual({ table, atLeast: true });
    const sentinel = await adminPost(
      'query ($id: ID!) { stakeholder(id: $id) { name kind country ... on Company { partnerships { title } contracts { title value { amount currency } } } } }',
      { id: toGlobalId('Stakeholder', world.sentinelCompanyId) },
    );
    expect(sentinel.json).toEqual({
      data: {
        stakeholder: {
          name: 'Sentinel Pharma',
          kind: 'COMPANY',
          country: 'CH',
          partnerships: [{ title: 'Sentinel board' }],
          contracts: [{ title: 'Sentinel contract', value: { amount: 1000, currency: 'CHF' } }],
        },
      },
    });
  });
});
