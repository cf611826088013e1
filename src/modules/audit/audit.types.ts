import { Field, ObjectType } from 'type-graphql';
import { Role } from '../../access/viewer';
import { Connection } from '../../graphql/connection';
import { ConsentPurpose } from '../consent/consent.entity';
import { AuditEvent, AuditOutcome } from './audit.entity';

/**
 * One access to a patient's record as the patient sees it: which organisation, in which role and
 * for which purpose, did what to which of their fields, and when. Never the staff member (the
 * organisation answers for its users), never the patient's own reads.
 */
@ObjectType('AccessLogEntry', {
  description:
    "One access to a patient's record: which organisation, in which role and for which purpose, did what to which fields, and when. Never names the staff member.",
})
export class AccessLogEntry {
  @Field(() => Date, { description: 'When it happened.' })
  at: Date;

  /** The accessing organisation (for its name); not exposed. */
  organisationId: string | null;

  @Field(() => Role, { description: 'The role of the user who accessed the record.' })
  role: Role;

  @Field(() => ConsentPurpose, { nullable: true, description: 'The purpose of use of the request.' })
  purpose: ConsentPurpose | null;

  @Field(() => String, { description: '`read`, or the action of a write (`stakeholder:update`, `consent:grant` …).' })
  action: string;

  @Field(() => [String], { description: 'Your fields it returned (a read) or changed (a write): names, never values.' })
  fields: string[];

  @Field(() => AuditOutcome, { description: 'ALLOWED, or an attempt that was DENIED or FAILED (nothing read or changed).' })
  outcome: AuditOutcome;
}

@ObjectType({ description: 'A page of the audit trail, newest first.' })
export class AuditEventConnection extends Connection(AuditEvent, 'AuditEvent') {}

@ObjectType({ description: "A page of a patient's access log, newest first." })
export class AccessLogConnection extends Connection(AccessLogEntry, 'AccessLog') {}
