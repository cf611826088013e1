import type { Context } from '../graphql/context';
import { forbidden, unauthenticated } from '../graphql/errors';
import { Role, type Viewer } from './viewer';

/**
 * Record-level checks for mutations: may this viewer act on this record? The shield decides by
 * role who may call a mutation at all; these decide on the record, inside the service, before
 * anything is written. A denial is a FORBIDDEN error and changes nothing.
 */
export function actingViewer(ctx: Context): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

export const isAdmin = (viewer: Viewer): boolean => viewer.role === Role.ADMIN;

/** ADMIN, or an engagement manager acting for one of `orgIds`. */
export function assertActsForOneOf(viewer: Viewer, orgIds: readonly (string | null | undefined)[], what: string): void {
  if (isAdmin(viewer)) return;
  if (viewer.role === Role.ENGAGEMENT_MANAGER && viewer.orgId && orgIds.includes(viewer.orgId)) return;
  throw forbidden(`Only ADMIN or an engagement manager of ${what} may do this.`);
}

/** ADMIN, or the patient themself. */
export function assertIsPatientOrAdmin(viewer: Viewer, patientId: string): void {
  if (isAdmin(viewer)) return;
  if (viewer.role === Role.PATIENT && viewer.patientId === patientId) return;
  throw forbidden('Only the patient themself or ADMIN may do this.');
}
