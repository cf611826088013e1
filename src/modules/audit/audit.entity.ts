import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Role } from '../../access/viewer';
import { GLOBAL_ID_TYPES, toGlobalId, type GlobalIdType } from '../../graphql/global-id';
import { ConsentPurpose } from '../consent/consent.entity';

/** Stored lower case (the table's CHECK); upper case in the API like every other enum. */
export enum AuditOutcome {
  ALLOWED = 'allowed',
  DENIED = 'denied',
  FAILED = 'failed',
}
registerEnumType(AuditOutcome, {
  name: 'AuditOutcome',
  description: 'How an audited read or write ended.',
  valuesConfig: {
    ALLOWED: { description: 'The read or write happened.' },
    DENIED: { description: 'Refused by the access layer; nothing was read or changed.' },
    FAILED: { description: 'Allowed, but rolled back; nothing was changed.' },
  },
});

const isGlobalIdType = (type: string | null): type is GlobalIdType => type !== null && (GLOBAL_ID_TYPES as readonly string[]).includes(type);
const stakeholderGlobalId = (id: string | null): string | null => (id === null ? null : toGlobalId('Stakeholder', id));

/**
 * One row of the audit trail (migrations/…-CreateAuditTrail.ts), read only: rows are appended by
 * `audit_append` and never changed, so TypeORM neither writes nor synchronises the partitioned
 * table. The GraphQL type is ADMIN's (`auditEvents`); a patient sees rows as `AccessLogEntry`.
 */
@ObjectType('AuditEvent', { description: 'A read of sensitive fields, a write, or a denied or failed action (ADMIN).' })
@Entity('audit_event', { synchronize: false })
export class AuditEvent {
  /** bigint: pg yields a number (data-source.ts), kept as a string so that it never loses digits in the API. */
  @Field(() => String, { description: 'The row number in the trail (a decimal integer, not a global id).' })
  @PrimaryColumn({ type: 'bigint', transformer: { from: (v: unknown) => (v == null ? v : String(v)), to: (v: unknown) => v } })
  id: string;

  @Field(() => Date, { description: 'When it happened.' })
  @PrimaryColumn({ type: 'timestamptz', precision: 3 })
  at: Date;

  @Field(() => String, { description: 'The request that made the event (the X-Request-Id of the HTTP log).' })
  @Column({ name: 'request_id', type: 'text' })
  requestId: string;

  @Field(() => String, { description: "The token's subject: the user." })
  @Column({ type: 'text' })
  subject: string;

  @Field(() => Role, { description: "The user's role (the token's claim)." })
  @Column({ type: 'text' })
  role: Role;

  @Column({ name: 'organisation_id', type: 'uuid', nullable: true })
  organisationId: string | null;

  @Field(() => ID, { name: 'organisationId', nullable: true, description: "The user's organisation; null for the secretariat or a patient." })
  get organisationGlobalId(): string | null {
    return stakeholderGlobalId(this.organisationId);
  }

  @Column({ name: 'viewer_patient_id', type: 'uuid', nullable: true })
  viewerPatientId: string | null;

  @Field(() => ID, { name: 'viewerPatientId', nullable: true, description: 'The patient, for a patient login.' })
  get viewerPatientGlobalId(): string | null {
    return stakeholderGlobalId(this.viewerPatientId);
  }

  @Field(() => ConsentPurpose, { nullable: true, description: 'The purpose of use of the request.' })
  @Column({ type: 'text', nullable: true })
  purpose: ConsentPurpose | null;

  @Field(() => String, { description: '`read`, a mutation\'s action name (`consent:grant`), `audit:read` …' })
  @Column({ type: 'text' })
  action: string;

  @Field(() => String, { nullable: true, description: 'The type of the record read or written (`Stakeholder`, `Contract` …).' })
  @Column({ name: 'target_type', type: 'text', nullable: true })
  targetType: string | null;

  @Column({ name: 'target_id', type: 'uuid', nullable: true })
  targetId: string | null;

  @Field(() => ID, {
    name: 'targetId',
    nullable: true,
    description: "The record's global id; its database id when the event names no type with global ids.",
  })
  get targetGlobalId(): string | null {
    if (this.targetId === null) return null;
    return isGlobalIdType(this.targetType) ? toGlobalId(this.targetType, this.targetId) : this.targetId;
  }

  @Column({ name: 'patient_id', type: 'uuid', nullable: true })
  patientId: string | null;

  @Field(() => ID, { name: 'patientId', nullable: true, description: 'The patient the record is about (their access log shows the event).' })
  get patientGlobalId(): string | null {
    return stakeholderGlobalId(this.patientId);
  }

  @Field(() => [String], { description: 'Sensitive fields returned (reads) or input fields set (writes): names, never values.' })
  @Column({ type: 'text', array: true })
  fields: string[];

  @Field(() => AuditOutcome, { description: 'Whether it happened, was refused, or failed and was rolled back.' })
  @Column({ type: 'text' })
  outcome: AuditOutcome;
}
