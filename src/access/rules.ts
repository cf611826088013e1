import { allow, deny, rule } from 'graphql-shield';
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

/** Who passes a rule, where only the viewer decides it: some roles, and perhaps a request without a token. */
export interface Admits {
  roles: ReadonlySet<Role>;
  anonymous: boolean;
}
const ADMITS = new WeakMap<object, Admits>();
/** Whom `rule` lets through, for the rules built here (each looks at the viewer only); undefined for any other rule. */
export const admitsOf = (r: unknown): Admits | undefined => (typeof r === 'object' && r !== null ? ADMITS.get(r) : undefined);
ADMITS.set(isAuthenticated, { roles: new Set(Object.values(Role)), anonymous: false });
ADMITS.set(allow, { roles: new Set(Object.values(Role)), anonymous: true });
ADMITS.set(deny, { roles: new Set(), anonymous: false });

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
    ADMITS.set(existing, { roles: new Set(roles), anonymous: false });
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
/** Webhooks: an organisation's engagement managers read their own (the record rule), the secretariat all of them; only the former change them (actions.ts). */
export const readsWebhooks = hasRole(Role.ADMIN, Role.ENGAGEMENT_MANAGER);

/** Open to anyone, token or not: only for health and for types that carry no data of their own. */
export const isPublic = allow;
