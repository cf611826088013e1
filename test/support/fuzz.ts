import fc, { type GeneratorValue } from 'fast-check';
import { GLOBAL_ID_TYPES, type GlobalIdType } from '../../src/graphql/global-id';
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  parse,
  print,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/*
 * A seeded, schema-driven request generator for the HTTP fuzz (test/fuzz.test.ts), and the
 * checks every response must pass. Requests are plain data, so a failure prints as a
 * reproducer and the same seed regenerates the same sequence.
 */

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

export interface FuzzRequest {
  /** What the generator meant to send (for statistics and the report). */
  kind: string;
  method: string;
  /** Appended to the endpoint URL (`?query=…` for GET). */
  search: string;
  headers: Record<string, string>;
  body?: string;
  /** Who the Authorization header claims to be (a label, never the token). */
  viewer: string;
  /** The operation is a mutation sent over GET: must be refused. */
  mutationOverGet?: boolean;
  /** No content type or header that makes a browser preflight: CSRF prevention must refuse it. */
  csrfUnsafe?: boolean;
  /** Another path than the endpoint's (`/`, `/metrics` …). */
  path?: string;
  /** Sent this many times at once (a client retrying a create with the same idempotency key). */
  burst?: number;
}

export interface FuzzToken {
  label: string;
  /** The full header value (or null: no Authorization header). */
  authorization: string | null;
  /** A token the server accepts (false: malformed, forged, expired, or claims it refuses). */
  valid: boolean;
}

export type IdType = GlobalIdType;

/** What the generator may draw from: the schema and real values from the fuzz world. */
export interface FuzzPool {
  schema: GraphQLSchema;
  /** Real global ids of the world, by type (redacted patient ids count as Stakeholder). */
  ids: Record<IdType, string[]>;
  /** Real cursors returned by the server. */
  cursors: string[];
  tokens: FuzzToken[];
}

type Gen = GeneratorValue;

const int = (g: Gen, min: number, max: number): number => g(fc.integer, { min, max });
const chance = (g: Gen, percent: number): boolean => percent > 0 && int(g, 0, 99) < percent;
function pick<T>(g: Gen, items: readonly T[]): T {
  return items[int(g, 0, items.length - 1)];
}

