import { ArrayMinSize, ArrayUnique, Length, MinDate } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ConsentPurpose, ConsentScope } from './consent.entity';

@InputType({ description: 'Narrows `consents`; every field given must match.' })
export class ConsentFilter {
  @Field(() => ID, { nullable: true, description: 'A patient sees only their own consents whatever this says.' })
  patientId?: string;

  @Field(() => ID, { nullable: true, description: 'Consents granted to this organisation (not those granted to the whole alliance).' })
  granteeId?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: neither withdrawn nor expired; false: withdrawn or expired.' })
  active?: boolean;
}

@InputType({ description: "A patient's new consent." })
export class GrantConsentInput {
  @Field(() => ID, { description: 'The patient who grants it (yourself, for a patient login).' })
  patientId: string;

  @Field(() => ID, { nullable: true, description: 'The organisation granted access; omit it to grant the whole alliance.' })
  granteeId?: string | null;

  @Field(() => [ConsentScope], { description: 'What the grantee may read; at least one, no repeats.' })
  @ArrayMinSize(1)
  @ArrayUnique()
  scopes: ConsentScope[];

  @Field(() => [ConsentPurpose], { description: 'For which purposes of use; at least one, no repeats.' })
  @ArrayMinSize(1)
  @ArrayUnique()
  purposes: ConsentPurpose[];

  @Field(() => Date, { nullable: true, description: 'Must be in the future; no expiry when omitted.' })
  @MinDate(() => new Date(), { message: 'expiresAt must be in the future' })
  expiresAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Replaying the same input with the same key returns the first result.' })
  @Length(1, 200)
  idempotencyKey?: string | null;
}

@InputType({ description: 'The consent to withdraw.' })
export class WithdrawConsentInput {
  @Field(() => ID, { description: 'Global ID of the consent.' })
  id: string;

  @Field(() => Int, { description: 'The version you read; the update fails with CONFLICT if it moved.' })
  version: number;
}
