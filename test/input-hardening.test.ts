import { getMetadataStorage } from 'class-validator';
import {
  getNamedType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { Viewer } from '../src/access/viewer';
import { fromGlobalId, toGlobalId } from '../src/graphql/global-id';
import { LONG_TEXT_FIELDS, MAX_STRING_LENGTH, MAX_TOKEN_LENGTH } from '../src/graphql/input-guard';
import { buildBareSchema } from '../src/graphql/schema';
import { ContractStatus } from '../src/modules/contract/contract.entity';
import { MemberRole } from '../src/modules/partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { KIND_FIELDS } from '../src/modules/stakeholder/stakeholder.service';
import { aid, makeAffiliation } from './support/affiliation.factories';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type GqlResult, type TestApp } from './support/app';
import { Role } from '../src/access/viewer';
import { cid, makeCommitment } from './support/commitment.factories';
import { consentId, makeConsent } from './support/consent.factories';
import { ctid, makeContract } from './support/contract.factories';
import { gid, makeStakeholder } from './support/factories';
import { makePartnership, mid, pid } from './support/partnership.factories';
import { tableSnapshot } from './support/snapshot';

/*
 * Every string input is safe: a NUL, a lone surrogate or an oversized string in any argument —
 * top-level, nested, in a list, in a custom scalar — is BAD_USER_INPUT naming the argument path,
 * before anything runs, and changes nothing; unusual but valid Unicode is stored and returned
 * exactly. Mutations and their inputs are enumerated from the schema: a new mutation or input
 * field is covered (or the coverage test fails) without touching this file's assertions.
 */

let app: TestApp;
let schema: GraphQLSchema;
beforeAll(async () => {
  app = await createTestApp();
  schema = await buildBareSchema();
});
afterAll(() => app.close());

let seq = 0;
const uniq = (): string => `k${++seq}-${Math.random().toString(36).slice(2, 8)}`;
const company = (fields: Partial<Stakeholder> = {}) => makeStakeholder(app.db, StakeholderKind.COMPANY, fields);
const snapshot = () => tableSnapshot(app.db);
async function today(): Promise<string> {
  const [{ d }] = (await app.db.query('SELECT CURRENT_DATE::text AS d')) as { d: string }[];
  return d;
}

// ---------------------------------------------------------------------------------------------
// The inputs, from the schema

/** Scalars that do not travel as strings; every other leaf (String, ID, dates, codes …) does. */
const NON_TEXT_SCALARS = new Set(['Int', 'Float', 'Boolean', 'SafeInt']);

interface Leaf {
  /** Dotted path inside the argument, a list element as `.0` (e.g. `followUps.0.title`). */
  path: string;
  /** The scalar's name. */
  type: string;
}

function textLeaves(type: GraphQLInputType, path: string): Leaf[] {
  if (isNonNullType(type)) return textLeaves(type.ofType, path);
  if (isListType(type)) return textLeaves(type.ofType, `${path}.0`);
  if (isInputObjectType(type)) return Object.values(type.getFields()).flatMap((field) => textLeaves(field.type, path ? `${path}.${field.name}` : field.name));
  const named = getNamedType(type);
  return isScalarType(named) && !NON_TEXT_SCALARS.has(named.name) ? [{ path, type: named.name }] : [];
}

/** Every mutation with string inputs, with the leaves of its `input`. */
function mutationLeaves(): Map<string, Leaf[]> {
  const result = new Map<string, Leaf[]>();
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const leaves = field.args.flatMap((arg) => textLeaves(arg.type, arg.name));
    if (!leaves.length) continue;
    // Every mutation takes one `input`; the cases below build it.
    expect(field.args.map((arg) => arg.name)).toEqual(['input']);
    result.set(
      field.name,
      leaves.map((leaf) => ({ ...leaf, path: leaf.path.replace(/^input\./, '') })),
    );
  }
  return result;
}

function setAt(value: Record<string, unknown>, path: string, leaf: unknown): Record<string, unknown> {
  const copy = structuredClone(value);
  const keys = path.split('.');
  let node = copy as Record<string, unknown>;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      node[key] = leaf;
      return;
    }
    node[key] ??= /^\d+$/.test(keys[i + 1]) ? [] : {};
    node = node[key] as Record<string, unknown>;
  });
  return copy;
}

function getAt(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node == null ? undefined : (node as Record<string, unknown>)[key]), value);
}

// ---------------------------------------------------------------------------------------------
// A valid input for every mutation, each in a world of its own

interface Built {
  input: Record<string, unknown>;
  viewer: Viewer;
}
interface MutationCase {
  /** A valid input (and who sends it); `path` is the leaf about to be replaced, when the input depends on it. */
  build(path: string): Promise<Built>;
  /** The payload's record field, and what to select of it. */
  record: string;
  select: string;
  /** Where a text field of the input is read back when not under its own path. */
  readAs?: Record<string, string>;
  /** Text fields taken but stored nowhere by design (checked: in no row of any table). */
  discarded?: string[];
}

