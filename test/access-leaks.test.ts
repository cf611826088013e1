import { randomBytes, randomUUID } from 'node:crypto';
import { getNamedType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import type * as Jose from 'jose';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityTarget, ObjectLiteral } from 'typeorm';
import { FIELDS, type SensitiveType } from '../src/access/policy';
import { createTokenVerifier, mintDevToken } from '../src/access/token';
import { Role, type Viewer } from '../src/access/viewer';
import { loadConfig } from '../src/config';
import { fromGlobalId, toGlobalId } from '../src/graphql/global-id';
import { buildBareSchema } from '../src/graphql/schema';
import { startHttpServer, type HttpServer } from '../src/http/server';
import { ConsentPurpose } from '../src/modules/consent/consent.entity';
import { Contract, ContractPartyRole } from '../src/modules/contract/contract.entity';
import { Interaction, InteractionKind } from '../src/modules/interaction/interaction.entity';
import { MemberRole, PartnershipMember, PartnershipVisibility } from '../src/modules/partnership/partnership.entity';
import { Stakeholder, StakeholderKind } from '../src/modules/stakeholder/stakeholder.entity';
import { requireEsm } from '../src/shared/esm';
import { dayFromToday } from './support/affiliation.factories';
import { admin, createTestApp, dataOf, viewerOf, type GqlResult, type TestApp } from './support/app';
import { cid, makeCommitment } from './support/commitment.factories';
import { ctid, makeContract } from './support/contract.factories';
import { gid, makeStakeholder } from './support/factories';
import { iid, makeInteraction } from './support/interaction.factories';
import { makePartnership, pid } from './support/partnership.factories';
import { buildPermissionWorld, type PermissionWorld } from './support/permission-world';

/**
 * The leaks of the access layer (DESIGN §3 as updated for the access-layer redesign), one `it`
 * per case, named after the leak's letter. Every A–G case fails on the code before the redesign
 * because the leak is there; the sanity and positive-control cases pass before and after. H walks
 * the whole field policy (src/access/policy.ts) with planted values, so that a field classified
 * later is tested without touching this file.
 */
const jose = requireEsm<typeof Jose>('jose');
const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) });
const SECRET = new TextEncoder().encode(config.jwtSecret as string);

let app: TestApp;
let http: HttpServer;
let schema: GraphQLSchema;
beforeAll(async () => {
  app = await createTestApp();
  http = await startHttpServer({ db: app.db, verifyToken: createTokenVerifier(config), config, port: 0, host: '127.0.0.1' });
  schema = await buildBareSchema();
});
afterAll(async () => {
  await http.stop();
  await app.close();
});

const newTag = (): string => randomBytes(4).toString('hex');
/** The raw text a client receives, for "must not appear anywhere" checks. */
const text = (result: unknown): string => JSON.stringify(result);
const partner = (org: Stakeholder): Viewer => viewerOf(Role.PARTNER, { orgId: org.id });
const manager = (org: Stakeholder): Viewer => viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id });
const patientLogin = (patient: Stakeholder): Viewer => viewerOf(Role.PATIENT, { patientId: patient.id });
const company = (tag: string, label: string, fields: Partial<Stakeholder> = {}): Promise<Stakeholder> =>
  makeStakeholder(app.db, StakeholderKind.COMPANY, { name: `${label} ${tag}`, ...fields });
const patientOrganisation = (tag: string, label: string): Promise<Stakeholder> =>
  makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: `${label} ${tag}` });
const patient = (tag: string, label: string, fields: Partial<Stakeholder> = {}): Promise<Stakeholder> =>
  makeStakeholder(app.db, StakeholderKind.PATIENT, { pseudonym: `${label}-${tag}`, ...fields });

// ─── A. Token claims are checked against the role at the HTTP edge ─────────────────────────────