/** Weighted choice among [weight, value] pairs. */
function weighted<T>(g: Gen, choices: readonly [number, T][]): T {
  const total = choices.reduce((sum, [w]) => sum + w, 0);
  let roll = int(g, 0, total - 1);
  for (const [w, value] of choices) {
    if (roll < w) return value;
    roll -= w;
  }
  return choices[choices.length - 1][1];
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/** An enum value (a bare name in a literal, a string in variables). */
class EnumValue {
  constructor(readonly name: string) {}
}
/** Text put into a literal as is (for deliberately broken literals); a string in variables. */
class RawLiteral {
  constructor(readonly text: string) {}
}
type Value = string | number | boolean | null | EnumValue | RawLiteral | Value[] | { [key: string]: Value };

function printLiteral(value: Value): string {
  if (value === null) return 'null';
  if (value instanceof EnumValue) return value.name;
  if (value instanceof RawLiteral) return value.text;
  if (Array.isArray(value)) return `[${value.map(printLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${printLiteral(v)}`)
      .join(', ')}}`;
  }
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function toJson(value: Value): unknown {
  if (value instanceof EnumValue) return value.name;
  if (value instanceof RawLiteral) return value.text;
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
}

const LONG = 'Ω'.repeat(700) + 'x'.repeat(3000);
const STRINGS: readonly string[] = [
  '',
  ' ',
  'a',
  'Helix',
  'CFNet',
  'subject',
  'partnership',
  LONG,
  'ünïcödé — 日本語 — עברית — 🧬🧪',
  'e\u0301\u200b\u202e',
  'nul\u0000byte',
  '\u0000',
  'lone \ud800 surrogate',
  "'; DROP TABLE stakeholder; --",
  '%_\\',
  '%',
  '\\',
  '"quoted"',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${process.env}',
  'line\nbreak\ttab\r',
  '0',
  '-1',
  'null',
  'true',
  '2025-01-01',
  'EUR',
];

const GLOBAL_TYPES = GLOBAL_ID_TYPES;
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const UUIDS = ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff', '52fd2133-15c2-5df0-9558-86196bba6571'];

function forgedId(g: Gen): string {
  return weighted<() => string>(g, [
    [3, () => b64(`${pick(g, GLOBAL_TYPES)}:${pick(g, UUIDS)}`)],
    [2, () => b64(`${pick(g, GLOBAL_TYPES)}:not-a-uuid`)],
    [1, () => b64(`Stakeholder:${pick(g, UUIDS)}' OR '1'='1`)],
    [1, () => b64(`User:${pick(g, UUIDS)}`)],
    [1, () => b64(':')],
    [1, () => Buffer.from(`Stakeholder:${pick(g, UUIDS)}`).toString('base64')],
    [2, () => `rp_${b64('x'.repeat(int(g, 0, 60)))}`],
    [1, () => 'rp_'],
    [1, () => pick(g, UUIDS)],
    [1, () => '!!not*base64!!'],
    [1, () => pick(g, STRINGS)],
    [1, () => 'A'.repeat(int(g, 150, 400))],
  ])();
}

export interface ValueOptions {
  /** Percent chance, per value, of an ill-typed value. */
  noise: number;
  /** Values a real client would send (plain text, real ids of the right type, valid dates), so that mutations get through. */
  plausible?: boolean;
  /** Every idempotencyKey is this one (and always sent). */
  idempotencyKey?: string;
  /** The argument or input field name (to aim well-typed values at real data). */
  name: string;
  /** The argument's owner (the root field or the input type name). */
  owner: string;
}

/** Which kind of record an ID argument or input field names, guessed from its name. */
function idTypeFor(name: string, owner: string): IdType | null {
  const n = name.toLowerCase();
  if (n === 'partnershipid') return 'Partnership';
  if (n === 'memberid' && owner === 'RemovePartnershipMemberInput') return 'PartnershipMember';
  if (n.endsWith('id') || n.endsWith('ids') || ['a', 'b', 'from', 'to'].includes(n)) {
    if (n !== 'id' && n !== 'ids') return 'Stakeholder';
  }
  const o = owner.toLowerCase();
  for (const [needle, type] of [
    ['stakeholder', 'Stakeholder'],
    ['commitment', 'Commitment'],
    ['partnership', 'Partnership'],
    ['affiliation', 'Affiliation'],
    ['contract', 'Contract'],
    ['consent', 'Consent'],
    ['interaction', 'Interaction'],
  ] as const) {
    if (o.includes(needle)) return type;
  }
  return null;
}

function realId(g: Gen, pool: FuzzPool, type: IdType | null): string {
  const typed = type ? pool.ids[type] : [];
  if (typed.length > 0 && chance(g, 75)) return pick(g, typed);
  const any = Object.values(pool.ids).flat();
  return any.length > 0 ? pick(g, any) : forgedId(g);
}

function plausibleScalar(g: Gen, pool: FuzzPool, typeName: string, opts: ValueOptions): Value {
  const name = opts.name;
  switch (typeName) {
    case 'ID': {
      const typed = pool.ids[idTypeFor(name, opts.owner) ?? 'Stakeholder'];
      return typed.length > 0 ? pick(g, typed) : realId(g, pool, null);
    }
    case 'Int':
      if (name === 'version') return int(g, 1, 2);
      if (name === 'year') return int(g, 2025, 2026);
      if (name === 'birthYear') return int(g, 1940, 2005);
      if (name === 'durationMinutes') return int(g, 15, 240);
      if (name === 'depth' || name === 'hops') return int(g, 1, 3);
      if (name === 'maxDepth') return int(g, 1, 6);
      return int(g, 1, 20);
    case 'Float':
      return int(g, 0, 100) / 10;
    case 'String':
      if (name === 'email') return `fuzz${int(g, 0, 99)}@example.org`;
      if (name === 'website') return 'https://example.org/fuzz';
      if (name === 'phone') return '+44 20 7946 0958';
      if (name === 'idempotencyKey') return `plausible-${int(g, 0, 30)}`;
      if (name === 'after') return pool.cursors.length > 0 ? pick(g, pool.cursors) : forgedId(g);
      return `${pick(g, ['Fuzz', 'Panel', 'Review', 'Helix', 'Ünïcode ✓'])} ${name} ${int(g, 0, 999)}`;
    case 'Boolean':
      return chance(g, 50);
    case 'LocalDate':
      return `${int(g, 2024, 2027)}-${String(int(g, 1, 12)).padStart(2, '0')}-${String(int(g, 1, 28)).padStart(2, '0')}`;
    case 'DateTimeISO':
      return new Date(Date.UTC(int(g, 2024, 2027), int(g, 0, 11), int(g, 1, 28), int(g, 0, 23))).toISOString();
    case 'CountryCode':
      return pick(g, ['DE', 'GB', 'FR', 'NL', 'CH']);
    case 'Currency':
      return pick(g, ['EUR', 'GBP', 'CHF']);
    case 'EmailAddress':
      return `fuzz${int(g, 0, 99)}@example.org`;
    case 'SafeInt':
      return int(g, 1, 1_000_000) * 100;
    default:
      return `plain ${name}`;
  }
}

function wellTypedScalar(g: Gen, pool: FuzzPool, typeName: string, opts: ValueOptions): Value {
  if (opts.idempotencyKey !== undefined && opts.name === 'idempotencyKey') return opts.idempotencyKey;
  if (opts.plausible) return plausibleScalar(g, pool, typeName, opts);
  const name = opts.name;
  switch (typeName) {
    case 'ID':
      return chance(g, 80) ? realId(g, pool, idTypeFor(name, opts.owner)) : forgedId(g);
    case 'Int':
      if (name === 'version') return weighted(g, [[8, int(g, 1, 3)], [1, 0], [1, 2147483647], [1, -1]]);
      if (name === 'first') return weighted(g, [[6, int(g, 1, 20)], [1, 100], [1, 0], [1, 101], [1, -1], [1, 2147483647]]);
      if (name === 'depth' || name === 'hops') return weighted(g, [[6, int(g, 1, 3)], [1, 0], [1, 4], [1, -2147483648]]);
      if (name === 'maxDepth') return weighted(g, [[6, int(g, 1, 6)], [1, 0], [1, 7], [1, 2147483647]]);
      if (name === 'year') return weighted(g, [[6, int(g, 2024, 2027)], [1, 0], [1, -1], [1, 275760], [1, 2147483647]]);
      return pick(g, [0, -1, 1, 2, 5, 60, 1900, 2000, 2147483647, -2147483648]);
    case 'Float':
      return pick(g, [0, -1, 0.5, 1e300, -1e300, 5e-324]);
    case 'String':
      if (name === 'email') return pick(g, ['new@example.org', 'ünï@example.org', '"quoted local"@example.org', 'a@b', 'a@[127.0.0.1]', 'not-an-email', `${'x'.repeat(300)}@example.org`]);
      if (name === 'website') return pick(g, ['https://example.org', 'javascript:alert(1)', 'http://[::1]', 'example', 'https://ünï.example']);
      if (name === 'idempotencyKey') return weighted(g, [[4, `fuzz-key-${int(g, 0, 5)}`], [1, ''], [1, LONG]]);
      if (name === 'after') return pool.cursors.length > 0 && chance(g, 60) ? pick(g, pool.cursors) : forgedId(g);
      return pick(g, STRINGS);
    case 'Boolean':
      return chance(g, 50);
    case 'LocalDate':
      return weighted(g, [
        [6, `${int(g, 2020, 2030)}-${String(int(g, 1, 12)).padStart(2, '0')}-${String(int(g, 1, 28)).padStart(2, '0')}`],
        [1, pick(g, ['0001-01-01', '9999-12-31', '2024-02-29', '1970-01-01'])],
        [chance(g, 30) ? 1 : 0, pick(g, ['2025-02-30', '2025-13-01', '25-01-01', '2025-1-1', '+275760-09-13', '', 'today'])],
      ]);
    case 'DateTimeISO':
      return weighted(g, [
        [6, new Date(Date.UTC(int(g, 2020, 2030), int(g, 0, 11), int(g, 1, 28), int(g, 0, 23))).toISOString()],
        [1, pick(g, ['1970-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2025-06-01T12:00:00+14:00', '0001-01-01T00:00:00Z'])],
        [chance(g, 30) ? 1 : 0, pick(g, ['+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00Z', '2025-02-30T00:00:00Z', 'yesterday', '', '2025-01-01'])],
      ]);
    case 'CountryCode':
      return weighted(g, [[5, pick(g, ['DE', 'GB', 'FR', 'US', 'CH'])], [1, pick(g, ['XX', 'de', 'DEU', '', '🇩🇪'])]]);
    case 'Currency':
      return weighted(g, [[5, pick(g, ['EUR', 'USD', 'GBP'])], [1, pick(g, ['XXX', 'eur', 'EURO', ''])]]);
    case 'EmailAddress':
      return pick(g, ['a@example.org', 'not-an-email', '']);
    case 'SafeInt':
      return pick(g, [0, 1, -1, 150_000, 9007199254740991, -9007199254740991, 9007199254740992, 1e300]);
    default:
      return pick(g, STRINGS);
  }
}

/** A value of the wrong type for `type` (or some other way of being invalid). */
function illTyped(g: Gen, type: GraphQLInputType): Value {
  const named = getNamedType(type);
  return weighted<() => Value>(g, [
    [3, () => (named.name === 'String' || named.name === 'ID' ? pick(g, [42, 1.5, true]) : pick(g, STRINGS))],
    [2, () => pick(g, [2147483648, -2147483649, 1.5, 1e300, -0.0001])],
    [2, () => pick(g, [true, false])],
    [1, () => (isNonNullType(type) ? null : new EnumValue('NOT_A_VALUE'))],
    [2, () => new EnumValue(pick(g, ['NOT_A_VALUE', 'active', 'ADMIN', 'true', 'null_']))],
    [2, () => ({ unexpected: pick(g, STRINGS) })],
    [1, () => [pick(g, STRINGS), 3, null]],
    [1, () => [[1]]],
    [1, () => new RawLiteral(pick(g, ['$undeclared', '"unterminated', '{a: }', '[1,', '0x10', '1e', '.5', '+1', 'NaN', '"""block"""']))],
  ])();
}

/** Stakeholder input fields by kind (CreateStakeholderInput / UpdateStakeholderInput), for plausible values. */
const COMMON_FIELDS = ['id', 'version', 'idempotencyKey', 'country', 'description', 'website', 'tags', 'name'];
const KIND_FIELDS: Record<string, string[]> = {
  COMPANY: ['companyType', 'efpiaMember', 'therapeuticAreas'],
  PATIENT_ORGANISATION: ['diseaseAreas', 'umbrella', 'transparencyRegisterId'],
  REGULATOR: ['jurisdiction', 'agencyType'],
  HTA_BODY: ['appraisalScope'],
  RESEARCH_ORGANISATION: ['researchKind'],
  PATIENT: ['pseudonym', 'displayName', 'birthYear', 'email', 'phone', 'conditions', 'languages', 'expertise'],
};

function inputValue(g: Gen, pool: FuzzPool, type: GraphQLInputType, opts: ValueOptions, depth = 0): Value {
  if (opts.idempotencyKey !== undefined && opts.name === 'idempotencyKey') return opts.idempotencyKey;
  if (chance(g, opts.noise)) return illTyped(g, type);
  if (isNonNullType(type)) return nonNullValue(g, pool, type.ofType, opts, depth);
  if (chance(g, opts.plausible ? 1 : 4)) return null;
  return nonNullValue(g, pool, type, opts, depth);
}

function nonNullValue(g: Gen, pool: FuzzPool, type: GraphQLInputType, opts: ValueOptions, depth: number): Value {
  if (isListType(type)) {
    if (chance(g, 10)) return inputValue(g, pool, type.ofType, opts, depth); // a single value coerces to a list
    const n = opts.plausible
      ? int(g, 2, 3)
      : opts.name === 'ids' && chance(g, 10)
        ? int(g, 99, 103)
        : weighted(g, [[2, 0], [6, int(g, 1, 3)], [1, int(g, 4, 12)]]);
    return Array.from({ length: n }, () => inputValue(g, pool, type.ofType, opts, depth + 1));
  }
  if (isEnumType(type)) return new EnumValue(pick(g, type.getValues()).name);
  if (isScalarType(type)) return wellTypedScalar(g, pool, type.name, opts);
  if (isInputObjectType(type)) {
    const result: Record<string, Value> = {};
    if (depth > 3) return result;
    // A plausible stakeholder carries only the fields of its kind (others are refused by the service).
    let kind: string | undefined;
    if (opts.plausible && type.name === 'CreateStakeholderInput') {
      kind = pick(g, Object.keys(KIND_FIELDS));
      result.kind = new EnumValue(kind);
    }
    const applies = (field: string): boolean =>
      !opts.plausible || !type.name.endsWith('StakeholderInput') || COMMON_FIELDS.includes(field) || (kind !== undefined && KIND_FIELDS[kind].includes(field));
    for (const field of Object.values(type.getFields()) as GraphQLInputField[]) {
      if (field.name in result) continue;
      const required = (isNonNullType(field.type) && field.defaultValue === undefined) || (field.name === 'idempotencyKey' && opts.idempotencyKey !== undefined);
      if (required ? !chance(g, opts.noise / 2) : applies(field.name) && chance(g, 45)) {
        result[field.name] = inputValue(g, pool, field.type, { ...opts, name: field.name, owner: type.name }, depth + 1);
      }
    }
    if (chance(g, opts.noise / 3)) result[pick(g, ['bogus', 'id', '__proto__', 'constructor', 'kind'])] = pick(g, STRINGS);
    return result;
  }
  return null;
}

/** A variable type as declared in the document (sometimes deliberately not the argument's). */
function variableTypeText(g: Gen, type: GraphQLInputType, noise: number): string {
  if (chance(g, noise / 2)) return pick(g, ['String', 'Int!', '[ID]', 'Boolean', 'UnknownType', 'ID!', 'Health']);
  return String(type);
}

// ---------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------

interface DocState {
  g: Gen;
  pool: FuzzPool;
  noise: number;
  plausible: boolean;
  /** Select every scalar field at each level (and a few relations). */
  wide: boolean;
  /** The sweep: the relation the first level must select (then cleared). */
  forceChild?: string;
  /** A burst: the idempotency key of every create. */
  idempotencyKey?: string;
  maxDepth: number;
  variables: { name: string; type: string; value: unknown; omit: boolean }[];
  fragments: string[];
  aliasSeq: number;
}

function argumentsText(state: DocState, field: GraphQLField<unknown, unknown>, owner: string): string {
  const { g, pool, noise } = state;
  const parts: string[] = [];
  for (const arg of field.args as readonly GraphQLArgument[]) {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    if (required && chance(g, noise / 4)) continue; // a missing required argument
    if (!required && !chance(g, state.plausible ? 25 : 45)) continue;
    if (!required && state.plausible && arg.name === 'after') continue; // a cursor of another list is refused
    const valueOwner = owner === 'input' ? String(getNamedType(arg.type)) : field.name;
    const value = inputValue(g, pool, arg.type, { noise, plausible: state.plausible, idempotencyKey: state.idempotencyKey, name: arg.name, owner: valueOwner });
    if (chance(g, 25)) {
      const name = `v${state.variables.length}`;
      let declared = variableTypeText(g, arg.type, noise);
      let sent: unknown = toJson(value);
      let omit = chance(g, noise / 4);
      if (!state.plausible && chance(g, 8)) {
        // A nullable variable with a default may stand where a non-null type is expected; the
        // client may still send an explicit null for it (or nothing, and the default applies).
        declared = `${String(isNonNullType(arg.type) ? arg.type.ofType : arg.type)} = ${printLiteral(inputValue(g, pool, arg.type, { noise: 0, name: arg.name, owner: valueOwner }))}`;
        const choice = weighted(g, [[2, 'null'], [1, 'omit'], [1, 'value']]);
        if (choice === 'null') sent = null;
        omit = choice === 'omit';
      } else if (!omit && !declared.endsWith('!') && chance(g, 5)) {
        declared += ` = ${printLiteral(value)}`;
      }
      state.variables.push({ name, type: declared, value: sent, omit });
      parts.push(`${arg.name}: $${name}`);
    } else {
      parts.push(`${arg.name}: ${printLiteral(value)}`);
    }
  }
  if (chance(g, noise / 5)) parts.push(`${pick(g, ['bogus', 'limit', 'offset', 'where', 'id'])}: ${printLiteral(pick(g, STRINGS))}`);
  return parts.length > 0 ? `(${parts.join(', ')})` : '';
}

function directiveText(state: DocState): string {
  const { g, noise } = state;
  if (state.plausible || !chance(g, 3)) return '';
  return weighted(g, [
    [3, ` @include(if: ${chance(g, 70)})`],
    [3, ` @skip(if: ${chance(g, 30)})`],
    [noise > 0 ? 1 : 0, ' @unknownDirective'],
    [noise > 0 ? 1 : 0, ' @include'],
    [noise > 0 ? 1 : 0, ' @deprecated(reason: "x")'],
  ]);
}

function fieldsOf(type: GraphQLCompositeType): GraphQLField<unknown, unknown>[] {
  return isObjectType(type) || 'getFields' in type ? Object.values((type as GraphQLObjectType).getFields()) : [];
}

function selectionSet(state: DocState, type: GraphQLCompositeType, depth: number): string {
  const { g, pool, noise } = state;
  const fields = fieldsOf(type);
  const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)));
  const pieces: string[] = [];
  if (state.wide) {
    // Every scalar of the type, and a few of its relations: whatever the server can send back, it must be able to serialise.
    pieces.push(...leaves.map((f) => fieldText(state, f, type.name, depth)));
    if (depth < state.maxDepth) {
      const relations = fields.filter((f) => !isLeafType(getNamedType(f.type)));
      const forced = relations.find((f) => f.name === state.forceChild);
      if (forced) {
        state.forceChild = undefined;
        pieces.push(fieldText(state, forced, type.name, depth));
      } else {
        const left = [...relations];
        for (let i = 0; i < 3 && left.length > 0; i++) pieces.push(fieldText(state, left.splice(int(g, 0, left.length - 1), 1)[0], type.name, depth));
      }
    }
    if (isAbstractType(type) && depth < state.maxDepth) {
      // Two of the possible types with all their own scalars; a name that means another type elsewhere gets an alias.
      const possibles = pool.schema.getPossibleTypes(type);
      const typeOf = (t: GraphQLObjectType, name: string): string | undefined => (t.getFields()[name] ? String(t.getFields()[name].type) : undefined);
      for (const possible of [pick(g, possibles), pick(g, possibles)]) {
        const own = Object.values(possible.getFields()).filter((f) => isLeafType(getNamedType(f.type)) && !leaves.some((l) => l.name === f.name));
        const text = own.map((f) => {
          const clash = possibles.some((o) => o !== possible && typeOf(o, f.name) !== undefined && typeOf(o, f.name) !== String(f.type));
          return `${clash ? `${f.name}_${possible.name}: ` : ''}${f.name}`;
        });
        if (text.length > 0) pieces.push(`... on ${possible.name} { ${text.join(' ')} }`);
      }
    }
    return pieces.length > 0 ? pieces.join(' ') : '__typename';
  }
  const n = int(g, 1, depth >= state.maxDepth ? 2 : 4);
  for (let i = 0; i < n; i++) {
    const choice = weighted<string>(g, [
      [80, 'field'],
      [5, '__typename'],
      [isAbstractType(type) ? 10 : 3, 'inline'],
      [4, 'fragment'],
      [noise > 0 ? 2 : 0, 'unknown'],
    ]);
    if (choice === '__typename' || (choice === 'field' && fields.length === 0)) {
      pieces.push('__typename');
    } else if (choice === 'unknown') {
      pieces.push(pick(g, ['doesNotExist', 'password', 'id { x }', '__schema { types { name } }', '__type(name: "Patient") { name }']));
    } else if (choice === 'inline' || choice === 'fragment') {
      if (depth >= state.maxDepth) {
        pieces.push('__typename');
        continue;
      }
      const possible = isAbstractType(type) ? pool.schema.getPossibleTypes(type) : [type as GraphQLObjectType];
      const on: GraphQLCompositeType = noise === 0 || chance(g, 85) ? pick(g, possible) : (pick(g, Object.values(pool.schema.getTypeMap()).filter(isCompositeType)) as GraphQLCompositeType);
      const inner = selectionSet(state, on, depth + 1);
      if (choice === 'inline') {
        pieces.push(chance(g, 10) && on === type ? `...${directiveText(state)} { ${inner} }` : `... on ${on.name}${directiveText(state)} { ${inner} }`);
      } else {
        const name = `F${state.fragments.length}`;
        state.fragments.push(`fragment ${name} on ${on.name} { ${inner} }`);
        pieces.push(`...${name}`);
      }
    } else {
      const atLimit = depth >= state.maxDepth;
      const composite = fields.filter((f) => !isLeafType(getNamedType(f.type)));
      // Below the depth limit, lean towards relations so that documents reach real nesting.
      const candidates = atLimit && leaves.length > 0 ? leaves : composite.length > 0 && chance(g, 45) ? composite : fields;
      const field = pick(g, candidates);
      pieces.push(fieldText(state, field, type.name, depth));
    }
  }
  return pieces.join(' ');
}

function fieldText(state: DocState, field: GraphQLField<unknown, unknown>, owner: string, depth: number): string {
  const { g, noise } = state;
  const named = getNamedType(field.type);
  // Distinct aliases keep most documents free of "fields conflict" validation errors.
  const alias = field.args.length > 0 || chance(g, state.wide ? 0 : 15) ? `a${state.aliasSeq++}: ` : '';
  let text = `${alias}${field.name}${argumentsText(state, field, owner)}${directiveText(state)}`;
  if (isCompositeType(named)) {
    if (chance(g, Math.max(0, noise / 6))) return text; // a composite field without a selection
    if (depth >= state.maxDepth) text += ' { __typename }';
    else text += ` { ${selectionSet(state, named, depth + 1)} }`;
  } else if (chance(g, noise / 8)) {
    text += ' { value }'; // a selection on a leaf
  }
  return text;
}

interface Operation {
  /** query or mutation, and how it was generated (plausible, noise level). */
  kind: string;
  document: string;
  variables: Record<string, unknown> | undefined;
  operationName?: string;
  /** The operation the server would pick is a mutation. */
  runsMutation: boolean;
}

const ROOT_WEIGHTS: Record<string, number> = { metrics: 4, stakeholders: 2, stakeholder: 2, node: 2, nodes: 2, shortestPath: 2, partnerships: 2 };

interface SweepTarget {
  root: string;
  child?: string;
  /** A mutation with this idempotency key (a burst). */
  idempotencyKey?: string;
}

function operation(g: Gen, pool: FuzzPool, kind?: 'query' | 'mutation', sweep?: SweepTarget): Operation {
  const mutation = kind === undefined ? chance(g, 30) : kind === 'mutation';
  // Most operations are well-typed (their values may still be odd: forged ids, NUL, boundaries);
  // the rest carry a few (noise 4) or many (noise 30) type errors.
  const noise = sweep ? 0 : weighted(g, [
    [13, 0],
    [5, 3],
    [2, 30],
  ]);
  // Half of the well-typed operations send what a real client would, so that mutations succeed and change the world.
  const plausible = sweep !== undefined || (noise === 0 && chance(g, mutation ? 70 : 40));
  const wide = sweep !== undefined ? sweep.idempotencyKey === undefined : noise === 0 && chance(g, mutation ? 10 : 20);
  const maxDepth = sweep ? (sweep.idempotencyKey ? 2 : 4) : int(g, 1, 4);
  const state: DocState = { g, pool, noise, plausible, wide, forceChild: sweep?.child, idempotencyKey: sweep?.idempotencyKey, maxDepth, variables: [], fragments: [], aliasSeq: 0 };
  const root = (mutation ? pool.schema.getMutationType() : pool.schema.getQueryType()) as GraphQLObjectType;
  // Every root field, the ones with the most behind them (metrics, lists, traversals) more often.
  const fields = Object.values(root.getFields()).flatMap((f) => Array.from({ length: ROOT_WEIGHTS[f.name] ?? 1 }, () => f));
  const count = sweep ? 1 : mutation ? weighted(g, [[8, 1], [2, 2]]) : weighted(g, [[5, 1], [3, 2], [2, 3]]);
  const selections: string[] = [];
  for (let i = 0; i < count; i++) {
    const field = sweep ? root.getFields()[sweep.root] : pick(g, fields);
    const owner = mutation ? 'input' : root.name;
    selections.push(fieldText(state, field, owner, 1));
  }
  if (chance(g, 5)) selections.push('__typename');
  const twoOperations = !sweep && chance(g, 5);
  let named = chance(g, 40) ? `${mutation ? 'M' : 'Q'}${int(g, 0, 9)}` : '';
  if (twoOperations && !named) named = 'Unnamed';
  const defs = state.variables.length > 0 ? `(${state.variables.map((v) => `$${v.name}: ${v.type}`).join(', ')})` : '';
  // The query keyword may be left out of an anonymous query without variables.
  const keyword = mutation ? 'mutation' : !named && !defs && chance(g, 40) ? '' : 'query';
  let document = `${keyword}${named ? ` ${named}` : ''}${defs}${keyword ? ' ' : ''}{ ${selections.join(' ')} }`;
  if (state.fragments.length > 0) document += `\n${state.fragments.join('\n')}`;
  let operationName: string | undefined = named || undefined;
  if (twoOperations) {
    // Two operations: the server must be told which one to run.
    document += `\nquery Other { health { ok } }`;
    operationName = noise === 0 ? pick(g, [named, 'Other']) : weighted(g, [[2, named], [1, 'Other'], [1, undefined], [1, 'Missing']]);
  } else if (!sweep && chance(g, noise > 0 ? 10 : 0)) {
    operationName = 'Nope';
  }
  let variables: Record<string, unknown> | undefined;
  if (state.variables.length > 0 || chance(g, 10)) {
    variables = {};
    for (const v of state.variables) if (!v.omit) variables[v.name] = v.value;
    if (chance(g, noise / 3)) variables.extra = pick(g, STRINGS);
  }
  // With two operations, `Other` (a query) may be the one that runs.
  const runs = mutation && !(twoOperations && operationName === 'Other');
  const label = `${mutation ? 'mutation' : 'query'}${plausible ? ':plausible' : noise > 0 ? `:noise${noise}` : ''}${wide ? ':wide' : ''}`;
  return { kind: label, document, variables, operationName, runsMutation: runs };
}

// ---------------------------------------------------------------------------------------------
// Garbage
// ---------------------------------------------------------------------------------------------

const BROKEN_DOCUMENTS: readonly string[] = [
  '',
  ' ',
  '{',
  '}',
  '{ health { ok }',
  '{ health { ok } } }',
  'query {',
  'query Q($a: ) { health { ok } }',
  '{ stakeholder(id: ) { id } }',
  '{ stakeholders(first: 1 { totalCount } }',
  'mutation',
  'subscription { health { ok } }',
  'fragment F on Stakeholder { id }',
  '{ ...F }',
  '{ health { ok } } fragment F on Nope { id }',
  '{ health { ...on Health { ok } } }',
  'query Q { health { ok } } query Q { health { ok } }',
  '{ "string" }',
  '{ health(ok: true) { ok } }',
  '{ health { ok @@ } }',
  '\u0000',
  '\ufeff{ health { ok } }',
  '# only a comment',
  '{ health { ok } } # trailing',
  '{ node(id: "\\u0000") { id } }',
  '{ node(id: "\\ud800") { id } }',
  '{ node(id: """block\u0000string""") { id } }',
  'query ($x: [[[[[[[ID]]]]]]]) { health { ok } }',
  '{ __schema { types { name fields { name } } } }',
  '{ __type(name: "Patient") { fields { name } } }',
  'directive @x on FIELD',
  'schema { query: Query }',
  'type Q { a: Int }',
  'extend type Query { x: Int }',
];

function deepDocument(g: Gen): string {
  const depth = pick(g, [20, 100, 500, 2000]);
  return weighted<() => string>(g, [
    [1, () => `{ ${'viewer { organisation { '.repeat(depth / 2)}id${' } }'.repeat(depth / 2)} }`],
    [1, () => `{ stakeholders { nodes { ${'partnerships { members { stakeholder { '.repeat(Math.min(depth, 200) / 4)}id${' } } }'.repeat(Math.min(depth, 200) / 4)} } } }`],
    [1, () => `{ ${'{'.repeat(depth)}${'}'.repeat(depth)} }`],
    [1, () => `{ node(id: ${'['.repeat(depth)}"x"${']'.repeat(depth)}) { id } }`],
    [1, () => `{ ${Array.from({ length: depth }, (_, i) => `h${i}: health { ok }`).join(' ')} }`],
    [1, () => `{ stakeholder(id: "x") ${'@include(if: true) '.repeat(depth)}{ id } }`],
    [1, () => `query ${'($a: Int)'.repeat(2)} { health { ok } }`],
    [1, () => `{ stakeholders(first: 1) { nodes { ${'...F '.repeat(Math.min(depth, 300))} } } } fragment F on Stakeholder { id name }`],
    [1, () => `{ a: health { ...F } } fragment F on Health { ...G } fragment G on Health { ...F }`],
  ])();
}

function randomJson(g: Gen, depth = 0): unknown {
  return weighted<() => unknown>(g, [
    [2, () => null],
    [2, () => pick(g, [0, -1, 1.5, 1e308, 2147483648])],
    [2, () => pick(g, STRINGS)],
    [1, () => chance(g, 50)],
    [depth < 3 ? 2 : 0, () => Array.from({ length: int(g, 0, 3) }, () => randomJson(g, depth + 1))],
    [depth < 3 ? 2 : 0, () => Object.fromEntries(Array.from({ length: int(g, 0, 3) }, () => [pick(g, ['query', 'variables', 'operationName', 'extensions', 'x', '__proto__']), randomJson(g, depth + 1)]))],
  ])();
}

function garbageBody(g: Gen, pool: FuzzPool): { kind: string; body: string } {
  const ok = '{ health { ok } }';
  return weighted<() => { kind: string; body: string }>(g, [
    [3, () => ({ kind: 'json:random', body: JSON.stringify(randomJson(g)) ?? 'null' })],
    [1, () => ({ kind: 'json:array', body: JSON.stringify([{ query: ok }, { query: ok }]) })],
    [1, () => ({ kind: 'json:empty-array', body: '[]' })],
    [1, () => ({ kind: 'json:no-query', body: JSON.stringify({ variables: {} }) })],
    [1, () => ({ kind: 'json:query-not-string', body: JSON.stringify({ query: pick(g, [5, null, true, [ok], { q: ok }]) }) })],
    [2, () => ({ kind: 'json:variables-not-object', body: JSON.stringify({ query: 'query($id: ID!) { node(id: $id) { id } }', variables: pick(g, [[], 'x', 5, true, '{"id":"x"}']) }) })],
    [1, () => ({ kind: 'json:operationName-not-string', body: JSON.stringify({ query: ok, operationName: pick(g, [5, {}, [], true]) }) })],
    [1, () => ({ kind: 'json:extensions', body: JSON.stringify({ query: ok, extensions: pick<unknown>(g, ['x', 5, [], { persistedQuery: { version: 1, sha256Hash: 'abc' } }, { persistedQuery: 'x' }]) }) })],
    [1, () => ({ kind: 'json:persisted-only', body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }) })],
    [3, () => ({ kind: 'json:broken-document', body: JSON.stringify({ query: pick(g, BROKEN_DOCUMENTS) }) })],
    [2, () => ({ kind: 'json:deep-document', body: JSON.stringify({ query: deepDocument(g) }) })],
    [2, () => {
      const op = operation(g, pool);
      const cut = int(g, 1, Math.max(1, op.document.length - 1));
      return { kind: 'json:truncated-document', body: JSON.stringify({ query: op.document.slice(0, cut), variables: op.variables }) };
    }],
    [2, () => ({ kind: 'not-json', body: pick(g, ['', '{', 'not json', '{"query": "{ health { ok } }"', "{'query': 1}", '\u0000', '[[[[[[[[[[[[[[[[[[[[', 'null', '"str"', '{"query":"{ health { ok } }"}garbage']) })],
    [1, () => ({ kind: 'json:huge-nesting', body: `${'['.repeat(5000)}${']'.repeat(5000)}` })],
    [1, () => ({ kind: 'json:proto', body: '{"query":"{ health { ok } }","__proto__":{"query":"mutation { x }"},"constructor":{"prototype":{"polluted":true}}}' })],
    [1, () => ({ kind: 'json:duplicate-keys', body: '{"query":"{ health { ok } }","query":"{ viewer { role } }"}' })],
  ])();
}

// ---------------------------------------------------------------------------------------------
// The request
// ---------------------------------------------------------------------------------------------

const PREFLIGHT = { 'apollo-require-preflight': 'true' };

function authHeaders(token: FuzzToken): Record<string, string> {
  return token.authorization === null ? {} : { authorization: token.authorization };
}

function getSearch(op: { document: string; variables?: unknown; operationName?: string }, g: Gen): string {
  const params = new URLSearchParams();
  params.set('query', op.document);
  if (op.variables !== undefined) params.set('variables', chance(g, 90) ? JSON.stringify(op.variables) : pick(g, ['{', 'x', '[]', '5']));
  if (op.operationName !== undefined) params.set('operationName', op.operationName);
  if (chance(g, 5)) params.set('extensions', pick(g, ['{', '{}', '{"persistedQuery":{"version":1,"sha256Hash":"00"}}']));
  return `?${params.toString()}`;
}

export function generateRequest(g: Gen, pool: FuzzPool): FuzzRequest {
  const valid = pool.tokens.filter((t) => t.valid && t.authorization !== null);
  const invalid = pool.tokens.filter((t) => !t.valid && t.authorization !== null);
  const none = pool.tokens.filter((t) => t.authorization === null);
  let token = pick(g, weighted(g, [[70, valid], [12, none], [18, invalid]]));
  const auth = authHeaders(token);
  const shape = weighted<string>(g, [
    [62, 'post-operation'],
    [8, 'get-operation'],
    [14, 'post-garbage'],
    [5, 'content-type'],
    [4, 'get-garbage'],
    [3, 'csrf'],
    [2, 'method'],
    [2, 'headers'],
    [2, 'path'],
    [3, 'burst'],
  ]);
  switch (shape) {
    case 'post-operation': {
      const kind = chance(g, 30) ? 'mutation' : 'query';
      const op = operation(g, pool, kind);
      // Mutations mostly as someone who may write, so that they get past the role check.
      const writers = valid.filter((t) => /^(ADMIN|\S+ EM)\b/.test(t.label));
      if (kind === 'mutation' && token.valid && writers.length > 0 && chance(g, 60)) token = pick(g, writers);
      const auth = authHeaders(token);
      const body: Record<string, unknown> = { query: op.document };
      if (op.variables !== undefined) body.variables = op.variables;
      if (op.operationName !== undefined) body.operationName = op.operationName;
      const contentType = weighted(g, [[8, 'application/json'], [1, 'application/json; charset=utf-8'], [1, 'application/graphql-response+json']]);
      const headers: Record<string, string> = { 'content-type': contentType, ...auth };
      if (chance(g, 30)) Object.assign(headers, PREFLIGHT);
      if (chance(g, 6)) headers.accept = pick(g, ['application/graphql-response+json', 'application/json', 'text/html', '*/*', 'multipart/mixed']);
      return { kind: `post:${op.kind}`, method: 'POST', search: '', headers, body: JSON.stringify(body), viewer: token.label };
    }
    case 'get-operation': {
      const op = operation(g, pool);
      const headers: Record<string, string> = { ...auth, ...PREFLIGHT };
      return { kind: `get:${op.kind}`, method: 'GET', search: getSearch(op, g), headers, viewer: token.label, mutationOverGet: op.runsMutation };
    }
    case 'post-garbage': {
      const { kind, body } = garbageBody(g, pool);
      return { kind: `post:${kind}`, method: 'POST', search: '', headers: { 'content-type': 'application/json', ...auth }, body, viewer: token.label };
    }
    case 'content-type': {
      const op = operation(g, pool);
      const json = JSON.stringify({ query: op.document, variables: op.variables });
      const [contentType, body] = weighted<[string | null, string]>(g, [
        [2, ['application/graphql', op.document]],
        [1, ['application/xml', `<query>${op.document}</query>`]],
        [1, ['application/json; charset=latin1', json]],
        [1, ['application/jsonx', json]],
        [1, ['application/json', `query=${encodeURIComponent(op.document)}`]],
        [1, ['', json]],
        [1, [null, json]],
      ]);
      const headers: Record<string, string> = { ...auth, ...PREFLIGHT };
      if (contentType !== null) headers['content-type'] = contentType;
      return { kind: `content-type:${contentType ?? 'none'}`, method: 'POST', search: '', headers, body, viewer: token.label };
    }
    case 'get-garbage': {
      const search = weighted(g, [
        [2, `?query=${encodeURIComponent(pick(g, BROKEN_DOCUMENTS))}`],
        [1, ''],
        [1, '?'],
        [1, '?query='],
        [1, '?query=%7B%20health%20%7B%20ok%20%7D%20%7D&query=%7B%20viewer%20%7B%20role%20%7D%20%7D'],
        [1, '?query=%E0%A4%A'],
        [1, `?query=${encodeURIComponent('mutation { archiveStakeholder(input: { id: "x", version: 1 }) { userErrors { code } } }')}`],
        [1, `?variables=${encodeURIComponent('{"a":1}')}`],
        [1, `?query=${encodeURIComponent(`{ ${'h: health { ok } '.repeat(2)}}`)}&variables=%7B`],
      ]);
      const mutation = /mutation/.test(decodeURIComponentSafe(search));
      return { kind: 'get:garbage', method: 'GET', search, headers: { ...auth, ...PREFLIGHT }, viewer: token.label, mutationOverGet: mutation };
    }
    case 'csrf': {
      // What a cross-site form or <img> can send: it must not be executed.
      const op = operation(g, pool);
      if (chance(g, 50)) {
        return { kind: `csrf:get:${op.kind}`, method: 'GET', search: getSearch(op, g), headers: { ...auth }, viewer: token.label, csrfUnsafe: true, mutationOverGet: op.runsMutation };
      }
      const contentType = pick(g, ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']);
      const body = JSON.stringify({ query: op.document, variables: op.variables });
      return { kind: `csrf:post:${op.kind}`, method: 'POST', search: '', headers: { 'content-type': contentType, ...auth }, body, viewer: token.label, csrfUnsafe: true };
    }
    case 'method': {
      const method = pick(g, ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
      const headers: Record<string, string> = { 'content-type': 'application/json', ...auth, ...PREFLIGHT };
      if (method === 'OPTIONS') Object.assign(headers, { origin: 'https://evil.example', 'access-control-request-method': 'POST' });
      const body = method === 'HEAD' || method === 'OPTIONS' ? undefined : JSON.stringify({ query: '{ health { ok } }' });
      return { kind: `method:${method}`, method, search: '', headers, body, viewer: token.label };
    }
    case 'path': {
      const path = pick(g, ['/', '/graphql/', '/GRAPHQL', '/graphql/x', '/graphql%00', '/nope', '/healthz', '/readyz', '/metrics', '/../graphql', '//graphql', '/graphql;x']);
      const method = pick(g, ['GET', 'POST']);
      const headers: Record<string, string> = { 'content-type': 'application/json', ...auth, ...PREFLIGHT };
      const body = method === 'POST' ? JSON.stringify({ query: '{ health { ok } viewer { role } }' }) : undefined;
      const search = method === 'GET' ? `?query=${encodeURIComponent('{ health { ok } }')}` : '';
      return { kind: `path:${path}`, method, path, search, headers, body, viewer: token.label };
    }
    case 'burst': {
      // The same create three times at once with one idempotency key: one record, three equal answers, no 5xx.
      const creates = Object.values((pool.schema.getMutationType() as GraphQLObjectType).getFields()).filter((f) => {
        const input = f.args[0] && getNamedType(f.args[0].type);
        return input !== undefined && isInputObjectType(input) && 'idempotencyKey' in input.getFields();
      });
      const writers = valid.filter((t) => /^(ADMIN|\S+ EM)\b/.test(t.label));
      const writer = writers.length > 0 ? pick(g, writers) : token;
      const op = operation(g, pool, 'mutation', { root: pick(g, creates).name, idempotencyKey: `burst-${int(g, 0, 1_000_000_000)}` });
      const body = JSON.stringify({ query: op.document, variables: op.variables, operationName: op.operationName });
      return { kind: `burst:${op.kind}`, method: 'POST', search: '', headers: { 'content-type': 'application/json', ...authHeaders(writer) }, body, viewer: writer.label, burst: 3 };
    }
    default: {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...PREFLIGHT, ...auth };
      const which = weighted(g, [
        [2, 'long-authorization'],
        [1, 'long-request-id'],
        [1, 'odd-request-id'],
        [1, 'many-headers'],
      ]);
      if (which === 'long-authorization') headers.authorization = `Bearer ${'a'.repeat(pick(g, [4000, 12000, 30000]))}`;
      if (which === 'long-request-id') headers['x-request-id'] = 'r'.repeat(pick(g, [101, 5000]));
      if (which === 'odd-request-id') headers['x-request-id'] = pick(g, ['\t', 'id with spaces', '../../etc/passwd', '%00']);
      if (which === 'many-headers') for (let i = 0; i < 150; i++) headers[`x-fuzz-${i}`] = String(i);
      return { kind: `headers:${which}`, method: 'POST', search: '', headers, body: JSON.stringify({ query: '{ health { ok } viewer { role } }' }), viewer: token.label };
    }
  }
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The sweep: for every root query field, and for every relation of what it returns, two wide,
 * plausible queries as random signed-in viewers (ADMIN more often), so that each run reads (and serialises) every
 * kind of value the world holds, not only what the random walk happens to reach.
 */
export function sweepTargets(schema: GraphQLSchema): SweepTarget[] {
  const targets: SweepTarget[] = [];
  for (const field of Object.values((schema.getQueryType() as GraphQLObjectType).getFields())) {
    const type = getNamedType(field.type);
    const relations = isCompositeType(type) ? fieldsOf(type).filter((f) => !isLeafType(getNamedType(f.type))) : [];
    if (relations.length === 0) targets.push({ root: field.name });
    for (const relation of relations) targets.push({ root: field.name, child: relation.name });
  }
  return targets;
}

export function sweepRequest(g: Gen, pool: FuzzPool, target: SweepTarget): FuzzRequest {
  const signedIn = pool.tokens.filter((t) => t.valid && t.authorization !== null);
  const admins = signedIn.filter((t) => t.label === 'ADMIN');
  const token = admins.length > 0 && chance(g, 40) ? pick(g, admins) : pick(g, signedIn);
  const op = operation(g, pool, 'query', target);
  const body: Record<string, unknown> = { query: op.document };
  if (op.variables !== undefined) body.variables = op.variables;
  if (op.operationName !== undefined) body.operationName = op.operationName;
  return {
    kind: `sweep:${target.root}${target.child ? `.${target.child}` : ''}`,
    method: 'POST',
    search: '',
    headers: { 'content-type': 'application/json', ...authHeaders(token) },
    body: JSON.stringify(body),
    viewer: token.label,
  };
}

/** The sweep's requests, in schema order (one sample of a seeded generator). */
export const sweepArbitrary = (pool: FuzzPool): fc.Arbitrary<FuzzRequest[]> =>
  fc.gen().map((g) => sweepTargets(pool.schema).flatMap((target) => [sweepRequest(g, pool, target), sweepRequest(g, pool, target)]));

/** The arbitrary of requests (fc.gen drives the imperative schema walk; the seed fixes the sequence). */
export const requestArbitrary = (pool: FuzzPool): fc.Arbitrary<FuzzRequest> => fc.gen().map((g) => generateRequest(g, pool));

// ---------------------------------------------------------------------------------------------
// Sending and checking
// ---------------------------------------------------------------------------------------------

export interface FuzzResponse {
  status: number;
  contentType: string;
  text: string;
  /** Set when the request itself failed (connection reset, timeout). */
  networkError?: string;
  ms: number;
}

export async function send(url: string, request: FuzzRequest, timeoutMs: number): Promise<FuzzResponse> {
  const started = Date.now();
  try {
    const target = request.path === undefined ? `${url}${request.search}` : `${new URL(url).origin}${request.path}${request.search}`;
    const response = await fetch(target, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, ms: Date.now() - started };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      status: 0,
      contentType: '',
      text: '',
      networkError: `${(error as Error).name}: ${(error as Error).message}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`,
      ms: Date.now() - started,
    };
  }
}

export const STABLE_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR']);

/** Text that only an internal (a stack, a path, SQL, the ORM) would put into a response. */
export const LEAK_PATTERNS: readonly RegExp[] = [
  /\bat .+\.(ts|js):\d+/,
  /node_modules/,
  /\/work\//,
  /\/(home|usr|var|tmp|opt|root)\/\S+/,
  /\bSELECT .+ FROM\b/i,
  /\bSELECT\s/,
  /INSERT INTO/i,
  /\bUPDATE\b.*\bSET\b/,
  /\bviolates\b/i,
  /\bconstraint\b/i,
  /relation "/,
  /column "/,
  /QueryFailedError/,
  /EntityNotFound/,
  /TypeORM/i,
  /\bpg_\w+/,
  /duplicate key/i,
  /syntax error at or near/i,
  /invalid input syntax for/i,
  /\bSQLSTATE\b/i,
  /ECONNREFUSED|ETIMEDOUT/,
  /TypeError|ReferenceError|RangeError|SyntaxError: Unexpected token/,
  /Cannot read propert/,
  /\.(ts|js):\d+:\d+/,
];

interface ErrorShape {
  message?: unknown;
  path?: unknown;
  extensions?: Record<string, unknown>;
}

/**
 * The leaks in `text`: pattern matches that do not merely echo the request (a value the client
 * sent may come back in a validation message).
 */
export function leaksIn(text: string, request: FuzzRequest): string[] {
  const sent = sentTexts(request);
  const found: string[] = [];
  for (const pattern of LEAK_PATTERNS) {
    const match = pattern.exec(text);
    if (match && !sent.some((s) => s.includes(match[0]))) found.push(`${pattern} matched ${JSON.stringify(match[0].slice(0, 120))}`);
  }
  return found;
}

/** Every text the request carried, decoded (the raw body, the URL, every string inside a JSON body). */
function sentTexts(request: FuzzRequest): string[] {
  const texts = [request.body ?? '', request.search, decodeURIComponentSafe(request.search)];
  for (const value of new URLSearchParams(request.search).values()) texts.push(value);
  const collect = (value: unknown): void => {
    if (typeof value === 'string') texts.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === 'object') Object.entries(value).forEach(([k, v]) => (texts.push(k), collect(v)));
  };
  try {
    if (request.body !== undefined) collect(JSON.parse(request.body));
  } catch {
    // not JSON: the raw body is in `texts` already
  }
  for (const value of new URLSearchParams(request.search).values()) {
    try {
      collect(JSON.parse(value));
    } catch {
      // a document, not JSON
    }
  }
  return texts;
}

/** Everything wrong with one response; empty when it is fine. */
export function problemsOf(request: FuzzRequest, response: FuzzResponse): string[] {
  const problems: string[] = [];
  if (response.networkError) return [`no response: ${response.networkError}`];
  if (response.status >= 500) problems.push(`HTTP ${response.status}`);
  let json: unknown;
  if (/json/i.test(response.contentType) && request.method !== 'HEAD') {
    try {
      json = JSON.parse(response.text);
    } catch {
      problems.push(`content-type ${response.contentType} but the body is not JSON`);
    }
  }
  const data = (json as { data?: unknown } | undefined)?.data;
  // A mutation over GET must not run (Apollo answers 405, or 200 with only an error for a persisted-query request).
  if (request.mutationOverGet && (data != null || (response.status < 400 && !(json as { errors?: unknown } | undefined)?.errors))) {
    problems.push(`a mutation over GET was executed (HTTP ${response.status})`);
  }
  if (request.csrfUnsafe) {
    if (response.status < 400 || data != null) problems.push(`a request CSRF prevention must block was executed (HTTP ${response.status})`);
  }
  if (json !== undefined && json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const errors = (json as { errors?: unknown }).errors;
    if (errors !== undefined) {
      if (!Array.isArray(errors)) problems.push('`errors` is not an array');
      else {
        for (const error of errors as ErrorShape[]) {
          const code = error?.extensions?.code;
          if (typeof code !== 'string' || !STABLE_CODES.has(code)) problems.push(`error without a stable code: ${JSON.stringify(error).slice(0, 300)}`);
          else if (code === 'INTERNAL_SERVER_ERROR') problems.push(`INTERNAL_SERVER_ERROR: ${JSON.stringify(error).slice(0, 300)}`);
          for (const key of ['stacktrace', 'exception', 'originalError']) {
            if (error?.extensions && key in error.extensions) problems.push(`error extension \`${key}\` leaks internals`);
          }
          // Arguments and variables are coerced before execution: a scalar that "cannot represent" a
          // value at a response path is the server failing to serialise its own data, whatever the code says.
          if (Array.isArray(error?.path) && typeof error?.message === 'string' && /cannot represent/i.test(error.message)) {
            problems.push(`the server could not serialise its own output at ${error.path.join('.')} (${code}): ${error.message}`);
          }
          if (typeof error?.message !== 'string') problems.push(`error without a message: ${JSON.stringify(error).slice(0, 300)}`);
          else for (const leak of leaksIn(error.message, request)) problems.push(`error message leaks internals (${leak}): ${error.message.slice(0, 300)}`);
        }
      }
    }
  } else if (json === undefined && response.text) {
    // Not a GraphQL response (a plain-text or HTML error page): it must not leak either.
    for (const leak of leaksIn(response.text, request)) problems.push(`non-JSON body leaks internals (${leak})`);
  }
  return problems;
}

