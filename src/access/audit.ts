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

  /**
   * Appends what was collected and forgets it; resolves once it is committed (with other
   * requests' events that were waiting at the same time: see `AuditBatcher`). Throws when it cannot.
   */
  async flush(batcher: AuditBatcher): Promise<void> {
    if (!this.pending) return;
    const reads: AuditEvent[] = [...this.reads.values()].map((r) => ({ ...r, fields: [...r.fields], action: 'read', outcome: 'allowed' }));
    const events = [...reads, ...this.events];
    this.reads.clear();
    this.events.length = 0;
    await batcher.append(this.rows(events));
  }

  /** Appends `events` now, in `manager`'s transaction (a mutation's write: it cannot commit without its record). */
  async append(manager: EntityManager, events: readonly AuditEvent[]): Promise<void> {
    if (!this.enabled || !this.viewer || events.length === 0) return;
    await manager.query('SELECT audit_append($1::jsonb)', [JSON.stringify(this.rows(events))]);
  }

  private rows(events: readonly AuditEvent[]): AuditRow[] {
    const viewer = this.viewer as Viewer;
    return events.map((e) => ({
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
  }
}

/** A row as `audit_append` takes it. */
type AuditRow = Record<string, unknown>;

/** At most this many rows go into one append. */
const MAX_BATCH_ROWS = 2_000;

/**
 * Group commit for the requests' audit flushes: while one append is on its way, the flushes that
 * arrive wait and then go together in the next one (one statement and one commit for all of
 * them, no timer). Each request still waits for the commit of its own rows, so a response is
 * sent only once its reads are recorded; a failed append fails every request in it.
 */
export class AuditBatcher {
  private readonly waiting: { rows: AuditRow[]; done: (error?: unknown) => void }[] = [];
  private busy = false;

  constructor(private readonly manager: EntityManager) {}

  append(rows: AuditRow[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ rows, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.busy) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.waiting.length > 0) {
      let count = 0;
      let size = 0;
      while (count < this.waiting.length && (count === 0 || size + this.waiting[count].rows.length <= MAX_BATCH_ROWS)) {
        size += this.waiting[count].rows.length;
        count += 1;
      }
      const batch = this.waiting.splice(0, count);
      try {
        await this.manager.query('SELECT audit_append($1::jsonb)', [JSON.stringify(batch.flatMap((b) => b.rows))]);
        for (const b of batch) b.done();
      } catch (error) {
        for (const b of batch) b.done(error ?? new Error('audit append failed'));
      }
    }
    this.busy = false;
  }
}
