import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isObjectType,
  type GraphQLError,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { IMiddlewareGenerator, IMiddlewareTypeMap } from 'graphql-middleware';
import { deny, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield/typings/types';
import { forbidden } from '../graphql/errors';
import { RULE_TREES } from '../graphql/resolvers';
import { ACTIONS } from './actions';
import { FIELDS } from './policy';
import { admitsOf, hasRole, isPublic, readsRecords, type Admits } from './rules';
import { Role } from './viewer';

/** Types that only wrap data guarded at the root field, plus the open health check. */
const SHARED_RULES = {
  Query: { health: isPublic },
  Health: isPublic,
  PageInfo: isPublic,
  UserError: isPublic,
};

/**
 * The shield rules of the classified fields, derived from policy.ts: a sensitive field is asked
 * only by roles that read records (never ANALYST); whether its value or null comes back is
 * then `decide`'s, per record and viewer.
 */
export function policyRules(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(FIELDS).map(([type, fields]) => [type, Object.fromEntries(Object.keys(fields).map((field) => [field, readsRecords]))]),
  );
}

/** The shield rule of every mutation, derived from its action's roles (actions.ts): who may call it at all. */
export function mutationRules(): { Mutation: Record<string, unknown> } {
  return { Mutation: Object.fromEntries(Object.values(ACTIONS).map((action) => [action.mutation, hasRole(...action.roles)])) };
}

const isRule = (value: unknown): boolean => typeof value === 'object' && value !== null && 'resolve' in value;

/**
 * Merges the modules' rule trees (`<domain>.rules.ts`) and the policy's. A type-wide rule and
 * field rules of the same type combine as `{ '*': typeRule, ...fieldRules }`; a type or field
 * named twice is a bug.
 */
export function ruleTree(): Record<string, Record<string, unknown> | unknown> {
  const tree: Record<string, Record<string, unknown> | unknown> = {};
  for (const partial of [SHARED_RULES, ...RULE_TREES, mutationRules(), policyRules()]) {
    for (const [type, rules] of Object.entries(partial)) {
      const existing = tree[type];
      if (existing === undefined) {
        tree[type] = isRule(rules) ? rules : { ...(rules as Record<string, unknown>) };
        continue;
      }
      const merged: Record<string, unknown> = isRule(existing) ? { '*': existing } : (existing as Record<string, unknown>);
      const adding: Record<string, unknown> = isRule(rules) ? { '*': rules } : (rules as Record<string, unknown>);
      for (const [field, rule] of Object.entries(adding)) {
        if (field in merged) throw new Error(`shield rule ${type}.${field} is declared twice`);
        merged[field] = rule;
      }
      tree[type] = merged;
    }
  }
  return tree;
}

const shieldOptions = {
  // Deny by default: a field without a rule is refused (a test also proves none exists).
  fallbackRule: deny,
  // Resolver errors (BAD_USER_INPUT, NOT_FOUND …) pass through; formatError masks the unexpected.
  allowExternalErrors: true,
  fallbackError: (): GraphQLError => forbidden(),
};

/** The rule the shield applies to `type.field`: the field's own, else its type's, else the fallback (deny). */
export function effectiveRule(tree: Record<string, unknown>, type: string, field: string): unknown {
  const rules = tree[type];
  if (rules === undefined) return deny;
  if (isRule(rules)) return rules;
  const map = rules as Record<string, unknown>;
  return map[field] ?? map['*'] ?? deny;
}

const EVERYONE: Admits = { roles: new Set(Object.values(Role)), anonymous: true };
const NOBODY: Admits = { roles: new Set(), anonymous: false };
const within = (inner: Admits, outer: Admits): boolean => (!inner.anonymous || outer.anonymous) && [...inner.roles].every((r) => outer.roles.has(r));
const both = (a: Admits, b: Admits): Admits => ({ roles: new Set([...a.roles].filter((r) => b.roles.has(r))), anonymous: a.anonymous && b.anonymous });
const either = (a: Admits, b: Admits): Admits => ({ roles: new Set([...a.roles, ...b.roles]), anonymous: a.anonymous || b.anonymous });

/**
 * The fields (of any type but the root types) whose shield rule cannot refuse anyone who reaches
 * them, so that the shield need not run for them (issue 15: an async rule call per value was a
 * quarter of the server's CPU on large responses). An object of type T is only reached from a
 * root through fields that return it (or an interface or union it belongs to): who may reach T
 * is at most the union, over those fields, of who passes the field's rule and may reach the
 * field's own type, a fixpoint from the root types. A field of T whose rule admits everyone who
 * may reach T always passes where it runs, and skipping it changes no one's reach. A rule that is
 * not one of rules.ts (whose decisions depend on the viewer alone) counts as admitting everyone
 * where it lets viewers through, and is never skipped itself.
 */
export function provenFields(schema: GraphQLSchema, tree: Record<string, unknown>): Set<string> {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean).map((t) => t!.name));
  const objects = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'));
  const admits = (type: string, field: string): Admits => admitsOf(effectiveRule(tree, type, field)) ?? EVERYONE;
  const reach = new Map<string, Admits>(objects.map((t) => [t.name, roots.has(t.name) ? EVERYONE : NOBODY]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const parent of objects) {
      const reachParent = reach.get(parent.name)!;
      for (const field of Object.values(parent.getFields())) {
        const returned: GraphQLNamedType = getNamedType(field.type);
        if (isLeafType(returned)) continue;
        const through = both(reachParent, admits(parent.name, field.name));
        const targets = isObjectType(returned) ? [returned] : isAbstractType(returned) ? schema.getPossibleTypes(returned) : [];
        for (const target of targets) {
          const before = reach.get(target.name)!;
          if (within(through, before)) continue;
          reach.set(target.name, either(before, through));
          changed = true;
        }
      }
    }
  }
  const proven = new Set<string>();
  for (const type of objects) {
    if (roots.has(type.name)) continue;
    const reachers = reach.get(type.name)!;
    for (const field of Object.values(type.getFields())) {
      // Here an unknown rule proves nothing: it stays.
      const own = admitsOf(effectiveRule(tree, type.name, field.name));
      if (own && within(reachers, own)) proven.add(`${type.name}.${field.name}`);
    }
  }
  return proven;
}

/**
 * The shield's middleware for `schema`: the rule tree with deny as fallback, on every field but
 * the `provenFields`, whose rule would always pass.
 */
export function shieldMiddleware(schema: GraphQLSchema): IMiddlewareTypeMap {
  const tree = ruleTree() as Record<string, unknown>;
  const generated = (shield(tree as IRules, shieldOptions) as unknown as IMiddlewareGenerator<unknown, unknown, unknown>).generate(schema) as IMiddlewareTypeMap;
  const proven = provenFields(schema, tree);
  const pruned: IMiddlewareTypeMap = {};
  for (const [type, fields] of Object.entries(generated)) {
    pruned[type] = Object.fromEntries(Object.entries(fields as Record<string, unknown>).filter(([field]) => !proven.has(`${type}.${field}`))) as never;
  }
  return pruned;
}