interface HttpAnswer {
  status: number;
  json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(token: string, query: string, variables: Record<string, unknown> = {}): Promise<HttpAnswer> {
  const response = await fetch(http.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, json: (await response.json()) as HttpAnswer['json'] };
}

/** A token signed with the configured secret, with exactly these claims (and `exp` unless told). */
async function sign(claims: Record<string, unknown>, options: { exp?: boolean } = {}): Promise<string> {
  let jwt = new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(`leak-${newTag()}`).setIssuedAt();
  if (options.exp !== false) jwt = jwt.setExpirationTime('10m');
  return jwt.sign(SECRET);
}

/** What a refused request looks like, in one object so that a failure shows the whole answer. */
const refusal = (answer: HttpAnswer) => ({
  status: answer.status,
  code: answer.json.errors?.[0]?.extensions?.code,
  data: answer.json.data ?? null,
  clearMessage: /token|claim/i.test(answer.json.errors?.[0]?.message ?? ''),
});
const REFUSED = { status: 401, code: 'UNAUTHENTICATED', data: null, clearMessage: true };

interface ClaimWorld {
  company: Stakeholder;
  archivedCompany: Stakeholder;
  patientOrg: Stakeholder;
  patient: Stakeholder;
}

async function buildClaimWorld(): Promise<ClaimWorld> {
  const tag = newTag();
  return {
    company: await company(tag, 'ClaimCo'),
    archivedCompany: await company(tag, 'Archived ClaimCo', { archivedAt: new Date() }),
    patientOrg: await patientOrganisation(tag, 'Claim patients'),
    patient: await patient(tag, 'claim-patient'),
  };
}

const WHO = '{ viewer { role } }';
const PC = ConsentPurpose.PARTNERSHIP_COORDINATION;

const CLAIM_CASES: { name: string; claims: (w: ClaimWorld) => Record<string, unknown> }[] = [
  { name: 'A: a PATIENT token with an org claim is refused with 401', claims: (w) => ({ role: 'PATIENT', patient: gid(w.patient), org: gid(w.company) }) },
  { name: "A: an ENGAGEMENT_MANAGER token whose org is a patient's id is refused with 401", claims: (w) => ({ role: 'ENGAGEMENT_MANAGER', org: gid(w.patient) }) },
  { name: 'A: a PARTNER token with a patient claim is refused with 401', claims: (w) => ({ role: 'PARTNER', org: gid(w.company), patient: gid(w.patient) }) },
  { name: 'A: an ANALYST token with a patient claim is refused with 401', claims: (w) => ({ role: 'ANALYST', patient: gid(w.patient) }) },
  { name: 'A: a PARTNER token whose org names no stakeholder is refused with 401', claims: () => ({ role: 'PARTNER', org: randomUUID() }) },
  { name: 'A: an ENGAGEMENT_MANAGER token whose org names no stakeholder is refused with 401', claims: () => ({ role: 'ENGAGEMENT_MANAGER', org: randomUUID() }) },
  { name: 'A: a PARTNER token whose org is archived is refused with 401', claims: (w) => ({ role: 'PARTNER', org: gid(w.archivedCompany) }) },
  { name: 'A: an ENGAGEMENT_MANAGER token whose org is archived is refused with 401', claims: (w) => ({ role: 'ENGAGEMENT_MANAGER', org: gid(w.archivedCompany) }) },
  { name: 'A: a PATIENT token whose patient claim names an organisation is refused with 401', claims: (w) => ({ role: 'PATIENT', patient: gid(w.patientOrg) }) },
  // A valid purpose is given, so that only the role itself can be the reason for the refusal.
  { name: 'A: a token with role "constructor" is refused with 401', claims: (w) => ({ role: 'constructor', org: gid(w.company), purpose: PC }) },
  { name: 'A: a token with role "__proto__" is refused with 401', claims: (w) => ({ role: '__proto__', org: gid(w.company), purpose: PC }) },
  { name: 'A: a token with role "toString" is refused with 401', claims: (w) => ({ role: 'toString', org: gid(w.company), purpose: PC }) },
  { name: 'A: a token with purpose "constructor" is refused with 401', claims: (w) => ({ role: 'PARTNER', org: gid(w.company), purpose: 'constructor' }) },
];

describe('A. token claims', () => {
  it.each(CLAIM_CASES)('$name', async ({ claims }) => {
    const w = await buildClaimWorld();
    expect(refusal(await post(await sign(claims(w)), WHO))).toEqual(REFUSED);
  });

  it("A: an ENGAGEMENT_MANAGER token whose org is a patient's id cannot update that patient: 401 and the email is unchanged", async () => {
    const w = await buildClaimWorld();
    const before = await app.db.getRepository(Stakeholder).findOneByOrFail({ id: w.patient.id });
    const token = await sign({ role: 'ENGAGEMENT_MANAGER', org: gid(w.patient) });
    const answer = await post(
      token,
      `mutation ($id: ID!, $version: Int!) {
        updateStakeholder(input: { id: $id, version: $version, email: "x@example.org" }) { stakeholder { id } userErrors { code } }
      }`,
      { id: gid(w.patient), version: before.version },
    );
    const after = await app.db.getRepository(Stakeholder).findOneByOrFail({ id: w.patient.id });
    expect({ ...refusal(answer), email: after.email, version: after.version }).toEqual({ ...REFUSED, email: before.email, version: before.version });
  });

  it('A: a token without exp is refused with 401', async () => {
    const w = await buildClaimWorld();
    const token = await sign({ role: 'PARTNER', org: gid(w.company) }, { exp: false });
    expect(jose.decodeJwt(token).exp).toBeUndefined();
    expect(refusal(await post(token, WHO))).toEqual(REFUSED);
  });

  it('A (sanity): a dev token minted by mintDevToken carries exp and works', async () => {
    const w = await buildClaimWorld();
    const token = await mintDevToken({ role: Role.PARTNER, org: gid(w.company), sub: `dev-${newTag()}` }, config);
    expect(typeof jose.decodeJwt(token).exp).toBe('number');
    const answer = await post(token, WHO);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ data: { viewer: { role: 'PARTNER' } } });
  });

  it('A (sanity): a valid PATIENT token (patient claim only) works', async () => {
    const w = await buildClaimWorld();
    const answer = await post(await sign({ role: 'PATIENT', patient: gid(w.patient) }), WHO);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ data: { viewer: { role: 'PATIENT' } } });
  });

  it('A (sanity): a valid PARTNER token (org = a company) works', async () => {
    const w = await buildClaimWorld();
    const answer = await post(await sign({ role: 'PARTNER', org: gid(w.company) }), WHO);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ data: { viewer: { role: 'PARTNER' } } });
  });
});

// ─── B. No path leads from metrics to a record ─────────────────────────────────────────────────

interface MetricsWorld {
  partnershipTitle: string;
  pseudonym: string;
  commitmentTitle: string;
}

/**
 * An ALLIANCE partnership (visible to everyone) of a company, nine other companies (so that the
 * company ranks high by degree) and a patient, with the company's commitment due in ten days.
 */
async function buildMetricsWorld(): Promise<MetricsWorld> {
  const tag = newTag();
  const lead = await company(tag, 'AAA Metrics lead');
  const others = await Promise.all(Array.from({ length: 9 }, (_, i) => company(tag, `Metrics peer ${i}`)));
  const member = await patient(tag, 'metrics-patient');
  const partnershipTitle = `Metrics alliance ${tag}`;
  const { partnership } = await makePartnership(
    app.db,
    [
      { stakeholder: lead, role: MemberRole.LEAD },
      ...others.map((stakeholder) => ({ stakeholder })),
      { stakeholder: member, role: MemberRole.PATIENT_PARTNER },
    ],
    { title: partnershipTitle, visibility: PartnershipVisibility.ALLIANCE },
  );
  const commitmentTitle = `Metrics pledge ${tag}`;
  await makeCommitment(app.db, lead, { partnershipId: partnership.id, title: commitmentTitle, dueDate: dayFromToday(10) });
  return { partnershipTitle, pseudonym: member.pseudonym as string, commitmentTitle };
}

