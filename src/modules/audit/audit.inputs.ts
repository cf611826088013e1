import { Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { AuditOutcome } from './audit.entity';

@InputType({ description: 'Narrows `auditEvents`; every field given must match.' })
export class AuditEventFilter {
  @Field(() => String, { nullable: true, description: "The token's subject (user id)." })
  @Length(1, 200)
  subject?: string;

  @Field(() => ID, { nullable: true, description: "The user's organisation (a global id)." })
  organisationId?: string;

  @Field(() => ID, { nullable: true, description: 'The record read or written (a global id of any type, or the database id shown as `targetId`).' })
  targetId?: string;

  @Field(() => String, { nullable: true, description: '`read`, an action name (`consent:grant`), `audit:read` …' })
  @Length(1, 100)
  action?: string;

  @Field(() => AuditOutcome, { nullable: true, description: 'Only events that ended this way.' })
  outcome?: AuditOutcome;

  @Field(() => Date, { nullable: true, description: 'At or after this instant.' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Before this instant (exclusive).' })
  to?: Date;
}