/**
 * A burst replays one create with one idempotency key: whenever every copy succeeded without
 * errors, they must all tell of the same record (the first result, replayed).
 */
export function burstProblems(responses: FuzzResponse[]): string[] {
  const answers: unknown[] = [];
  for (const response of responses) {
    try {
      const json = JSON.parse(response.text) as { data?: unknown; errors?: unknown[] };
      if (json.errors?.length || json.data == null) return [];
      answers.push(json.data);
    } catch {
      return [];
    }
  }
  const distinct = new Set(answers.map((a) => JSON.stringify(a)));
  return distinct.size > 1 ? [`${responses.length} copies with one idempotency key got ${distinct.size} different answers: ${[...distinct].map((d) => d.slice(0, 300)).join(' ≠ ')}`] : [];
}

// ---------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------

function prettyDocument(document: unknown): string {
  if (typeof document !== 'string') return JSON.stringify(document);
  try {
    return print(parse(document));
  } catch {
    return document.length > 2000 ? `${document.slice(0, 2000)}… (${document.length} chars)` : document;
  }
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

/** A failing request as a reproducer: the request (token named by its viewer) and the response. */
export function describeFailure(index: number, replay: string, request: FuzzRequest, response: FuzzResponse, problems: string[], serverLog: string[]): string {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([k, v]) => [k, k === 'authorization' && v.length > 40 ? `${v.slice(0, 20)}… (${request.viewer})` : clip(v, 200)]),
  );
  const lines = [
    `#${index} (replay: ${replay} FUZZ_ONLY=${index}) ${request.kind} as ${request.viewer}`,
    `  problems:\n    - ${problems.join('\n    - ')}`,
    `  request: ${request.method} ${request.path ?? '/graphql'}${clip(request.search, 300)}${request.burst ? ` (${request.burst} at once)` : ''}`,
    `  headers: ${JSON.stringify(headers)}`,
  ];
  let parsed: unknown;
  try {
    parsed = request.body === undefined ? undefined : JSON.parse(request.body);
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && 'query' in parsed) {
    const body = parsed as { query?: unknown; variables?: unknown; operationName?: unknown };
    lines.push(`  query:\n${prettyDocument(body.query).replace(/^/gm, '    ')}`);
    if (body.variables !== undefined) lines.push(`  variables: ${clip(JSON.stringify(body.variables), 1500)}`);
    if (body.operationName !== undefined) lines.push(`  operationName: ${JSON.stringify(body.operationName)}`);
  } else if (request.search.startsWith('?')) {
    const params = new URLSearchParams(request.search);
    if (params.get('query')) lines.push(`  query (GET):\n${prettyDocument(params.get('query')).replace(/^/gm, '    ')}`);
    for (const name of ['variables', 'operationName', 'extensions']) {
      if (params.has(name)) lines.push(`  ${name} (GET): ${clip(String(params.get(name)), 1500)}`);
    }
  } else if (request.body !== undefined) {
    lines.push(`  body: ${clip(JSON.stringify(request.body), 1500)}`);
  }
  lines.push(`  response: HTTP ${response.status} ${response.contentType} ${clip(response.text, 1500)}`);
  const logged = serverLog.map(summarizeLog).filter((l) => l !== 'request completed' && l !== 'request failed');
  if (logged.length > 0) lines.push(`  server log:\n${logged.map((l) => `    ${clip(l, 600)}`).join('\n')}`);
  return lines.join('\n');
}

