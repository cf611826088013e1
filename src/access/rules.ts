import { allow, rule } from 'graphql-shield';
import type { IRule } from 'graphql-shield/typings/types';
import type { Context } from '../graphql/context';
import { forbidden, unauthenticated } from '../graphql/errors';
import { Role } from './viewer';

/**
 * The building blocks of the shield rule tree. Rules use the `contextual` cache: each is decided
 * once per request (they look only at the viewer), however many fields and rows it guards.
 */
export const isAuthenticated = rule({ cache: 'contextual' })((_parent, _args, ctx: Context) =>
  ctx.viewer ? true : unauthenticated(),
);

const roleRules = new Map<string, IRule>();
/** The viewer has one of `roles`. */
export function hasRole(...roles: Role[]): IRule {
  const name = `hasRole(${[...roles].sort().join(',')})`;
  let existing = roleRules.get(name);
  if (!existing) {
    existing = rule(name, { cache: 'contextual' })((_parent, _args, ctx: Context) => {
      if (!ctx.viewer) return unauthenticated();
      return roles.includes(ctx.viewer.role) ? true : forbidden(`This needs one of the roles ${roles.join(', ')}.`);
    });
    roleRules.set(name, existing);
  }
  return existing;
}

/** Readers of the graph's records: everyone but ANALYST, whose reporting tools see aggregates only. */
export const readsRecords = hasRole(Role.ADMIN, Role.ENGAGEMENT_MANAGER, Role.PARTNER, Role.PATIENT);
/** Reporting: the secretariat, reporting tools, and engagement managers for their own organisation. */
export const readsMetrics = hasRole(Role.ADMIN, Role.ANALYST, Role.ENGAGEMENT_MANAGER);
/**
 * A patient's own business — consents, the GDPR export: the patient themself (checked per record
 * or request in actions.ts) and the secretariat.
 */
export const patientOrAdmin = hasRole(Role.ADMIN, Role.PATIENT);
/** The secretariat only: the whole audit trail. */
export const isAdmin = hasRole(Role.ADMIN);

/** Open to anyone, token or not: only for health and for types that carry no data of their own. */
export const isPublic = allow;
