import type { DataSource } from 'typeorm';
import { Role, type Viewer } from './viewer';

/**
 * Which stakeholder claims each role carries (DESIGN §2, §3 "Token claims"): a claim the role
 * does not carry is refused, never silently honoured (a PATIENT token with an `org` would read
 * as that organisation).
 */
export const ROLE_CLAIMS: Record<Role, { org: 'required' | 'optional' | 'never'; patient: 'required' | 'never' }> = {
  ADMIN: { org: 'optional', patient: 'never' },
  ENGAGEMENT_MANAGER: { org: 'required', patient: 'never' },
  PARTNER: { org: 'required', patient: 'never' },
  ANALYST: { org: 'optional', patient: 'never' },
  PATIENT: { org: 'never', patient: 'required' },
};

/** Why a viewer's claims do not fit its role (null: they do). Checked on the token alone. */
export function claimShapeError(viewer: Pick<Viewer, 'role' | 'orgId' | 'patientId'>): string | null {
  const rule = ROLE_CLAIMS[viewer.role];
  if (rule.org === 'required' && !viewer.orgId) return `a ${viewer.role} token needs an org claim`;
  if (rule.org === 'never' && viewer.orgId) return `a ${viewer.role} token carries no org claim`;
  if (rule.patient === 'required' && !viewer.patientId) return `a ${viewer.role} token needs a patient claim`;
  if (rule.patient === 'never' && viewer.patientId) return `a ${viewer.role} token carries no patient claim`;
  return null;
}

/** Accepted claim sets are remembered this long (archiving an organisation locks its tokens out within it), at most this many. */
const ACCEPTED_FOR_MS = 10_000;
const ACCEPTED_MAX = 10_000;
const accepted = new Map<string, number>();

/**
 * Checks a verified viewer's stakeholder claims against the database, before any resolver runs:
 * `org` must name an existing, non-archived organisation (not a patient), `patient` must name a
 * patient. Returns why they are refused, or null. One small statement per request, skipped while
 * the same claims were accepted in the last 10 s.
 */
export async function checkClaims(db: DataSource, viewer: Viewer): Promise<string | null> {
  if (!viewer.orgId && !viewer.patientId) return null;
  const key = `${viewer.orgId ?? ''}|${viewer.patientId ?? ''}`;
  const until = accepted.get(key);
  if (until !== undefined && until > Date.now()) return null;
  const rows = (await db.query(`SELECT id, kind, archived_at IS NOT NULL AS archived FROM stakeholder WHERE id = ANY($1)`, [
    [viewer.orgId, viewer.patientId].filter((id) => id !== null),
  ])) as { id: string; kind: string; archived: boolean }[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  if (viewer.orgId) {
    const org = byId.get(viewer.orgId);
    if (!org) return 'claim org names no stakeholder';
    if (org.kind === 'PATIENT') return 'claim org must name an organisation, not a patient';
    if (org.archived) return 'claim org names an archived organisation';
  }
  if (viewer.patientId && byId.get(viewer.patientId)?.kind !== 'PATIENT') return 'claim patient must name a patient';
  if (accepted.size >= ACCEPTED_MAX) accepted.delete(accepted.keys().next().value as string);
  accepted.set(key, Date.now() + ACCEPTED_FOR_MS);
  return null;
}