const RELATION_KEYS = new Set(['members', 'commitments', 'partnerships', 'affiliations', 'memberships', 'participants', 'parties', 'contracts', 'interactions']);

/** Paths of the objects under `value` that hold a relation with data (a non-empty list or an object). */
function relationsWithData(value: unknown, path = 'metrics'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => relationsWithData(item, `${path}.${i}`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const here = `${path}.${key}`;
    const holds = RELATION_KEYS.has(key) && child !== null && (Array.isArray(child) ? child.length > 0 : typeof child === 'object');
    return [...(holds ? [here] : []), ...relationsWithData(child, here)];
  });
}

const METRICS_CASES: { name: string; query: string }[] = [
  {
    name: 'B: ANALYST reaches no partnership, member or commitment through metrics.commitmentFulfilmentByPartnership',
    query: `{ metrics { commitmentFulfilmentByPartnership { partnership { title members { stakeholder { ... on Patient { pseudonym } } } commitments { title } } } } }`,
  },
  {
    name: 'B: ANALYST reaches no relation through metrics.commitmentFulfilmentByOrganisation (the selection of the brief)',
    query: `{ metrics { commitmentFulfilmentByOrganisation { organisation { name ... on Company { partnerships { totalCount } affiliations { kind } } } } } }`,
  },
  {
    name: 'B: ANALYST reaches no relation through metrics.commitmentFulfilmentByOrganisation (a selection valid on the current schema)',
    query: `{ metrics { commitmentFulfilmentByOrganisation { organisation { name ... on Company { partnerships { title members { stakeholder { ... on Patient { pseudonym } } } commitments { title } } affiliations { kind } } } } } }`,
  },
  {
    name: 'B: ANALYST reaches no relation through metrics.network.topByDegree (the selection of the brief)',
    query: `{ metrics { network { topByDegree(first: 50) { stakeholder { name ... on Company { partnerships { totalCount edges { node { title } } } } } } } } }`,
  },
  {
    name: 'B: ANALYST reaches no relation through metrics.network.topByDegree (a selection valid on the current schema)',
    query: `{ metrics { network { topByDegree(first: 50) { stakeholder { name ... on Company { partnerships { title commitments { title } } } } } } } }`,
  },
];

describe('B. metrics', () => {
  it.each(METRICS_CASES)('$name', async ({ query }) => {
    const w = await buildMetricsWorld();
    const result = await app.run<{ metrics?: unknown }>(query, {}, viewerOf(Role.ANALYST));
    const raw = text(result);
    const leaked = [w.partnershipTitle, w.pseudonym, w.commitmentTitle].filter((planted) => raw.includes(planted));
    expect({ leaked, relations: relationsWithData(result.data?.metrics ?? null) }).toEqual({ leaked: [], relations: [] });
  });
});

// ─── C. Interactions and commitments without a partnership ─────────────────────────────────────

interface UnpartneredWorld {
  tag: string;
  /** Patient organisation that recorded the advisory board (not a participant). */
  recorder: Stakeholder;
  /** Company that took part. */
  participantCo: Stakeholder;
  participantPatient: Stakeholder;
  interaction: Interaction;
  summary: string;
  /** Commitment of `committer` to the patient organisation `beneficiaryOrg`, and one to `beneficiaryPatient`. */
  committer: Stakeholder;
  beneficiaryOrg: Stakeholder;
  beneficiaryPatient: Stakeholder;
  toOrg: string;
  toPatient: string;
  titles: string[];
  unrelated: Stakeholder;
}

/** DESIGN §3's example: a patient organisation's advisory board with a patient, in no partnership; and two commitments in none. */
async function buildUnpartneredWorld(): Promise<UnpartneredWorld> {
  const tag = newTag();
  const recorder = await patientOrganisation(tag, 'Duchenne UK-like');
  const participantCo = await company(tag, 'Myo Therapeutics');
  const participantPatient = await patient(tag, 'dmd-advisor');
  const summary = `Advisory board in Duchenne muscular dystrophy ${tag}`;
  const interaction = await makeInteraction(app.db, [participantCo, participantPatient], {
    kind: InteractionKind.ADVISORY_BOARD,
    summary,
    recordedByOrgId: recorder.id,
    recordedByUser: `recorder-${tag}`,
  });
  const committer = await company(tag, 'Committing Co');
  const beneficiaryOrg = await patientOrganisation(tag, 'Beneficiary patients');
  const beneficiaryPatient = await patient(tag, 'beneficiary');
  const titles = [`Fund the registry ${tag}`, `Share trial results ${tag}`];
  const toOrg = await makeCommitment(app.db, committer, { beneficiaryId: beneficiaryOrg.id, title: titles[0] });
  const toPatient = await makeCommitment(app.db, committer, { beneficiaryId: beneficiaryPatient.id, title: titles[1] });
  const unrelated = await company(tag, 'Unrelated Co');
  return {
    tag,
    recorder,
    participantCo,
    participantPatient,
    interaction,
    summary,
    committer,
    beneficiaryOrg,
    beneficiaryPatient,
    toOrg: cid(toOrg),
    toPatient: cid(toPatient),
    titles,
    unrelated,
  };
}

type UnrelatedRole = 'PARTNER' | 'ENGAGEMENT_MANAGER';
const unrelatedViewer = (w: UnpartneredWorld, role: UnrelatedRole): Viewer => (role === 'PARTNER' ? partner(w.unrelated) : manager(w.unrelated));