const STAKEHOLDER_SELECT = `
  id version name country description website tags
  ... on Patient { pseudonym displayName email phone conditions languages expertise }
  ... on PatientOrganisation { diseaseAreas umbrella transparencyRegisterId }
  ... on Company { therapeuticAreas }
  ... on HtaBody { jurisdiction appraisalScope }
  ... on Regulator { jurisdiction agencyType }`;

/** A valid value of every text field of a stakeholder input. */
const STAKEHOLDER_VALUES: Record<string, () => unknown> = {
  name: () => `Org ${uniq()}`,
  country: () => 'DE',
  description: () => 'About us.',
  website: () => 'https://example.org',
  tags: () => ['tag'],
  pseudonym: () => `patient-${uniq()}`,
  displayName: () => 'Dana North',
  email: () => 'dana@example.org',
  phone: () => '+44 20 7946 0958',
  conditions: () => ['asthma'],
  languages: () => ['en'],
  expertise: () => ['trial design'],
  diseaseAreas: () => ['cystic fibrosis'],
  umbrella: () => 'EURORDIS',
  transparencyRegisterId: () => '123456789-01',
  therapeuticAreas: () => ['oncology'],
  jurisdiction: () => 'EU',
  appraisalScope: () => 'medicines',
  agencyType: () => 'agency',
};
const COMMON_FIELDS = ['name', 'country', 'description', 'website', 'tags'];

/** The kind a stakeholder field applies to (common fields: a company). */
function kindFor(path: string): StakeholderKind {
  const field = path.split('.')[0];
  const kinds = Object.keys(KIND_FIELDS) as StakeholderKind[];
  return kinds.find((kind) => (KIND_FIELDS[kind] as readonly string[]).includes(field)) ?? StakeholderKind.COMPANY;
}

/** Every text field that applies to `kind`, with a valid value. */
function stakeholderFields(kind: StakeholderKind): Record<string, unknown> {
  const fields = [...COMMON_FIELDS, ...KIND_FIELDS[kind]].filter((f) => f in STAKEHOLDER_VALUES && !(kind === StakeholderKind.PATIENT && f === 'name'));
  return Object.fromEntries(fields.map((f) => [f, STAKEHOLDER_VALUES[f]()]));
}

/** A webhook of `org`, written directly (for the mutations that change one). */
async function webhookOf(org: Stakeholder): Promise<string> {
  const [row] = (await app.db.query(
    `INSERT INTO webhook (organisation_id, url, events, selection, purpose, secret, created_by)
     VALUES ($1, 'http://127.0.0.1:9/hook', '{INTERACTION_RECORDED}', 'fragment F on Interaction { id }', 'PARTNERSHIP_COORDINATION', 'whsec_test', 'test') RETURNING id`,
    [org.id],
  )) as { id: string }[];
  return toGlobalId('Webhook', row.id);
}
const managerOf = (org: Stakeholder): Viewer => viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id });

