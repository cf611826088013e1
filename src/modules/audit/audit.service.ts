import { openStakeholderId } from '../../access/patient-ids';
import { paginate, SortDirection, type Page, type PageArgs, type SortKey } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { fromGlobalId } from '../../graphql/global-id';
import type { Stakeholder } from '../stakeholder/stakeholder.entity';
import { AuditEvent } from './audit.entity';
import type { AuditEventFilter } from './audit.inputs';
import type { AccessLogEntry } from './audit.types';

/** Newest first, by the table's key: (at, id) DESC walks the partitions' primary key backwards. */
const NEWEST_FIRST: SortKey = { expression: 'e.at', cast: 'timestamptz', idCast: 'bigint' };
/** The same order under another alias, so that a cursor of one list does not open the other. */
const LOG_NEWEST_FIRST: SortKey = { expression: 'l.at', cast: 'timestamptz', idCast: 'bigint' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A target named in a filter: a global id of any type, or a database id as `targetId` shows it for an untyped target. */
const targetDbId = (id: string): string | null => fromGlobalId(id)?.id ?? (UUID.test(id) ? id : null);

const toEntry = (e: AuditEvent): AccessLogEntry => ({
  at: e.at,
  organisationId: e.organisationId,
  role: e.role,
  purpose: e.purpose,
  action: e.action,
  fields: e.fields,
  outcome: e.outcome,
});

export const auditService = {
  /** The trail (ADMIN: the record rule gives no one else a row), filtered; reading it is itself an event. */
  async events(ctx: Context, page: PageArgs, filter?: AuditEventFilter | null): Promise<Page<AuditEvent>> {
    const qb = ctx.scope.list(AuditEvent, 'e');
    // An id that does not decode matches nothing, like an unknown one.
    if (filter?.subject != null) qb.andWhere('e.subject = :subject', { subject: filter.subject });
    if (filter?.organisationId != null) {
      qb.andWhere('e.organisation_id = :organisationId', { organisationId: await openStakeholderId(ctx, filter.organisationId) });
    }
    if (filter?.targetId != null) qb.andWhere('e.target_id = :targetId', { targetId: targetDbId(filter.targetId) });
    if (filter?.action != null) qb.andWhere('e.action = :action', { action: filter.action });
    if (filter?.outcome != null) qb.andWhere('e.outcome = :outcome', { outcome: filter.outcome });
    if (filter?.from) qb.andWhere('e.at >= :from', { from: filter.from });
    if (filter?.to) qb.andWhere('e.at < :to', { to: filter.to });
    const found = await paginate(qb, page, NEWEST_FIRST, SortDirection.DESC);
    ctx.scope.audit.record({ action: 'audit:read', outcome: 'allowed' });
    return found;
  },

  /**
   * Who accessed `patient`'s record, newest first: the patient's own rows but their own reads,
   * all of them for ADMIN, none for anyone else (the record rule). A read that returns entries is
   * itself recorded; an empty one is not, so that merely asking leaves nothing in the patient's log.
   */
  async accessLog(ctx: Context, patient: Stakeholder, page: PageArgs): Promise<Page<AccessLogEntry>> {
    const qb = ctx.scope.list(AuditEvent, 'l').andWhere('l.patient_id = :logPatientId', { logPatientId: patient.id });
    const found = await paginate(qb, page, LOG_NEWEST_FIRST, SortDirection.DESC);
    if (found.nodes.length > 0) {
      ctx.scope.audit.record({ action: 'audit:read', outcome: 'allowed', targetType: 'Stakeholder', targetId: patient.id, patientId: patient.id });
    }
    return { ...found, nodes: found.nodes.map(toEntry) };
  },

  /** The name of the organisation a user acted for; null for none (the secretariat, a patient). */
  async organisationName(ctx: Context, organisationId: string | null): Promise<string | null> {
    if (organisationId === null) return null;
    return (await ctx.loaders.stakeholder.load(organisationId))?.name ?? null;
  },
};
