import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { GlobalIdType } from '../../graphql/global-id';
import { ChangeEventType, type ChangeEvent } from '../../shared/outbox';

/** A committed change, as a subscription or a webhook delivery sees it; `record` is read as the receiver may see it now. */
@ObjectType('ChangeEvent', {
  description: 'A committed change of a record. `record` is read as you may see it when the event reaches you: null events are not sent at all.',
})
export class Change implements ChangeEvent {
  @Field(() => ID, { description: 'Sequence number of the event in the change feed (increasing; a decimal integer, not a global id).' })
  id: string;

  @Field(() => ChangeEventType, { description: 'What happened.' })
  type: ChangeEventType;

  @Field(() => String, { name: 'recordType', description: 'The kind of record that changed: Stakeholder, Partnership, Commitment, Contract, Interaction or Affiliation.' })
  recordType: GlobalIdType;

  recordId: string;

  @Field(() => Int, { description: "The record's version after the change: events of one record arrive in version order; use it to deduplicate." })
  version: number;

  actingOrgId: string | null;

  audience: string[] | null;

  @Field(() => Date, { description: 'When the change was committed.' })
  occurredAt: Date;
}