interface HiddenPath {
  path: string;
  /** What the unrelated viewer is sent and must get back: the actual answer is compared with `expected`. */
  check: (w: UnpartneredWorld, viewer: Viewer) => Promise<{ actual: unknown; expected: unknown; traces: string[]; raw: string }>;
}

const INTERACTION_PATHS: HiddenPath[] = [
  {
    path: 'interaction(id)',
    check: async (w, viewer) => {
      const result = await app.run<{ interaction: unknown }>(
        `query ($id: ID!) { interaction(id: $id) { id summary participants { name ... on Patient { pseudonym } } } }`,
        { id: iid(w.interaction) },
        viewer,
      );
      return { actual: dataOf(result).interaction, expected: null, traces: [w.summary, w.participantPatient.pseudonym as string], raw: text(result) };
    },
  },
  {
    path: 'interactions list and totalCount',
    check: async (w, viewer) => {
      const result = await app.run<{ interactions: { totalCount: number; nodes: { id: string }[] } }>(
        `query ($co: ID!) { interactions(first: 100, filter: { participantId: $co }) { totalCount nodes { id summary } } }`,
        { co: gid(w.participantCo) },
        viewer,
      );
      return { actual: dataOf(result).interactions, expected: { totalCount: 0, nodes: [] }, traces: [w.summary, iid(w.interaction)], raw: text(result) };
    },
  },
  {
    path: "a participant's interactions relation",
    check: async (w, viewer) => {
      const result = await app.run<{ stakeholder: { interactions: unknown[] } }>(
        `query ($co: ID!) { stakeholder(id: $co) { interactions(first: 100) { id summary } } }`,
        { co: gid(w.participantCo) },
        viewer,
      );
      return { actual: dataOf(result).stakeholder.interactions, expected: [], traces: [w.summary, iid(w.interaction)], raw: text(result) };
    },
  },
  {
    path: 'node(id)',
    check: async (w, viewer) => {
      const result = await app.run<{ node: unknown }>(
        `query ($id: ID!) { node(id: $id) { id ... on Interaction { summary participants { name } } } }`,
        { id: iid(w.interaction) },
        viewer,
      );
      return { actual: dataOf(result).node, expected: null, traces: [w.summary, w.participantPatient.pseudonym as string], raw: text(result) };
    },
  },
];

const COMMITMENT_PATHS: HiddenPath[] = [
  {
    path: 'commitment(id)',
    check: async (w, viewer) => {
      const query = `query ($id: ID!) { commitment(id: $id) { id title } }`;
      const results = [await app.run<{ commitment: unknown }>(query, { id: w.toOrg }, viewer), await app.run<{ commitment: unknown }>(query, { id: w.toPatient }, viewer)];
      return { actual: results.map((r) => dataOf(r).commitment), expected: [null, null], traces: w.titles, raw: text(results) };
    },
  },
  {
    path: 'commitments list and totalCount',
    check: async (w, viewer) => {
      const result = await app.run<{ commitments: unknown }>(
        `query ($co: ID!) { commitments(first: 100, filter: { committerId: $co }) { totalCount nodes { id title } } }`,
        { co: gid(w.committer) },
        viewer,
      );
      return { actual: dataOf(result).commitments, expected: { totalCount: 0, nodes: [] }, traces: w.titles, raw: text(result) };
    },
  },
  {
    path: "the committer's commitments relation",
    check: async (w, viewer) => {
      const result = await app.run<{ stakeholder: { commitments: unknown[] } }>(
        `query ($co: ID!) { stakeholder(id: $co) { commitments { id title } } }`,
        { co: gid(w.committer) },
        viewer,
      );
      return { actual: dataOf(result).stakeholder.commitments, expected: [], traces: w.titles, raw: text(result) };
    },
  },
  {
    path: 'node(id)',
    check: async (w, viewer) => {
      const query = `query ($id: ID!) { node(id: $id) { id ... on Commitment { title } } }`;
      const results = [await app.run<{ node: unknown }>(query, { id: w.toOrg }, viewer), await app.run<{ node: unknown }>(query, { id: w.toPatient }, viewer)];
      return { actual: results.map((r) => dataOf(r).node), expected: [null, null], traces: w.titles, raw: text(results) };
    },
  },
];

const ROLES: UnrelatedRole[] = ['PARTNER', 'ENGAGEMENT_MANAGER'];
const hiddenRows = (what: string, paths: HiddenPath[]) =>
  ROLES.flatMap((role) => paths.map((p) => ({ name: `C: ${what} with no partnership is hidden from an unrelated organisation's ${role}: ${p.path}`, role, check: p.check })));

