import { Length, Matches } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'The patient to erase, and why.' })
export class ErasePatientInput {
  @Field(() => ID, { description: 'The patient to erase.' })
  id: string;

  @Field(() => String, {
    description:
      'Why (e.g. "Art. 17 request of 2026-11-02, ticket 4711"). Required, and stored nowhere: not in the database, not in the ' +
      "audit trail, not in the logs (it might hold personal data); keep it in the secretariat's register of requests.",
  })
  @Length(1, 500)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason: string;
}
