import { ArrayMaxSize, IsEmail, IsInt, IsUrl, Length, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { GraphQLCountryCode, GraphQLEmailAddress } from 'graphql-scalars';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { SortDirection } from '../../graphql/connection';
import { CompanyType, ResearchKind, StakeholderKind } from './stakeholder.entity';

export enum StakeholderOrderField {
  NAME = 'NAME',
  CREATED_AT = 'CREATED_AT',
  UPDATED_AT = 'UPDATED_AT',
}
registerEnumType(StakeholderOrderField, { name: 'StakeholderOrderField' });

@InputType()
export class StakeholderFilter {
  @Field(() => [StakeholderKind], { nullable: true })
  kinds?: StakeholderKind[];

  @Field(() => [GraphQLCountryCode], { nullable: true, description: 'ISO 3166-1 alpha-2 codes.' })
  countries?: string[];

  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the name.' })
  @Length(1, 100)
  search?: string;

  @Field(() => [String], { nullable: true, description: 'Stakeholders carrying every one of these tags.' })
  @ArrayMaxSize(20)
  tags?: string[];

  @Field(() => [String], {
    nullable: true,
    description:
      'Patients having any of these conditions. Conditions are patient health data: only ADMIN may filter on them; ' +
      'anyone else is refused with FORBIDDEN and nothing runs (a filter on a field you cannot read would reveal it).',
  })
  @ArrayMaxSize(50)
  @Length(1, 200, { each: true })
  conditions?: string[];

  @Field(() => Boolean, { defaultValue: false })
  includeArchived: boolean;
}

@InputType()
export class StakeholderOrder {
  @Field(() => StakeholderOrderField, { defaultValue: StakeholderOrderField.NAME })
  field: StakeholderOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction: SortDirection;
}

/**
 * An address the `email` field (the EmailAddress scalar, ASCII only) can send back. IsEmail alone
 * also accepts internationalised and quoted addresses, which were stored and then failed every read.
 */
function IsServableEmail() {
  return ValidateBy({
    name: 'isServableEmail',
    validator: {
      validate(value: unknown): boolean {
        try {
          GraphQLEmailAddress.serialize(value);
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: () => 'email must be an ASCII email address (internationalised addresses are not supported)',
    },
  });
}

/** Fields shared by create and update; which kind-specific fields apply is checked by the service. */
@InputType('StakeholderFieldsInput')
export class StakeholderFieldsInput {
  @Field(() => String, { nullable: true, description: 'Required for organisations; for a patient the name is the pseudonym.' })
  @Length(1, 200)
  name?: string;

  @Field(() => GraphQLCountryCode, { nullable: true })
  country?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(5000)
  description?: string | null;

  @Field(() => String, { nullable: true })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(500)
  website?: string | null;

  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(50)
  @Length(1, 60, { each: true })
  tags?: string[];

  // PATIENT
  @Field(() => String, { nullable: true })
  @Length(2, 60)
  @Matches(/^[\p{L}\p{N} ._-]+$/u, { message: 'pseudonym may hold letters, digits, spaces, dots, dashes and underscores' })
  pseudonym?: string;
  @Field(() => String, { nullable: true })
  @Length(1, 200)
  displayName?: string | null;
  @Field(() => String, { nullable: true })
  @IsEmail()
  @IsServableEmail()
  @MaxLength(320)
  email?: string | null;
  @Field(() => String, { nullable: true })
  @Matches(/^\+?[0-9 ()-]{5,30}$/, { message: 'phone must be digits, spaces, brackets or dashes, optionally starting with +' })
  phone?: string | null;
  @Field(() => Int, { nullable: true })
  @IsInt()
  @Min(1900)
  @Max(2100)
  birthYear?: number | null;
  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(50)
  @Length(1, 200, { each: true })
  conditions?: string[];
  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(20)
  @Length(2, 35, { each: true })
  languages?: string[];
  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(50)
  @Length(1, 200, { each: true })
  expertise?: string[];

  // PATIENT_ORGANISATION
  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(50)
  @Length(1, 200, { each: true })
  diseaseAreas?: string[];
  @Field(() => String, { nullable: true })
  @Length(1, 200)
  umbrella?: string | null;
  @Field(() => String, { nullable: true })
  @Length(1, 50)
  transparencyRegisterId?: string | null;

  // COMPANY
  @Field(() => CompanyType, { nullable: true })
  companyType?: CompanyType | null;
  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(50)
  @Length(1, 200, { each: true })
  therapeuticAreas?: string[];
  @Field(() => Boolean, { nullable: true })
  efpiaMember?: boolean | null;

  // HTA_BODY, REGULATOR
  @Field(() => String, { nullable: true })
  @Length(1, 200)
  jurisdiction?: string | null;
  @Field(() => String, { nullable: true })
  @Length(1, 500)
  appraisalScope?: string | null;
  @Field(() => String, { nullable: true })
  @Length(1, 200)
  agencyType?: string | null;

  // RESEARCH_ORGANISATION
  @Field(() => ResearchKind, { nullable: true })
  researchKind?: ResearchKind | null;
}

@InputType()
export class CreateStakeholderInput extends StakeholderFieldsInput {
  @Field(() => StakeholderKind)
  kind: StakeholderKind;

  @Field(() => String, { nullable: true, description: 'Replaying the same input with the same key returns the first result.' })
  @Length(1, 200)
  idempotencyKey?: string | null;
}

@InputType()
export class UpdateStakeholderInput extends StakeholderFieldsInput {
  @Field(() => ID)
  id: string;

  @Field(() => Int, { description: 'The version you read; the update fails with CONFLICT if it moved.' })
  version: number;
}

@InputType()
export class ArchiveStakeholderInput {
  @Field(() => ID)
  id: string;

  @Field(() => Int)
  version: number;
}