describe('C. interactions and commitments without a partnership', () => {
  it.each([...hiddenRows('an interaction', INTERACTION_PATHS), ...hiddenRows('a commitment', COMMITMENT_PATHS)])('$name', async ({ role, check }) => {
    const w = await buildUnpartneredWorld();
    const { actual, expected, traces, raw } = await check(w, unrelatedViewer(w, role));
    expect({ actual, leaked: traces.filter((t) => raw.includes(t)) }).toEqual({ actual: expected, leaked: [] });
  });

  const INTERACTION_SEEN_BY: [string, (w: UnpartneredWorld) => Viewer][] = [
    ["a participant organisation's PARTNER", (w) => partner(w.participantCo)],
    ["the recording organisation's PARTNER", (w) => partner(w.recorder)],
    ['the participating patient', (w) => patientLogin(w.participantPatient)],
    ['ADMIN', () => admin()],
  ];
  it.each(INTERACTION_SEEN_BY)('C (positive control): %s sees the interaction without a partnership', async (_who, viewerIn) => {
    const w = await buildUnpartneredWorld();
    const result = await app.run<{ interaction: { id: string; summary: string } | null }>(
      `query ($id: ID!) { interaction(id: $id) { id summary } }`,
      { id: iid(w.interaction) },
      viewerIn(w),
    );
    expect(dataOf(result).interaction).toEqual({ id: iid(w.interaction), summary: w.summary });
  });

  const COMMITMENT_SEEN_BY: [string, (w: UnpartneredWorld) => Viewer, (w: UnpartneredWorld) => string[]][] = [
    ["the committer's PARTNER", (w) => partner(w.committer), (w) => [w.toOrg, w.toPatient]],
    ["the beneficiary organisation's PARTNER", (w) => partner(w.beneficiaryOrg), (w) => [w.toOrg]],
    ['the beneficiary patient', (w) => patientLogin(w.beneficiaryPatient), (w) => [w.toPatient]],
    ['ADMIN', () => admin(), (w) => [w.toOrg, w.toPatient]],
  ];
  it.each(COMMITMENT_SEEN_BY)('C (positive control): %s sees the commitment without a partnership', async (_who, viewerIn, ids) => {
    const w = await buildUnpartneredWorld();
    const viewer = viewerIn(w);
    for (const id of ids(w)) {
      const result = await app.run<{ commitment: { id: string } | null }>(`query ($id: ID!) { commitment(id: $id) { id } }`, { id }, viewer);
      expect(dataOf(result).commitment).toEqual({ id });
    }
  });
});

// ─── D. The pseudonym is identity ──────────────────────────────────────────────────────────────

interface MemberOut {
  stakeholder: { __typename: string; id: string; name: string; pseudonym: string | null; redactedFields: string[] };
}
const PA_MEMBERS = `query ($pa: ID!) {
  partnership(id: $pa) { members { stakeholder { __typename id name ... on Patient { pseudonym redactedFields } } } }
}`;

/** P1 as `viewer` sees it among PA's members (PA is ALLIANCE: every viewer sees it), and the raw response. */
async function p1AmongMembers(pw: PermissionWorld, viewer: Viewer): Promise<{ p1: MemberOut['stakeholder']; raw: string }> {
  const result = await app.run<{ partnership: { members: MemberOut[] } }>(PA_MEMBERS, { pa: pid(pw.pa) }, viewer);
  const patients = dataOf(result).partnership.members.filter((m) => m.stakeholder.__typename === 'Patient');
  expect(patients).toHaveLength(1);
  return { p1: patients[0].stakeholder, raw: text(result) };
}

describe('D. the pseudonym', () => {
  it("D: a viewer who may not read P1's identity (NorthCo PARTNER) gets pseudonym null, listed in redactedFields, a neutral name and an rp_ id", async () => {
    const pw = await buildPermissionWorld(app.db);
    const { p1, raw } = await p1AmongMembers(pw, pw.viewers['NorthCo PARTNER']);
    expect({
      pseudonym: p1.pseudonym,
      pseudonymRedacted: p1.redactedFields.includes('pseudonym'),
      nameIsPseudonym: p1.name === pw.p1.pseudonym,
      pseudonymAnywhere: raw.includes(pw.p1.pseudonym as string),
      redactedId: p1.id.startsWith('rp_'),
    }).toEqual({ pseudonym: null, pseudonymRedacted: true, nameIsPseudonym: false, pseudonymAnywhere: false, redactedId: true });
  });

  it('D: two organisations without consent get different ids for P1 and neither sees the pseudonym, so they cannot join', async () => {
    const pw = await buildPermissionWorld(app.db);
    const south = await company(newTag(), 'SouthCo');
    const north = await p1AmongMembers(pw, pw.viewers['NorthCo PARTNER']);
    const southSeen = await p1AmongMembers(pw, partner(south));
    expect(north.p1.id).not.toBe(southSeen.p1.id);
    expect({ north: north.p1.pseudonym, south: southSeen.p1.pseudonym, anywhere: [north.raw, southSeen.raw].some((r) => r.includes(pw.p1.pseudonym as string)) }).toEqual({
      north: null,
      south: null,
      anywhere: false,
    });
  });

  it("D: searching stakeholders by P1's pseudonym as NorthCo PARTNER finds nothing", async () => {
    const pw = await buildPermissionWorld(app.db);
    const result = await app.run<{ stakeholders: { totalCount: number; nodes: unknown[] } }>(
      `query ($search: String!) { stakeholders(filter: { search: $search }) { totalCount nodes { id name } } }`,
      { search: pw.p1.pseudonym },
      pw.viewers['NorthCo PARTNER'],
    );
    expect(dataOf(result).stakeholders).toEqual({ totalCount: 0, nodes: [] });
    expect(text(result)).not.toContain(pw.p1.pseudonym);
  });

  it.each(['HelixCo PARTNER', 'PATIENT P1', 'ADMIN'] as const)('D (positive control): %s sees the pseudonym, not listed in redactedFields', async (viewer) => {
    const pw = await buildPermissionWorld(app.db);
    const { p1 } = await p1AmongMembers(pw, pw.viewers[viewer]);
    expect(p1.pseudonym).toBe(pw.p1.pseudonym);
    expect(p1.redactedFields).not.toContain('pseudonym');
  });
});

// ─── E. An idempotent replay re-checks what the viewer may see ─────────────────────────────────

const PROPOSE = `mutation ($input: ProposePartnershipInput!) {
  proposePartnership(input: $input) { partnership { id title status version } userErrors { code field message } }
}`;
interface ProposeOut {
  proposePartnership: { partnership: { id: string; title: string; status: string; version: number } | null; userErrors: { code: string }[] };
}
const handViewer = (userId: string, org: Stakeholder): Viewer => ({ userId, role: Role.ENGAGEMENT_MANAGER, orgId: org.id, patientId: null, purpose: PC });

