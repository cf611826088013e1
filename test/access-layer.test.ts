import {
  buildSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { ACTIONS } from '../src/access/actions';
import { guardClassifiedFields } from '../src/access/field-policy';
import { rule } from 'graphql-shield';
import { mutationRules, provenFields, ruleTree } from '../src/access/permissions';
import { FIELDS } from '../src/access/policy';
import { isAdmin, isPublic, readsMetrics, readsRecords } from '../src/access/rules';
import { GLOBAL_ID_TYPES } from '../src/graphql/global-id';
import { buildAppSchema, buildBareSchema } from '../src/graphql/schema';

/**
 * The structure of the access layer (src/access/): what holds by construction rather than by a
 * convention in each module. Outcomes per viewer are in permissions.test.ts and access-leaks.test.ts.
 */
let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildBareSchema();
});

/** Object types reachable from `root` through output fields (interfaces and unions expanded to their types). */
function reachable(root: string): Set<string> {
  const seen = new Set<string>();
  const visit = (type: GraphQLNamedType): void => {
    if (seen.has(type.name)) return;
    seen.add(type.name);
    const implementations = isInterfaceType(type) ? schema.getPossibleTypes(type) : isUnionType(type) ? type.getTypes() : [];
    implementations.forEach(visit);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) visit(getNamedType(field.type));
    }
  };
  visit(schema.getType(root) as GraphQLNamedType);
  return seen;
}

describe('reporting reaches no record', () => {
  it('no type reachable from Metrics is a record (a Node) or a Stakeholder', () => {
    const records = new Set(schema.getPossibleTypes(schema.getType('Node') as never).map((t) => t.name));
    const reached = [...reachable('Metrics')].filter((name) => records.has(name) || name === 'Stakeholder' || name === 'Node');
    expect(reached).toEqual([]);
  });

  it('every record type and a patient are behind readsRecords (never ANALYST), type-wide', () => {
    const tree = ruleTree() as Record<string, unknown>;
    const recordTypes = ['Patient', 'Partnership', 'PartnershipMember', 'Commitment', 'Contract', 'ContractParty', 'Interaction', 'Affiliation', 'Consent'];
    const rules = Object.fromEntries(recordTypes.map((t) => [t, tree[t] === readsRecords || (tree[t] as Record<string, unknown>)['*'] === readsRecords]));
    expect(rules).toEqual(Object.fromEntries(recordTypes.map((t) => [t, true])));
  });
});

describe('classified fields are wrapped when the schema is built', () => {
  const sdl = (patientFields: string) => `
    type Query { a: Int }
    type Patient { id: ID ${patientFields} redactedFields: [String!]! }
    type Interaction { notes: String recordedByUser: String redactedFields: [String!]! }
    type Contract { value: Int redactedFields: [String!]! }
    type Affiliation { id: ID }`;
  const all = Object.keys(FIELDS.Patient).map((f) => `${f}: String`).join(' ') + ' name: String!';

  it('wraps every classified field of the app schema (its resolver is not the one the module declared)', async () => {
    const bare = await buildBareSchema();
    const app = await buildAppSchema();
    for (const [typeName, fields] of Object.entries(FIELDS)) {
      for (const field of Object.keys(fields)) {
        const type = app.getType(typeName);
        if (!isObjectType(type)) throw new Error(typeName);
        const before = (bare.getType(typeName) as typeof type).getFields()[field].resolve;
        expect(type.getFields()[field].resolve).toBeDefined();
        expect(type.getFields()[field].resolve).not.toBe(before);
      }
    }
  });

  it('refuses to build when a classified field is missing from the API, or a sensitive type has no redactedFields', () => {
    expect(() => guardClassifiedFields(buildSchema(sdl(all)))).not.toThrow();
    const withoutEmail = Object.keys(FIELDS.Patient).filter((f) => f !== 'email').map((f) => `${f}: String`).join(' ') + ' name: String!';
    expect(() => guardClassifiedFields(buildSchema(sdl(withoutEmail)))).toThrow('Patient.email');
    expect(() => guardClassifiedFields(buildSchema(sdl(all).replace('type Contract { value: Int redactedFields: [String!]! }', 'type Contract { value: Int }')))).toThrow(
      'Contract has classified fields but no redactedFields',
    );
  });
});

