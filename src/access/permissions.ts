import type { GraphQLError } from 'graphql';
import { deny, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield/typings/types';
import { forbidden } from '../graphql/errors';
import { RULE_TREES } from '../graphql/resolvers';
import { ACTIONS } from './actions';
import { FIELDS } from './policy';
import { hasRole, isPublic, readsRecords } from './rules';

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

export function shieldMiddleware() {
  return shield(ruleTree() as IRules, {
    // Deny by default: a field without a rule is refused (a test also proves none exists).
    fallbackRule: deny,
    // Resolver errors (BAD_USER_INPUT, NOT_FOUND …) pass through; formatError masks the unexpected.
    allowExternalErrors: true,
    fallbackError: (): GraphQLError => forbidden(),
  });
}