describe('E. idempotent replays', () => {
  it('E: replaying proposePartnership after the proposing organisation left the MEMBERS partnership returns NOT_FOUND, not the partnership', async () => {
    const tag = newTag();
    const x = await company(tag, 'Proposer X');
    const y = await company(tag, 'Member Y');
    const viewer = manager(x);
    const title = `Members-only proposal ${tag}`;
    const input = {
      idempotencyKey: `key-${tag}`,
      title,
      type: 'RESEARCH_COLLABORATION',
      visibility: 'MEMBERS',
      members: [
        { stakeholderId: gid(x), role: 'LEAD' },
        { stakeholderId: gid(y), role: 'MEMBER' },
      ],
    };
    const first = dataOf(await app.run<ProposeOut>(PROPOSE, { input }, viewer)).proposePartnership;
    expect(first.userErrors).toEqual([]);
    const created = first.partnership;
    if (!created) throw new Error('the first proposal created nothing');
    // X leaves: the partnership is members-only, so it no longer exists for X's staff.
    const partnershipId = fromGlobalId(created.id, 'Partnership')?.id;
    await app.db.getRepository(PartnershipMember).update({ partnershipId, stakeholderId: x.id }, { leftAt: dayFromToday(0) });
    const seenAfter = dataOf(await app.run<{ partnership: unknown }>(`query ($id: ID!) { partnership(id: $id) { id } }`, { id: created.id }, viewer));
    expect(seenAfter.partnership).toBeNull();

    const replay = await app.run<ProposeOut>(PROPOSE, { input }, viewer);
    const payload = dataOf(replay).proposePartnership;
    expect({ partnership: payload.partnership, codes: payload.userErrors.map((e) => e.code), titleAnywhere: text(replay).includes(title), idAnywhere: text(replay).includes(created.id) }).toEqual({
      partnership: null,
      codes: ['NOT_FOUND'],
      titleAnywhere: false,
      idAnywhere: false,
    });
  });

  it('E: an idempotency key is scoped to (subject, organisation): the same subject acting for another organisation does not get the first result replayed', async () => {
    const tag = newTag();
    const x = await company(tag, 'Org X');
    const y = await company(tag, 'Org Y');
    const z = await company(tag, 'Org Z');
    const sub = `shared-subject-${tag}`;
    const input = {
      idempotencyKey: `key-${tag}`,
      title: `Three-way proposal ${tag}`,
      type: 'CONSORTIUM',
      visibility: 'MEMBERS',
      members: [
        { stakeholderId: gid(x), role: 'LEAD' },
        { stakeholderId: gid(y), role: 'MEMBER' },
        { stakeholderId: gid(z), role: 'MEMBER' },
      ],
    };
    const first = dataOf(await app.run<ProposeOut>(PROPOSE, { input }, handViewer(sub, x))).proposePartnership.partnership;
    if (!first) throw new Error('the first proposal created nothing');
    const second = await app.run<ProposeOut>(PROPOSE, { input }, handViewer(sub, z));
    // Either Z's own record (another id) or a refusal; never X's result.
    expect(text(second)).not.toContain(first.id);
  });
});

// ─── F. A redacted patient's real id opens nothing ─────────────────────────────────────────────

const STAKEHOLDER_OUT = `id name ... on Patient { pseudonym }`;
const unknownStakeholderId = (): string => toGlobalId('Stakeholder', randomUUID());

describe("F. a redacted patient's real id", () => {
  it.each([
    ['node(id)', `query ($id: ID!) { node(id: $id) { ... on Stakeholder { ${STAKEHOLDER_OUT} } } }`],
    ['stakeholder(id)', `query ($id: ID!) { stakeholder(id: $id) { ${STAKEHOLDER_OUT} } }`],
    ['nodes(ids)', `query ($id: ID!) { nodes(ids: [$id]) { ... on Stakeholder { ${STAKEHOLDER_OUT} } } }`],
  ])("F: %s with P1's real id answers NorthCo PARTNER exactly as an unknown id does", async (_path, query) => {
    const pw = await buildPermissionWorld(app.db);
    const viewer = pw.viewers['NorthCo PARTNER'];
    const real = await app.run(query, { id: gid(pw.p1) }, viewer);
    const unknown = await app.run(query, { id: unknownStakeholderId() }, viewer);
    expect(real).toEqual(unknown);
    expect(text(real)).not.toContain(pw.p1.pseudonym);
  });

  it("F: partnerships(filter: { memberId }) with P1's real id finds nothing for NorthCo PARTNER, though P1 is a member of the ALLIANCE partnership PA", async () => {
    const pw = await buildPermissionWorld(app.db);
    const result = await app.run<{ partnerships: { totalCount: number; nodes: { id: string }[] } }>(
      `query ($member: ID!) { partnerships(first: 100, filter: { memberId: $member }) { totalCount nodes { id } } }`,
      { member: gid(pw.p1) },
      pw.viewers['NorthCo PARTNER'],
    );
    expect(dataOf(result).partnerships).toEqual({ totalCount: 0, nodes: [] });
  });

  it("F (positive control): the rp_ id NorthCo PARTNER sees among PA's members opens P1 in node(id) and in partnerships(memberId)", async () => {
    const pw = await buildPermissionWorld(app.db);
    const viewer = pw.viewers['NorthCo PARTNER'];
    const { p1 } = await p1AmongMembers(pw, viewer);
    expect(p1.id.startsWith('rp_')).toBe(true);
    const node = dataOf(await app.run<{ node: { id: string } | null }>(`query ($id: ID!) { node(id: $id) { id } }`, { id: p1.id }, viewer)).node;
    expect(node).toEqual({ id: p1.id });
    const list = dataOf(
      await app.run<{ partnerships: { totalCount: number; nodes: { id: string }[] } }>(
        `query ($member: ID!) { partnerships(first: 100, filter: { memberId: $member }) { totalCount nodes { id } } }`,
        { member: p1.id },
        viewer,
      ),
    ).partnerships;
    expect(list).toEqual({ totalCount: 1, nodes: [{ id: pid(pw.pa) }] });
  });

  it("F (positive control): HelixCo PARTNER (identity consent) opens P1's real id", async () => {
    const pw = await buildPermissionWorld(app.db);
    const result = await app.run<{ node: unknown }>(`query ($id: ID!) { node(id: $id) { id ... on Patient { pseudonym } } }`, { id: gid(pw.p1) }, pw.viewers['HelixCo PARTNER']);
    expect(dataOf(result).node).toEqual({ id: gid(pw.p1), pseudonym: pw.p1.pseudonym });
  });
});