describe('named actions', () => {
  it('every mutation of the API is exactly one action, and every action names a mutation of the API', () => {
    const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {}).sort();
    const named = Object.values(ACTIONS).map((a) => a.mutation).sort();
    expect(named).toEqual(mutations);
    expect(Object.keys(mutationRules().Mutation).sort()).toEqual(mutations);
  });
});

describe('record rules', () => {
  it('every global id type can be read through the scope (it has a record rule)', async () => {
    const { recordRules } = await import('../src/access/record-rules');
    const rules = recordRules({ userId: 'u', role: 'PARTNER' as never, orgId: '00000000-0000-0000-0000-000000000000', patientId: null, purpose: 'REPORTING' as never });
    for (const type of GLOBAL_ID_TYPES) expect(typeof rules.of(type, 'x')).toBe('string');
  });
});

describe('the shield skips only fields whose rule always passes where they run (provenFields)', () => {
  const sdl = buildSchema(`
    type Query { records: [Record] report: Report open: Open }
    type Record { title: String secret: String }
    type Report { total: Int record: Record }
    type Open { note: String other: Other }
    type Other { value: String }
  `);

  it('skips a field of a type reached only through fields that admit fewer viewers than its own rule', () => {
    const tree = { Query: { records: readsRecords, report: readsMetrics, open: isPublic }, Record: readsRecords, Report: readsMetrics, Open: isPublic, Other: readsRecords };
    // Record: reached by Query.records (readers) and Report.record (readers of metrics, e.g. ANALYST): an ANALYST reaches it.
    const proven = provenFields(sdl, tree);
    expect(proven.has('Record.title')).toBe(false);
    expect(proven.has('Report.total')).toBe(true);
    // Other: reached through Open.other, whose rule is Open's (public): anyone reaches it, its rule (readers) must run.
    expect(proven.has('Other.value')).toBe(false);
    expect(proven.has('Open.note')).toBe(true);
    expect(proven.has('Open.other')).toBe(true);
    // Report.record admits readers of metrics (its type's rule) where anyone reaching Report may read metrics.
    expect(proven.has('Report.record')).toBe(true);
  });

  it('proves a record leaf once every field that reaches it is as strict as the leaf', () => {
    const tree = {
      Query: { records: readsRecords, report: readsMetrics, open: isPublic },
      Record: readsRecords,
      Report: { '*': readsMetrics, record: readsRecords },
      Open: isPublic,
      Other: readsRecords,
    };
    const proven = provenFields(sdl, tree);
    // Reached by readers of metrics only together with a readers' rule: within readers.
    expect(proven.has('Record.title')).toBe(true);
    // A field-level rule stricter than the reach is kept.
    expect(provenFields(sdl, { ...tree, Record: { '*': readsRecords, secret: isAdmin } }).has('Record.secret')).toBe(false);
    // A rule that is not one of rules.ts counts as admitting everyone: nothing it guards is proven where it reaches.
    const unknown = rule()(() => true);
    expect(provenFields(sdl, { ...tree, Query: { ...tree.Query, records: unknown } }).has('Record.title')).toBe(false);
    // And a field guarded by such a rule keeps it, however few reach it.
    expect(provenFields(sdl, { ...tree, Record: { '*': readsRecords, secret: unknown } }).has('Record.secret')).toBe(false);
  });

  it('in the app schema, skips the fields of records and keeps every field of Patient and every root field', async () => {
    const proven = provenFields(schema, ruleTree() as Record<string, unknown>);
    expect(proven.has('Partnership.title')).toBe(true);
    expect(proven.has('Partnership.members')).toBe(true);
    expect(proven.has('Affiliation.kind')).toBe(true);
    expect([...proven].filter((f) => f.startsWith('Patient.') || f.startsWith('Query.') || f.startsWith('Mutation.'))).toEqual([]);
    // Patient's fields stay guarded: `viewer { organisation }` reaches the Stakeholder types for every
    // authenticated role, ANALYST included, and Patient's rule (readers of records) is narrower.
    const app = await buildAppSchema();
    // A kept field's resolver is the shield's wrapper; a proven one's is the module's own.
    const wrapped = (type: string, field: string): string => String((app.getType(type) as never as { getFields(): Record<string, { resolve: unknown }> }).getFields()[field].resolve);
    expect(wrapped('Patient', 'kind')).not.toBe(wrapped('Company', 'kind'));
  });
});