const CASES: Record<string, MutationCase> = {
  createWebhook: {
    record: 'webhook',
    select: 'id version url selection',
    async build() {
      const org = await company();
      return {
        viewer: managerOf(org),
        input: { url: 'http://127.0.0.1:9/hook', events: ['INTERACTION_RECORDED'], selection: 'fragment F on Interaction { id }', idempotencyKey: uniq() },
      };
    },
  },
  rotateWebhookSecret: {
    record: 'webhook',
    select: 'id version',
    async build() {
      const org = await company();
      return { viewer: managerOf(org), input: { id: await webhookOf(org), version: 1 } };
    },
  },
  deleteWebhook: {
    record: 'webhook',
    select: 'id version',
    async build() {
      const org = await company();
      return { viewer: managerOf(org), input: { id: await webhookOf(org) } };
    },
  },
  createStakeholder: {
    record: 'stakeholder',
    select: STAKEHOLDER_SELECT,
    async build(path) {
      const kind = kindFor(path);
      return { viewer: admin(), input: { kind, ...stakeholderFields(kind), idempotencyKey: uniq() } };
    },
  },
  updateStakeholder: {
    record: 'stakeholder',
    select: STAKEHOLDER_SELECT,
    async build(path) {
      const kind = kindFor(path);
      const s = await makeStakeholder(app.db, kind);
      return { viewer: admin(), input: { id: gid(s), version: s.version, ...stakeholderFields(kind) } };
    },
  },
  archiveStakeholder: {
    record: 'stakeholder',
    select: 'id version',
    async build() {
      const s = await company();
      return { viewer: admin(), input: { id: gid(s), version: s.version } };
    },
  },
  makeCommitment: {
    record: 'commitment',
    select: 'id version title description evidence',
    async build() {
      const [a, b] = [await company(), await company()];
      const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
      return {
        viewer: admin(),
        input: {
          title: 'Share the protocol',
          description: 'Before the panel meets.',
          committerId: gid(a),
          beneficiaryId: gid(b),
          partnershipId: pid(partnership),
          dueDate: '2027-01-15',
          idempotencyKey: uniq(),
        },
      };
    },
  },
  changeCommitmentStatus: {
    record: 'commitment',
    select: 'id version title description evidence',
    async build() {
      const c = await makeCommitment(app.db, await company());
      return { viewer: admin(), input: { id: cid(c), version: c.version, status: 'FULFILLED', evidence: 'https://example.org/minutes' } };
    },
  },
  proposePartnership: {
    record: 'partnership',
    select: 'id version title description therapeuticArea',
    async build() {
      const [a, b] = [await company(), await company()];
      return {
        viewer: admin(),
        input: {
          title: 'Asthma protocol panel',
          description: 'Patients shape the protocol.',
          type: 'PATIENT_PANEL',
          therapeuticArea: 'respiratory',
          startDate: '2026-01-01',
          endDate: '2026-12-31',
          members: [
            { stakeholderId: gid(a), role: 'LEAD' },
            { stakeholderId: gid(b), role: 'MEMBER' },
          ],
          idempotencyKey: uniq(),
        },
      };
    },
  },
  assessPartnershipQuality: {
    record: 'partnership',
    select: 'id version assessments { scores { criterion evidence } }',
    readAs: { 'scores.0.evidence': 'assessments.0.scores.0.evidence' },
    async build() {
      const [a, b] = [await company(), await company()];
      const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
      return {
        viewer: managerOf(a),
        input: { partnershipId: pid(partnership), version: partnership.version, scores: [{ criterion: 'SHARED_PURPOSE', score: 3, evidence: 'Minutes of the kick-off.' }] },
      };
    },
  },
  changePartnershipStatus: {
    record: 'partnership',
    select: 'id version',
    async build() {
      const { partnership } = await makePartnership(app.db, [{ stakeholder: await company() }, { stakeholder: await company() }]);
      return { viewer: admin(), input: { id: pid(partnership), version: partnership.version, status: 'ACTIVE' } };
    },
  },
  addPartnershipMember: {
    record: 'member',
    select: 'id role joinedAt',
    async build() {
      const { partnership } = await makePartnership(app.db, [{ stakeholder: await company() }, { stakeholder: await company() }]);
      const joining = await company();
      return {
        viewer: admin(),
        input: { partnershipId: pid(partnership), stakeholderId: gid(joining), role: 'MEMBER', joinedAt: '2025-01-01', idempotencyKey: uniq() },
      };
    },
  },
  removePartnershipMember: {
    record: 'member',
    select: 'id leftAt',
    async build() {
      const { members } = await makePartnership(app.db, [
        { stakeholder: await company(), role: MemberRole.LEAD },
        { stakeholder: await company() },
        { stakeholder: await company() },
      ]);
      return { viewer: admin(), input: { memberId: mid(members[2]), leftAt: await today() } };
    },
  },
  addAffiliation: {
    record: 'affiliation',
    select: 'id version',
    async build() {
      const [a, b] = [await company(), await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION)];
      return {
        viewer: admin(),
        input: { kind: 'ADVISES', fromId: gid(a), toId: gid(b), since: '2024-01-01', until: '2030-12-31', idempotencyKey: uniq() },
      };
    },
  },
  endAffiliation: {
    record: 'affiliation',
    select: 'id version until',
    async build() {
      const affiliation = await makeAffiliation(app.db, await company(), await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION));
      return { viewer: admin(), input: { id: aid(affiliation), version: affiliation.version, until: await today() } };
    },
  },
  grantConsent: {
    record: 'consent',
    select: 'id version',
    async build() {
      const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
      return {
        viewer: admin(),
        input: {
          patientId: gid(patient),
          granteeId: gid(await company()),
          scopes: ['IDENTITY'],
          purposes: ['RESEARCH_DESIGN'],
          expiresAt: '2099-01-01T00:00:00.000Z',
          idempotencyKey: uniq(),
        },
      };
    },
  },
  withdrawConsent: {
    record: 'consent',
    select: 'id version',
    async build() {
      const consent = await makeConsent(app.db, await makeStakeholder(app.db, StakeholderKind.PATIENT));
      return { viewer: admin(), input: { id: consentId(consent), version: consent.version } };
    },
  },
  draftContract: {
    record: 'contract',
    select: 'id version title terminationReason',
    async build() {
      const [a, b] = [await company(), await company()];
      const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
      return {
        viewer: admin(),
        input: {
          title: 'Advisory fees',
          kind: 'CONSULTANCY',
          partnershipId: pid(partnership),
          effectiveFrom: '2026-01-01',
          effectiveTo: '2026-12-31',
          value: { amount: 150_000, currency: 'EUR' },
          parties: [
            { stakeholderId: gid(a), role: 'SPONSOR' },
            { stakeholderId: gid(b), role: 'RECIPIENT' },
          ],
          idempotencyKey: uniq(),
        },
      };
    },
  },
  signContract: {
    record: 'contract',
    select: 'id version status',
    async build() {
      const [a, b] = [await company(), await company()];
      const contract = await makeContract(app.db, [{ stakeholder: a }, { stakeholder: b }]);
      return { viewer: admin(), input: { id: ctid(contract), version: contract.version, partyId: gid(a) } };
    },
  },
  terminateContract: {
    record: 'contract',
    select: 'id version title terminationReason',
    readAs: { reason: 'terminationReason' },
    async build() {
      const contract = await makeContract(app.db, [{ stakeholder: await company() }, { stakeholder: await company() }], { status: ContractStatus.ACTIVE });
      return { viewer: admin(), input: { id: ctid(contract), version: contract.version, reason: 'Study stopped early.' } };
    },
  },
  recordInteraction: {
    record: 'interaction',
    select: 'id version summary notes followUps { title }',
    async build() {
      const [a, b] = [await company(), await company()];
      const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
      return {
        viewer: admin(),
        input: {
          kind: 'WORKSHOP',
          occurredAt: '2026-03-01T09:30:00.000Z',
          durationMinutes: 90,
          partnershipId: pid(partnership),
          summary: 'Visit schedule review',
          notes: 'Fewer site visits in weeks 4-8.',
          participantIds: [gid(a), gid(b)],
          followUps: [{ title: 'Share the revised schedule', committerId: gid(a), beneficiaryId: gid(b), dueDate: '2026-04-01' }],
          idempotencyKey: uniq(),
        },
      };
    },
  },
  importRecords: {
    record: 'report',
    select: 'rows created updated unchanged rejectedCount committed',
    // The file itself is kept nowhere, only the records its rows describe; a bare text is no valid row, so nothing is stored.
    discarded: ['data'],
    async build() {
      return {
        viewer: admin(),
        input: { type: 'STAKEHOLDERS', format: 'JSONL', data: JSON.stringify({ externalId: uniq(), kind: 'COMPANY', name: `Imported ${uniq()}` }) },
      };
    },
  },
  erasePatient: {
    record: 'patient',
    select: 'id version pseudonym erasedAt',
    discarded: ['reason'],
    async build() {
      const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
      return { viewer: admin(), input: { id: gid(patient), reason: 'Art. 17 request of 2026-11-02' } };
    },
  },
};