// ─── G. Who recorded an interaction ────────────────────────────────────────────────────────────

interface RecordedWorld {
  recorder: Stakeholder;
  participantOrg: Stakeholder;
  interaction: Interaction;
  user: string;
}

async function buildRecordedWorld(): Promise<RecordedWorld> {
  const tag = newTag();
  const recorder = await company(tag, 'HelixCo-like');
  const participantOrg = await patientOrganisation(tag, 'CFNet-like');
  const user = `helix-staff-${tag}`;
  const interaction = await makeInteraction(app.db, [recorder, participantOrg], { recordedByOrgId: recorder.id, recordedByUser: user, summary: `Call ${tag}` });
  return { recorder, participantOrg, interaction, user };
}

const RECORDED = `query ($id: ID!) { interaction(id: $id) { id recordedByUser redactedFields } }`;
interface RecordedOut {
  interaction: { id: string; recordedByUser: string | null; redactedFields: string[] } | null;
}

describe('G. Interaction.recordedByUser', () => {
  it('G: a participant organisation that did not record the interaction gets recordedByUser null, listed in redactedFields', async () => {
    const w = await buildRecordedWorld();
    const result = await app.run<RecordedOut>(RECORDED, { id: iid(w.interaction) }, partner(w.participantOrg));
    const interaction = dataOf(result).interaction;
    expect({
      visible: interaction !== null,
      recordedByUser: interaction?.recordedByUser,
      listed: interaction?.redactedFields.includes('recordedByUser'),
      anywhere: text(result).includes(w.user),
    }).toEqual({ visible: true, recordedByUser: null, listed: true, anywhere: false });
  });

  it.each([
    ["the recording organisation's PARTNER", (w: RecordedWorld) => partner(w.recorder)],
    ['ADMIN', () => admin()],
  ])('G (positive control): %s sees recordedByUser', async (_who, viewerIn) => {
    const w = await buildRecordedWorld();
    const interaction = dataOf(await app.run<RecordedOut>(RECORDED, { id: iid(w.interaction) }, viewerIn(w))).interaction;
    expect(interaction?.recordedByUser).toBe(w.user);
    expect(interaction?.redactedFields).not.toContain('recordedByUser');
  });
});

// ─── H. Every classified field, with a planted value ───────────────────────────────────────────

/**
 * A distinctive value for each column behind a GraphQL field: the column named like the field, or
 * the columns of a value object stored flat (`value` → `valueAmount`, `valueCurrency`).
 */
function columnsOf(entity: EntityTarget<ObjectLiteral>, field: string): ColumnMetadata[] {
  const columns = app.db
    .getMetadata(entity)
    .columns.filter((c) => c.propertyName === field || (c.propertyName.startsWith(field) && /^[A-Z]/.test(c.propertyName.slice(field.length))));
  if (!columns.length) throw new Error(`no column behind ${field}: teach the H planter where it is stored`);
  return columns;
}

const letters = (n: number): string => Array.from({ length: n }, () => String.fromCharCode(81 + Math.floor(Math.random() * 10))).join('');
const between = (low: number, high: number): number => low + Math.floor(Math.random() * (high - low));

/** A planted value as it must not appear in a response: whole, not as part of a longer word or number. */
const exactly = (value: string): RegExp => new RegExp(`(?<![A-Za-z0-9])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`);

/** A value for `column` nobody else has (numbers within the tables' checks: birth years 1900–2100). */
function plantFor(column: ColumnMetadata, tag: string): { value: unknown; traces: RegExp[] } {
  const type = typeof column.type === 'function' ? column.type.name.toLowerCase() : String(column.type);
  const textValue = `planted-${column.propertyName}-${tag}`;
  if (column.isArray) return { value: [textValue], traces: [exactly(textValue)] };
  if (['text', 'varchar', 'character varying', 'string'].includes(type)) return { value: textValue, traces: [exactly(textValue)] };
  if (['char', 'character'].includes(type)) {
    const value = letters(Number(column.length || 1));
    return { value, traces: [exactly(value)] };
  }
  if (['int', 'integer', 'int4', 'smallint', 'number'].includes(type)) {
    const value = between(1901, 2099);
    return { value, traces: [exactly(String(value))] };
  }
  if (['bigint', 'int8'].includes(type)) {
    const value = between(100_000_000, 999_999_999);
    return { value, traces: [exactly(String(value))] };
  }
  if (type === 'date') {
    const value = `19${between(10, 99)}-0${between(1, 9)}-1${between(0, 9)}`;
    return { value, traces: [exactly(value)] };
  }
  if (['timestamptz', 'timestamp', 'timestamp with time zone'].includes(type)) {
    const value = new Date(Date.UTC(between(1910, 1990), between(0, 11), between(1, 28), 7, 13, 17));
    return { value, traces: [new RegExp(value.toISOString().slice(0, 19))] };
  }
  throw new Error(`no distinctive value for a ${type} column (${column.propertyName})`);
}

