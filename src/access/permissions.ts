import type { GraphQLError } from 'graphql';
import { deny, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield/typings/types';
import { forbidden } from '../graphql/errors';
import { RULE_TREES } from '../graphql/resolvers';
import { isPublic } from './rules';

/** Types that only wrap data guarded at the root field, plus the open health check. */
const SHARED_RULES = {
  Query: { health: isPublic },
  Health: isPublic,
  PageInfo: isPublic,
  UserError: isPublic,
};

/** Merges the modules' rule trees (`<domain>.rules.ts`); a type or field named twice is a bug. */
export function ruleTree(): Record<string, Record<string, unknown> | unknown> {
  const tree: Record<string, Record<string, unknown> | unknown> = {};
  for (const partial of [SHARED_RULES, ...RULE_TREES]) {
    for (const [type, rules] of Object.entries(partial)) {
      const existing = tree[type];
      if (existing === undefined) {
        tree[type] = typeof rules === 'object' && rules !== null && !('resolve' in rules) ? { ...rules } : rules;
        continue;
      }
      if (typeof existing !== 'object' || existing === null || 'resolve' in existing || typeof rules !== 'object' || rules === null) {
        throw new Error(`shield rules for ${type} are declared twice`);
      }
      for (const [field, rule] of Object.entries(rules)) {
        if (field in existing) throw new Error(`shield rule ${type}.${field} is declared twice`);
        (existing as Record<string, unknown>)[field] = rule;
      }
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