/** What the server logged about an unexpected error: its message and the first frame in our code. */
export function summarizeLog(line: string): string {
  try {
    const entry = JSON.parse(line) as { msg?: string; err?: { message?: string; stack?: string; type?: string }; path?: string };
    if (!entry.err) return `${entry.msg ?? ''}`;
    const frames = (entry.err.stack ?? '').split('\n').map((f) => f.trim()).filter((f) => f.startsWith('at '));
    const ours = frames.find((f) => f.includes('/src/') && !f.includes('node_modules')) ?? frames[0] ?? '';
    return `${entry.msg ?? ''}${entry.path ? ` at ${entry.path}` : ''}: ${entry.err.message ?? entry.err.type ?? ''} ${ours}`.trim();
  } catch {
    return line;
  }
}

/** One line per distinct problem (numbers, strings and paths stripped; the server's own error when it logged one). */
export function signatureOf(request: FuzzRequest, problems: string[], serverLog: string[]): string {
  const logged = serverLog
    .map(summarizeLog)
    .filter((l) => l.startsWith('unexpected'))
    .map((l) => l.replace(/ at [\w.]+:/, ':').replace(/\(.*\)$/, ''));
  const norm = (text: string): string =>
    text
      .replace(/"path":\[[^\]]*\],?/g, '')
      .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
      .replace(/\d+/g, 'N')
      .slice(0, 160);
  if (logged.length > 0) return [...new Set(logged.map(norm))].join(' / ');
  return `${[...new Set(problems.map(norm))].join(' / ')} | ${request.kind.split(':')[0]}`;
}