function plant(entity: EntityTarget<ObjectLiteral>, field: string, tag: string): { fields: Record<string, unknown>; traces: RegExp[] } {
  const fields: Record<string, unknown> = {};
  const traces: RegExp[] = [];
  for (const column of columnsOf(entity, field)) {
    const planted = plantFor(column, tag);
    fields[column.propertyName] = planted.value;
    traces.push(...planted.traces);
  }
  return { fields, traces };
}

/** The field as a selection: its scalar leaves when it is an object (`value { amount currency }`). */
function selectionOf(type: GraphQLObjectType, field: string): string {
  const named = getNamedType(type.getFields()[field].type);
  if (!isObjectType(named)) return field;
  const leaves = Object.values(named.getFields()).filter((f) => !isObjectType(getNamedType(f.type)));
  return `${field} { ${leaves.map((f) => f.name).join(' ')} }`;
}

interface Scenario {
  entity: EntityTarget<ObjectLiteral>;
  /** Builds a record holding `planted`, visible to the returned viewer, who is not granted the field's class. */
  build: (tag: string, planted: Record<string, unknown>) => Promise<{ viewer: Viewer; query: (selection: string) => string; vars: Record<string, unknown>; pick: (data: unknown) => Record<string, unknown> | null }>;
}

/** Where each sensitive type's record is met by a viewer who sees the record but not the class. */
const SCENARIOS: Record<SensitiveType, Scenario> = {
  // A patient in an ALLIANCE partnership, seen by an unrelated company's PARTNER (no consent).
  Patient: {
    entity: Stakeholder,
    build: async (tag, planted) => {
      const lead = await company(tag, 'H lead');
      const subject = await patient(tag, 'h-patient', planted as Partial<Stakeholder>);
      const { partnership } = await makePartnership(app.db, [{ stakeholder: lead }, { stakeholder: subject, role: MemberRole.PATIENT_PARTNER }], {
        title: `H alliance ${tag}`,
        visibility: PartnershipVisibility.ALLIANCE,
      });
      return {
        viewer: partner(await company(tag, 'H outsider')),
        query: (selection) => `query ($id: ID!) { partnership(id: $id) { members { stakeholder { __typename ... on Patient { ${selection} } } } } }`,
        vars: { id: pid(partnership) },
        pick: (data) => {
          const members = (data as { partnership: { members: { stakeholder: Record<string, unknown> }[] } | null }).partnership?.members ?? [];
          return members.find((m) => m.stakeholder.__typename === 'Patient')?.stakeholder ?? null;
        },
      };
    },
  },
  // An interaction in an ALLIANCE partnership, recorded by another organisation, seen by an unrelated company's PARTNER.
  Interaction: {
    entity: Interaction,
    build: async (tag, planted) => {
      const recorder = await company(tag, 'H recorder');
      const other = await company(tag, 'H participant');
      const { partnership } = await makePartnership(app.db, [{ stakeholder: recorder }, { stakeholder: other }], {
        title: `H alliance ${tag}`,
        visibility: PartnershipVisibility.ALLIANCE,
      });
      const interaction = await makeInteraction(app.db, [recorder, other], { partnershipId: partnership.id, recordedByOrgId: recorder.id, ...(planted as Partial<Interaction>) });
      return {
        viewer: partner(await company(tag, 'H outsider')),
        query: (selection) => `query ($id: ID!) { interaction(id: $id) { ${selection} } }`,
        vars: { id: iid(interaction) },
        pick: (data) => (data as { interaction: Record<string, unknown> | null }).interaction,
      };
    },
  },
  // A contract between two companies, seen by a party's PARTNER (a non-party never sees the contract at all).
  Contract: {
    entity: Contract,
    build: async (tag, planted) => {
      const sponsor = await company(tag, 'H sponsor');
      const recipient = await company(tag, 'H recipient');
      const contract = await makeContract(
        app.db,
        [
          { stakeholder: sponsor, role: ContractPartyRole.SPONSOR },
          { stakeholder: recipient, role: ContractPartyRole.RECIPIENT },
        ],
        { title: `H contract ${tag}`, ...(planted as Partial<Contract>) },
      );
      return {
        viewer: partner(recipient),
        query: (selection) => `query ($id: ID!) { contract(id: $id) { ${selection} } }`,
        vars: { id: ctid(contract) },
        pick: (data) => (data as { contract: Record<string, unknown> | null }).contract,
      };
    },
  },
};

const POLICY_ROWS = (Object.entries(FIELDS) as [SensitiveType, Record<string, string>][]).flatMap(([type, fields]) =>
  Object.entries(fields).map(([field, sensitivity]) => ({ name: `${type}.${field}`, type, field, sensitivity })),
);

describe('H. the field policy, value by value', () => {
  it.each(POLICY_ROWS)('H: $name ($sensitivity) does not reach a viewer who sees the record without the class', async ({ type, field }) => {
    const scenario = SCENARIOS[type];
    if (!scenario) throw new Error(`no H scenario for the sensitive type ${type}: add one`);
    const tag = newTag();
    const { fields, traces } = plant(scenario.entity, field, tag);
    const { viewer, query, vars, pick } = await scenario.build(tag, fields);
    const objectType = schema.getType(type) as GraphQLObjectType;
    const hasRedacted = 'redactedFields' in objectType.getFields();
    const result: GqlResult = await app.run(query(`${selectionOf(objectType, field)}${hasRedacted ? ' redactedFields' : ''}`), vars, viewer);
    const record = pick(dataOf(result));
    expect(record).not.toBeNull();
    expect(record?.[field]).toBeNull();
    if (hasRedacted) expect(record?.redactedFields).toContain(field);
    const raw = text(result);
    expect(traces.filter((t) => t.test(raw)).map(String)).toEqual([]);
  });
});
