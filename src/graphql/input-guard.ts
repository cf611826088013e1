import {
  defaultFieldResolver,
  getNamedType,
  isInputObjectType,
  isIntrospectionType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  Kind,
  type GraphQLArgument,
  type GraphQLError,
  type GraphQLInputType,
  type GraphQLScalarType,
  type GraphQLSchema,
} from 'graphql';
import { UNPAIRED_SURROGATE } from '../shared/text';
import { appError, ErrorCode } from './errors';

/**
 * The input guard: every string that arrives as an argument, at any depth (top-level args,
 * nested input objects, lists, string-valued custom scalars), is checked before the field's
 * shield rule, class-validator or resolver runs:
 *
 * - no U+0000 (PostgreSQL text cannot hold it: the statement would fail and mask as
 *   INTERNAL_SERVER_ERROR) and no unpaired UTF-16 surrogate (not Unicode text: node-pg would
 *   silently store U+FFFD instead);
 * - at most a cap of characters (code points): a safety net under the tighter class-validator
 *   rules of each input, so that no string input, however forgotten, is unbounded.
 *
 * The refusal is BAD_USER_INPUT naming the argument path (`input.followUps.0.title`), never the
 * value. Only fields that take arguments are wrapped: the rest of a response costs nothing.
 *
 * Custom scalars (dates, country codes …) parse during variable coercion, before any resolver,
 * and their own errors quote the raw value. So an unsafe string never reaches their parser: it
 * parses into an `UnsafeText` marker instead, which the guard refuses at its argument path.
 */

/** Cap of an ordinary string argument, in characters (code points). */
export const MAX_STRING_LENGTH = 10_000;
/** Cap of an ID or custom-scalar argument (tokens, not text): our ids are under 100 characters. */
export const MAX_TOKEN_LENGTH = 1_000;
/** Long free text, keyed `InputType.field`: their own class-validator rule may exceed the ordinary cap. */
export const LONG_TEXT_FIELDS: Readonly<Record<string, number>> = {
  'RecordInteractionInput.notes': 20_000,
  // A small file sent inline (the body limit, 64 KB by default, bounds it anyway); larger ones stream through `npm run import`.
  'ImportRecordsInput.data': 60_000,
};


/** The cap that applies to a leaf of `type`, or to the input field `owner.field` of it. */
export function capOf(type: GraphQLInputType, owner?: string, field?: string): number {
  const long = owner && field ? LONG_TEXT_FIELDS[`${owner}.${field}`] : undefined;
  if (long !== undefined) return long;
  const named = getNamedType(type);
  return named.name === 'String' || !isScalarType(named) ? MAX_STRING_LENGTH : MAX_TOKEN_LENGTH;
}

/** Code points in `text`, counting stops once past `limit`. */
function codePointsOver(text: string, limit: number): boolean {
  if (text.length <= limit) return false;
  if (text.length > 2 * limit) return true;
  let pairs = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs += 1;
        i += 1;
      }
    }
  }
  return text.length - pairs > limit;
}

function refuse(path: string, why: string): GraphQLError {
  return appError(ErrorCode.BAD_USER_INPUT, `Argument ${path} ${why}`, { field: path });
}

/** Why `text` is refused (completing "Argument <path> …"), or null when it is fine. */
function unsafe(text: string, cap: number): string | null {
  if (codePointsOver(text, cap)) return `is longer than ${cap} characters.`;
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000), which text cannot hold.';
  if (UNPAIRED_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate: it is not valid Unicode text.';
  return null;
}

/** What a guarded custom scalar parses an unsafe string into: refused by the guard at its path. */
class UnsafeText {
  constructor(readonly reason: string) {}
}

/** A leaf (scalar or enum) value: a string, or whatever a custom scalar parsed it into. */
function checkLeaf(value: unknown, path: string, cap: number): void {
  if (value instanceof UnsafeText) throw refuse(path, value.reason);
  if (typeof value === 'string') {
    const reason = unsafe(value, cap);
    if (reason) throw refuse(path, reason);
    return;
  }
  if (Array.isArray(value)) return value.forEach((item, i) => checkLeaf(item, `${path}.${i}`, cap));
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    // Plain objects only (a JSON-like scalar); a Date or a Buffer holds no text.
    if (proto === Object.prototype || proto === null) {
      for (const [key, item] of Object.entries(value)) checkLeaf(item, `${path}.${key}`, cap);
    }
  }
}

function checkValue(value: unknown, type: GraphQLInputType, path: string, cap: number): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return checkValue(value, type.ofType, path, cap);
  if (isListType(type)) {
    if (Array.isArray(value)) value.forEach((item, i) => checkValue(item, type.ofType, `${path}.${i}`, cap));
    else checkValue(value, type.ofType, path, cap);
    return;
  }
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[key];
      if (field) checkValue(item, field.type, `${path}.${key}`, capOf(field.type, type.name, key));
    }
    return;
  }
  checkLeaf(value, path, cap);
}

/** Throws BAD_USER_INPUT for the first unsafe string among a field's (coerced) argument values. */
export function assertSafeArguments(definitions: readonly GraphQLArgument[], values: Record<string, unknown>): void {
  for (const argument of definitions) {
    checkValue(values[argument.name], argument.type, argument.name, capOf(argument.type));
  }
}

const GUARDED = Symbol('input-guard');

/**
 * A custom scalar parses an unsafe string into an UnsafeText marker instead of running its own
 * parser (whose error would quote the value, and whose pattern would scan a 100 KB string). The
 * scalar objects are module singletons, so this is done once, and only ever makes them stricter.
 */
function guardScalar(scalar: GraphQLScalarType): void {
  const marked = scalar as GraphQLScalarType & { [GUARDED]?: true };
  if (marked[GUARDED]) return;
  marked[GUARDED] = true;
  const { parseValue, parseLiteral } = scalar;
  scalar.parseValue = (value) => {
    const reason = typeof value === 'string' ? unsafe(value, MAX_TOKEN_LENGTH) : null;
    return reason ? new UnsafeText(reason) : parseValue(value);
  };
  scalar.parseLiteral = (node, variables) => {
    const reason = node.kind === Kind.STRING ? unsafe(node.value, MAX_TOKEN_LENGTH) : null;
    return reason ? new UnsafeText(reason) : parseLiteral(node, variables);
  };
}

/**
 * Wraps the resolver of every field that takes arguments so that the guard runs first: outside
 * the shield and type-graphql's validation, before anything reads the database; and guards the
 * custom scalars. Mutates and returns `schema`; apply it to the final (shielded) schema.
 */
export function guardInputs(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (isScalarType(type) && !isSpecifiedScalarType(type)) guardScalar(type);
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length === 0) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const definitions = field.args;
      field.resolve = (source, args: Record<string, unknown>, context, info) => {
        assertSafeArguments(definitions, args);
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
