import type { EntityManager } from 'typeorm';
import type { Viewer } from './viewer';

/**
 * The audit trail of one request (DESIGN §3): every allowed read of a sensitive field, every
 * mutation, every denied or failed action. Two places make records, both in the access layer:
 * the field policy (`guardClassifiedFields`: the fields actually returned, not merely decided)
 * and the named actions (`authorize` for denials, `runMutation` for writes). Writes are appended
 * in the mutation's own transaction; reads, denials and failures are collected and appended in
 * one statement after the response is computed (`flush`, from the GraphQL layer's audit plugin).
 * Rows go through `audit_append` (migrations/…-CreateAuditTrail.ts), which chains them.
 */
export type AuditOutcome = 'allowed' | 'denied' | 'failed';

export interface AuditEvent {
  /** `read`, an action name (`contract:sign`), `audit:read`, `gdpr:export` … */
  action: string;
  outcome: AuditOutcome;
  targetType?: string | null;
  targetId?: string | null;
  /** The patient the target is about, when it is about one (the patient's access log reads it). */
  patientId?: string | null;
  /** Sensitive fields returned (reads) or field names changed (writes), never values. */
  fields?: readonly string[];
  /** Defaults to the database's now(). */
  at?: Date;
}

export class AuditTrail {
  private readonly reads = new Map<string, { targetType: string; targetId: string; patientId: string | null; fields: Set<string> }>();
  private readonly events: AuditEvent[] = [];

  constructor(
    private readonly viewer: Viewer | null,
    private readonly requestId: string,
    /** Off (AUDIT_ENABLED=false): nothing is collected or written. */
    readonly enabled: boolean,
  ) {}

  /** A sensitive field of a record was returned to the viewer. One row per record and request, whatever the paths. */
  read(targetType: string, targetId: string, patientId: string | null, field: string): void {
    if (!this.enabled || !this.viewer) return;
    const key = `${targetType}:${targetId}`;
    const found = this.reads.get(key);
    if (found) found.fields.add(field);
    else this.reads.set(key, { targetType, targetId, patientId, fields: new Set([field]) });
  }

  /** An event written after the response (a denial, a failure, a read of the audit itself). */
  record(event: AuditEvent): void {
    if (this.enabled && this.viewer) this.events.push(event);
  }

  /** Was an event of this action and outcome recorded for the flush? */
  hasOutcome(action: string, outcome: AuditOutcome): boolean {
    return this.events.some((e) => e.action === action && e.outcome === outcome);
  }

  /** Is anything waiting for `flush`? */
  get pending(): boolean {
    return this.reads.size > 0 || this.events.length > 0;
  }

  /** Appends what was collected, in one statement, and forgets it. Throws when it cannot. */
  async flush(manager: EntityManager): Promise<void> {
    if (!this.pending) return;
    const reads: AuditEvent[] = [...this.reads.values()].map((r) => ({ ...r, fields: [...r.fields], action: 'read', outcome: 'allowed' }));
    const events = [...reads, ...this.events];
    this.reads.clear();
    this.events.length = 0;
    await this.append(manager, events);
  }

  /** Appends `events` now, in `manager`'s transaction (a mutation's write: it cannot commit without its record). */
  async append(manager: EntityManager, events: readonly AuditEvent[]): Promise<void> {
    if (!this.enabled || !this.viewer || events.length === 0) return;
    const viewer = this.viewer;
    const rows = events.map((e) => ({
      at: e.at?.toISOString(),
      requestId: this.requestId,
      subject: viewer.userId,
      role: viewer.role,
      organisationId: viewer.orgId,
      viewerPatientId: viewer.patientId,
      purpose: viewer.purpose,
      action: e.action,
      targetType: e.targetType ?? null,
      targetId: e.targetId ?? null,
      patientId: e.patientId ?? null,
      fields: e.fields ?? [],
      outcome: e.outcome,
    }));
    await manager.query('SELECT audit_append($1::jsonb)', [JSON.stringify(rows)]);
  }
}