interface Payload {
  userErrors: { field: string | null; message: string; code: string }[];
  [record: string]: unknown;
}

function mutationDocument(name: string): string {
  const field = schema.getMutationType()?.getFields()[name];
  if (!field) throw new Error(`no mutation ${name}`);
  const { record, select } = CASES[name];
  return `mutation ($input: ${String(field.args[0].type)}) { ${name}(input: $input) { ${record} { ${select} } userErrors { field message code } } }`;
}

async function runMutation(name: string, built: Built): Promise<GqlResult<Record<string, Payload>>> {
  return app.run<Record<string, Payload>>(mutationDocument(name), { input: built.input }, built.viewer);
}

/** The payload of a mutation that must succeed. */
function succeeded(name: string, result: GqlResult<Record<string, Payload>>): Record<string, unknown> {
  const payload = dataOf(result)[name];
  expect(payload.userErrors).toEqual([]);
  const record = payload[CASES[name].record] as Record<string, unknown> | null;
  expect(record).not.toBeNull();
  return record as Record<string, unknown>;
}

/** The mutations with String inputs (the coverage test checks this list against the schema). */
const WITH_FREE_TEXT = [
  'createStakeholder',
  'updateStakeholder',
  'makeCommitment',
  'changeCommitmentStatus',
  'proposePartnership',
  'addPartnershipMember',
  'assessPartnershipQuality',
  'addAffiliation',
  'grantConsent',
  'draftContract',
  'terminateContract',
  'recordInteraction',
  'erasePatient',
  'createWebhook',
  'importRecords',
];

// ---------------------------------------------------------------------------------------------
// Unsafe strings

const HUNDRED_KB = 'x'.repeat(100 * 1024);
const BAD_STRINGS: [string, string][] = [
  ['a 100 KB string', HUNDRED_KB],
  ['a NUL byte', 'SeCrEt\u0000SeCrEt'],
  ['a lone high surrogate', 'SeCrEt\ud800SeCrEt'],
  ['a lone low surrogate', '\udc00SeCrEt'],
];

/** A refusal by the input guard: BAD_USER_INPUT at `field`, in a short message that does not quote the value. */
function expectRefused(result: GqlResult, field: string, label: string): void {
  const seen = { label, codes: errorCodes(result), field: result.errors?.[0]?.extensions?.field };
  expect(seen).toEqual({ label, codes: ['BAD_USER_INPUT'], field });
  const message = result.errors?.[0]?.message ?? '';
  expect(message).toContain(field);
  expect(message.length).toBeLessThan(200);
  expect(message.includes('\u0000')).toBe(false);
  expect(message).not.toMatch(/[\ud800-\udfff]|xxxxxxxx|SeCrEt/);
}

describe('every mutation with string inputs', () => {
  it('has a case here (the list follows the schema)', () => {
    expect([...mutationLeaves().keys()].sort()).toEqual(Object.keys(CASES).sort());
    const withText = [...mutationLeaves()].filter(([, leaves]) => leaves.some((leaf) => leaf.type === 'String')).map(([name]) => name);
    expect(withText.sort()).toEqual([...WITH_FREE_TEXT].sort());
  });

  it.each(Object.keys(CASES))('%s: refuses a 100 KB string, a NUL and a lone surrogate in every string field, and changes nothing', async (name) => {
    const leaves = mutationLeaves().get(name) ?? [];
    expect(leaves.length).toBeGreaterThan(0);
    for (const leaf of leaves) {
      const base = await CASES[name].build(leaf.path);
      for (const [label, bad] of BAD_STRINGS) {
        const before = await snapshot();
        const result = await runMutation(name, { ...base, input: setAt(base.input, leaf.path, bad) });
        expectRefused(result, `input.${leaf.path}`, `${name} ${leaf.path} (${leaf.type}) with ${label}`);
        expect(result.data ?? null).toBeNull();
        expect(await snapshot()).toEqual(before);
      }
      // The control: the same input with the field as it was goes through, so the refusals above were the string's.
      succeeded(name, await runMutation(name, base));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Unusual but valid Unicode

/** Combining marks, an emoji ZWJ sequence with skin tone and VS16, RTL Arabic and Hebrew with points, bidi controls, CJK, astral CJK and maths, a flag, zero-width characters, NFC next to NFD. */
const UNUSUAL = 'Zoë e\u0301 👩🏽‍⚕️ مريم שָׁלוֹם 李小龍 𠜎 𝔘𝔫𝔦 🇩🇪 a\u200Bb\u200Dc \u202Eltr\u202C ﷽ \u00C5/A\u030A';
/** The same kind of text for fields of at most 35 characters. */
const UNUSUAL_SHORT = 'Zoë e\u0301 👩🏽‍⚕️ مريم 李 𠜎 🇩🇪';
/** Fields whose format rules out most of the above: a valid value of their own, still round-tripped exactly. */
const FORMATTED: Record<string, () => string> = {
  pseudonym: () => `Zoë Ağaoğlu 李小龍 مريم ٣${++seq}`,
  email: () => "o'brien+tag@sub.example.org",
  phone: () => '+44 (0)20 7946-0958',
  website: () => 'https://münchen.example/ü?q=🧪',
  'languages.0': () => UNUSUAL_SHORT,
  // A URL and a GraphQL document, each with the text where their grammar allows any: a path, a comment.
  url: () => `http://127.0.0.1:9/hook/${UNUSUAL_SHORT}`,
  selection: () => `fragment F on Interaction { id } # ${UNUSUAL}`,
  'transparencyRegisterId': () => UNUSUAL_SHORT,
};
const unusualFor = (path: string): string => FORMATTED[path]?.() ?? UNUSUAL;

const sameBytes = (a: unknown, b: string): boolean => typeof a === 'string' && Buffer.from(a, 'utf8').equals(Buffer.from(b, 'utf8'));

describe('unusual but valid Unicode', () => {
  it('is plain text to the guard: every sample is well-formed and within the caps', () => {
    for (const text of [UNUSUAL, UNUSUAL_SHORT]) {
      // Well-formed: UTF-8 would turn a lone surrogate into U+FFFD.
      expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
      expect([...text].length).toBeLessThan(60);
    }
  });

  it.each(WITH_FREE_TEXT)('%s: stores and returns every free-text field exactly', async (name) => {
    const leaves = (mutationLeaves().get(name) ?? []).filter((leaf) => leaf.type === 'String');
    for (const leaf of leaves) {
      const base = await CASES[name].build(leaf.path);
      const discarded = CASES[name].discarded?.includes(leaf.path) ?? false;
      // A discarded value is looked for in every table afterwards: one no other case stores.
      const value = discarded ? `${unusualFor(leaf.path)} ${uniq()}` : unusualFor(leaf.path);
      const built = { ...base, input: setAt(base.input, leaf.path, value) };
      const record = succeeded(name, await runMutation(name, built));
      if (leaf.path === 'idempotencyKey') {
        // Not returned: kept exactly (a replay finds it; its NFD twin is another key) and it replays.
        const keys = async (key: string) =>
          ((await app.db.query(`SELECT key FROM idempotency_key WHERE user_id = $1 AND key = $2`, [built.viewer.userId, key])) as { key: string }[]).map((row) => row.key);
        const stored = await keys(value);
        expect(stored).toHaveLength(1);
        expect(sameBytes(stored[0], value)).toBe(true);
        expect(await keys(value.normalize('NFD'))).toEqual([]);
        const before = await snapshot();
        const replay = succeeded(name, await runMutation(name, built));
        expect(replay.id).toBe(record.id);
        expect(await snapshot()).toEqual(before);
        continue;
      }
      if (discarded) {
        const tables = ((await app.db.query(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)) as {
          t: string;
        }[]).map((row) => `SELECT x::text AS t FROM "${row.t}" x`);
        const [{ rows }] = (await app.db.query(`SELECT count(*)::int AS rows FROM (${tables.join(' UNION ALL ')}) r WHERE position($1 in r.t) > 0`, [value])) as {
          rows: number;
        }[];
        expect({ name, path: leaf.path, rows }).toEqual({ name, path: leaf.path, rows: 0 });
        continue;
      }
      const readPath = CASES[name].readAs?.[leaf.path] ?? leaf.path;
      const returned = getAt(record, readPath);
      expect({ name, path: leaf.path, returned }).toEqual({ name, path: leaf.path, returned: value });
      expect(sameBytes(returned, value)).toBe(true);
      // And as stored: read again in another request.
      const NODE = `query ($id: ID!) { node(id: $id) { ... on ${recordType(name)} { ${CASES[name].select} } } }`;
      const again = dataOf(await app.run<{ node: Record<string, unknown> }>(NODE, { id: record.id }, admin()));
      expect(sameBytes(getAt(again.node, readPath), value)).toBe(true);
    }
  });

  it('takes interaction notes up to 20,000 characters, astral ones included, and refuses one more', async () => {
    const astral = '𠜎'.repeat(20_000); // 40,000 UTF-16 units: the caps count characters
    const base = await CASES.recordInteraction.build('notes');
    const record = succeeded('recordInteraction', await runMutation('recordInteraction', { ...base, input: { ...base.input, notes: astral } }));
    expect(record.notes).toBe(astral);
    const again = await CASES.recordInteraction.build('notes');
    const before = await snapshot();
    const refused = await runMutation('recordInteraction', { ...again, input: { ...again.input, notes: `${astral}x` } });
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an email address the API could not send back (it used to be stored, and every read then failed)', async () => {
    for (const email of ['zoë@example.org', 'zoe@例え.テスト', '"zoe n"@example.org']) {
      const before = await snapshot();
      const result = await runMutation('createStakeholder', { viewer: admin(), input: { kind: 'PATIENT', pseudonym: `p-${uniq()}`, email } });
      expect({ email, codes: errorCodes(result) }).toEqual({ email, codes: ['BAD_USER_INPUT'] });
      expect(await snapshot()).toEqual(before);
    }
  });
});

/** The GraphQL type of a mutation's record (`Stakeholder`, `PartnershipMember` …). */
function recordType(name: string): string {
  const payload = getNamedType(schema.getMutationType()?.getFields()[name].type);
  if (!payload || !isObjectType(payload)) throw new Error(`no payload for ${name}`);
  return getNamedType(payload.getFields()[CASES[name].record].type).name;
}

// ---------------------------------------------------------------------------------------------
// The caps

describe('the length caps', () => {
  it('sit above every length an input declares (a long field needs its own cap), and name real fields', () => {
    const longest = new Map<string, number>();
    for (const metadata of (getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, { name?: string; propertyName: string; constraints?: unknown[] }[]> }).validationMetadatas.values()) {
      for (const rule of metadata) {
        const max = rule.name === 'isLength' ? rule.constraints?.[1] : rule.name === 'maxLength' ? rule.constraints?.[0] : undefined;
        if (typeof max === 'number') longest.set(rule.propertyName, Math.max(longest.get(rule.propertyName) ?? 0, max));
      }
    }
    expect(longest.size).toBeGreaterThan(10);
    for (const [property, max] of longest) {
      const caps = [MAX_STRING_LENGTH, ...Object.entries(LONG_TEXT_FIELDS).filter(([key]) => key.endsWith(`.${property}`)).map(([, cap]) => cap)];
      expect({ property, fits: max <= Math.max(...caps) }).toEqual({ property, fits: true });
    }
    for (const key of Object.keys(LONG_TEXT_FIELDS)) {
      const [type, field] = key.split('.');
      const named = schema.getType(type);
      expect(isInputObjectType(named) && field in named.getFields()).toBe(true);
    }
  });

  it('bound strings no input rule bounds: a tag filter, a cursor, an id', async () => {
    const TAGS = `query ($tags: [String!]) { stakeholders(filter: { tags: $tags }) { totalCount } }`;
    expect(dataOf(await app.run(TAGS, { tags: ['t'.repeat(MAX_STRING_LENGTH)] }, admin()))).toEqual({ stakeholders: { totalCount: 0 } });
    expectRefused(await app.run(TAGS, { tags: ['t'.repeat(MAX_STRING_LENGTH + 1)] }, admin()), 'filter.tags.0', 'tag');

    const AFTER = `query ($after: String) { stakeholders(after: $after) { totalCount } }`;
    expect(errorCodes(await app.run(AFTER, { after: 'c'.repeat(MAX_STRING_LENGTH) }, admin()))).toEqual(['BAD_USER_INPUT']);
    expectRefused(await app.run(AFTER, { after: 'c'.repeat(MAX_STRING_LENGTH + 1) }, admin()), 'after', 'cursor');

    const NODE = `query ($id: ID!) { node(id: $id) { id } }`;
    expect(dataOf(await app.run(NODE, { id: 'i'.repeat(MAX_TOKEN_LENGTH) }, admin()))).toEqual({ node: null });
    expectRefused(await app.run(NODE, { id: 'i'.repeat(MAX_TOKEN_LENGTH + 1) }, admin()), 'id', 'id');
  });
});

// ---------------------------------------------------------------------------------------------
// Queries

/** The fields whose arguments carry strings, as [where, field]: root fields, and the metrics under `metrics`. */
function textArgumentFields(): [string, GraphQLField<unknown, unknown>][] {
  const out: [string, GraphQLField<unknown, unknown>][] = [];
  for (const owner of ['Query', 'Metrics']) {
    const type = schema.getType(owner);
    if (!type || !('getFields' in type)) throw new Error(owner);
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      if (field.args.some((arg) => textLeaves(arg.type, arg.name).length)) out.push([owner, field]);
    }
  }
  return out;
}

/** A request for one field with the given arguments (as variables), selecting only `__typename`. */
function fieldRequest(owner: string, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): { query: string; variables: Record<string, unknown> } {
  const given = field.args.filter((arg) => arg.name in args);
  const definitions = given.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const call = `${field.name}${given.length ? `(${given.map((arg) => `${arg.name}: $${arg.name}`).join(', ')})` : ''}`;
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  const body = owner === 'Query' ? `${call}${selection}` : `metrics { ${call}${selection} }`;
  return { query: `query${definitions ? ` (${definitions})` : ''} { ${body} }`, variables: Object.fromEntries(given.map((arg) => [arg.name, args[arg.name]])) };
}

describe('string arguments of queries', () => {
  it('refuse a NUL, a lone surrogate and a 100 KB string in every search, filter, cursor and id, and never fail inside', async () => {
    const org = await company();
    const fields = textArgumentFields();
    expect(fields.map(([owner, f]) => `${owner}.${f.name}`)).toEqual(expect.arrayContaining(['Query.stakeholders', 'Query.partnerships', 'Query.node', 'Query.nodes', 'Metrics.reach']));
    for (const [owner, field] of fields) {
      // The other required arguments, valid.
      const required: Record<string, unknown> = {};
      for (const arg of field.args) {
        if (!isNonNullType(arg.type) || arg.defaultValue !== undefined) continue;
        const named = getNamedType(arg.type).name;
        required[arg.name] = named === 'ID' ? (isListType(arg.type.ofType) ? [gid(org)] : gid(org)) : named === 'Int' ? 2026 : undefined;
      }
      for (const arg of field.args) {
        for (const leaf of textLeaves(arg.type, arg.name)) {
          for (const [label, bad] of BAD_STRINGS) {
            const value = leaf.path === arg.name ? bad : getAt(setAt({}, leaf.path, bad), arg.name);
            const { query, variables } = fieldRequest(owner, field, { ...required, [arg.name]: value });
            expectRefused(await app.run(query, variables, admin()), leaf.path, `${owner}.${field.name}(${leaf.path}) with ${label}`);
          }
        }
      }
    }
  });

  it('refuse the same strings written into the document, not sent as variables', async () => {
    // A lone surrogate cannot be written in a GraphQL string: the parser refuses it.
    for (const [query, field] of [
      [`{ stakeholders(filter: { search: "a\\u0000b" }) { totalCount } }`, 'filter.search'],
      [`{ stakeholders(filter: { countries: ["D\\u0000"] }) { totalCount } }`, 'filter.countries.0'],
      [`{ commitments(filter: { dueFrom: "2026-01-01\\u0000" }) { totalCount } }`, 'filter.dueFrom'],
      [`{ node(id: "${'i'.repeat(MAX_TOKEN_LENGTH + 1)}") { id } }`, 'id'],
    ]) {
      expectRefused(await app.run(query, {}, admin()), field, query.slice(0, 60));
    }
    expect(errorCodes(await app.run(`{ stakeholders(filter: { search: "a\\uD800b" }) { totalCount } }`, {}, admin()))).toEqual(['BAD_USER_INPUT']);
  });
});

// ---------------------------------------------------------------------------------------------
// Numbers

describe('Int arguments', () => {
  const LISTS = ['stakeholders', 'partnerships', 'commitments', 'contracts', 'interactions', 'affiliations', 'consents', 'auditEvents', 'webhookDeliveries'];

  it('every list takes `first` (and is covered here)', () => {
    const withFirst = Object.values(schema.getQueryType()?.getFields() ?? {})
      .filter((field) => field.args.some((arg) => arg.name === 'first'))
      .map((field) => field.name);
    expect(withFirst.sort()).toEqual([...LISTS].sort());
  });

  it.each(LISTS)('%s: refuses first beyond 32 bits, huge, zero or negative, as a variable and in the document', async (list) => {
    for (const first of [2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e6, 101, 0, -1, 1.5]) {
      const result = await app.run(`query ($first: Int) { ${list}(first: $first) { totalCount } }`, { first }, admin());
      expect({ first, codes: errorCodes(result) }).toEqual({ first, codes: ['BAD_USER_INPUT'] });
      expect(result.data?.[list] ?? null).toBeNull();
    }
    for (const first of ['2147483648', '1000000', '-1', '99999999999999999999']) {
      const result = await app.run(`{ ${list}(first: ${first}) { totalCount } }`, {}, admin());
      expect({ first, codes: errorCodes(result) }).toEqual({ first, codes: ['BAD_USER_INPUT'] });
    }
  });

  it('refuses out-of-range counts, depths and years below the root', async () => {
    const org = await company();
    const requests: [string, Record<string, unknown>][] = [
      [`query ($id: ID!, $n: Int!) { stakeholder(id: $id) { neighbours(first: $n) { distance } } }`, { id: gid(org) }],
      [`query ($id: ID!, $n: Int!) { stakeholder(id: $id) { neighbours(depth: $n) { distance } } }`, { id: gid(org) }],
      [`query ($id: ID!, $n: Int!) { stakeholder(id: $id) { interactions(first: $n) { id } } }`, { id: gid(org) }],
      [`query ($id: ID!, $n: Int!) { shortestPath(from: $id, to: $id, maxDepth: $n) { length } }`, { id: gid(org) }],
      [`query ($n: Int!) { metrics { network { topByDegree(first: $n) { value } } } }`, {}],
      [`query ($id: ID!, $n: Int!) { metrics { strongestRelationships(stakeholderId: $id, first: $n) { score } } }`, { id: gid(org) }],
      [`query ($id: ID!, $n: Int!) { metrics { reach(stakeholderId: $id, hops: $n) { total } } }`, { id: gid(org) }],
      [`query ($n: Int!) { metrics { transferOfValue(year: $n) { year } } }`, {}],
    ];
    for (const [query, variables] of requests) {
      for (const n of [2 ** 31, 1e6, -1]) {
        const result = await app.run(query, { ...variables, n }, admin());
        expect({ query, n, codes: errorCodes(result) }).toEqual({ query, n, codes: ['BAD_USER_INPUT'] });
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Malformed ids

describe('malformed ids', () => {
  const NOTHING = '00000000-0000-0000-0000-000000000000';
  const MALFORMED: [string, string][] = [
    ['garbage', 'nonsense'],
    ['empty', ''],
    ['base64 of junk', Buffer.from('junk:more junk', 'utf8').toString('base64url')],
    ['a type with a non-uuid', Buffer.from('Stakeholder:not-a-uuid', 'utf8').toString('base64url')],
    ['an unknown type', Buffer.from(`Secret:${NOTHING}`, 'utf8').toString('base64url')],
    ['an unknown record', toGlobalId('Stakeholder', NOTHING)],
    ['a forged redacted id', 'rp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['emoji', '🙂'],
    ['long', 'A'.repeat(500)],
  ];

  it('node(id) and nodes(ids) answer null for each, and BAD_USER_INPUT only past the cap', async () => {
    for (const [label, id] of MALFORMED) {
      const result = await app.run(`query ($id: ID!) { node(id: $id) { id } }`, { id }, admin());
      expect({ label, result }).toEqual({ label, result: { data: { node: null } } });
    }
    const ids = MALFORMED.map(([, id]) => id);
    expect(await app.run(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids }, admin())).toEqual({ data: { nodes: ids.map(() => null) } });
    expectRefused(await app.run(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [...ids, HUNDRED_KB] }, admin()), `ids.${ids.length}`, 'nodes');
  });

  it('a lookup by id answers null for an id of another type', async () => {
    const org = await company();
    const contract = await makeContract(app.db, [{ stakeholder: org }, { stakeholder: await company() }]);
    for (const field of ['stakeholder', 'commitment', 'partnership', 'affiliation', 'contract', 'interaction']) {
      const other = field === 'stakeholder' ? ctid(contract) : gid(org);
      const result = await app.run(`query ($id: ID!) { ${field}(id: $id) { id } }`, { id: other }, admin());
      expect({ field, result }).toEqual({ field, result: { data: { [field]: null } } });
    }
  });

  it('in every id of every mutation input: NOT_FOUND (or BAD_USER_INPUT), never an internal error, and nothing changes', async () => {
    const org = await company();
    const contract = await makeContract(app.db, [{ stakeholder: org }, { stakeholder: await company() }]);
    for (const [name, leaves] of mutationLeaves()) {
      for (const leaf of leaves.filter((l) => l.type === 'ID')) {
        const base = await CASES[name].build(leaf.path);
        const current = getAt(base.input, leaf.path);
        const otherType = typeof current === 'string' && fromGlobalId(current)?.type === 'Stakeholder' ? ctid(contract) : gid(org);
        for (const [label, id] of [...MALFORMED, ['an id of another type', otherType] as [string, string]]) {
          const before = await snapshot();
          const result = await runMutation(name, { ...base, input: setAt(base.input, leaf.path, id) });
          const payload = result.data?.[name];
          const outcome = {
            where: `${name} ${leaf.path}: ${label}`,
            errors: errorCodes(result),
            record: payload ? payload[CASES[name].record] : null,
            userErrors: (payload?.userErrors ?? []).map((e) => e.code).filter((code) => code !== 'NOT_FOUND' && code !== 'BAD_USER_INPUT'),
            refused: errorCodes(result).length > 0 || (payload?.userErrors.length ?? 0) > 0,
          };
          expect(outcome).toEqual({ where: outcome.where, errors: outcome.errors.length ? ['BAD_USER_INPUT'] : [], record: null, userErrors: [], refused: true });
          expect(await snapshot()).toEqual(before);
        }
      }
    }
  });
});
