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
registerEnumType(StakeholderOrderField, {
  name: 'StakeholderOrderField',
  description: 'What a list of stakeholders can be sorted by.',
  valuesConfig: {
    NAME: { description: "By name; a patient whose identity you may not read sorts by the neutral label you are shown, not by the pseudonym." },
    CREATED_AT: { description: 'By when the stakeholder was registered.' },
    UPDATED_AT: { description: 'By when the record last changed.' },
  },
});

@InputType({ description: 'Narrows the `stakeholders` list: a stakeholder is listed when it meets every criterion given.' })
export class StakeholderFilter {
  @Field(() => [StakeholderKind], { nullable: true, description: 'Stakeholders of any of these kinds.' })
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

  @Field(() => Boolean, { defaultValue: false, description: 'Also list archived stakeholders (left out by default).' })
  includeArchived: boolean;
}

@InputType({ description: 'The order of the `stakeholders` list; ties are broken by id, in the same direction.' })
export class StakeholderOrder {
  @Field(() => StakeholderOrderField, { defaultValue: StakeholderOrderField.NAME, description: 'What to sort by.' })
  field: StakeholderOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Ascending or descending.' })
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

  @Field(() => GraphQLCountryCode, { nullable: true, description: 'ISO 3166-1 alpha-2 code.' })
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'Free-text profile, up to 5,000 characters.' })
  @MaxLength(5000)
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'An http or https URL, up to 500 characters.' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(500)
  website?: string | null;

  @Field(() => [String], { nullable: true, description: 'Free labels, up to 50 of 1 to 60 characters; replaces the current list.' })
  @ArrayMaxSize(50)
  @Length(1, 60, { each: true })
  tags?: string[];

  // PATIENT
  @Field(() => String, {
    nullable: true,
    description:
      'PATIENT only, and required for one: the name the alliance knows the patient by, 2 to 60 letters, digits, spaces, dots, dashes or underscores; ' +
      'unique among patients (CONFLICT otherwise). Sensitive (identity).',
  })
  @Length(2, 60)
  @Matches(/^[\p{L}\p{N} ._-]+$/u, { message: 'pseudonym may hold letters, digits, spaces, dots, dashes and underscores' })
  pseudonym?: string;
  @Field(() => String, { nullable: true, description: "PATIENT only: the patient's display name, up to 200 characters. Sensitive (identity)." })
  @Length(1, 200)
  displayName?: string | null;
  @Field(() => String, { nullable: true, description: 'PATIENT only: an ASCII email address. Sensitive (contact).' })
  @IsEmail()
  @IsServableEmail()
  @MaxLength(320)
  email?: string | null;
  @Field(() => String, { nullable: true, description: 'PATIENT only: 5 to 30 digits, spaces, brackets or dashes, optionally after a leading +. Sensitive (contact).' })
  @Matches(/^\+?[0-9 ()-]{5,30}$/, { message: 'phone must be digits, spaces, brackets or dashes, optionally starting with +' })
  phone?: string | null;
  @Field(() => Int, { nullable: true, description: 'PATIENT only: year of birth, 1900 to 2100. Sensitive (identity).' })
  @IsInt()
  @Min(1900)
  @Max(2100)
  birthYear?: number | null;
  @Field(() => [String], { nullable: true, description: "PATIENT only: the patient's conditions, up to 50. Sensitive (health)." })
  @ArrayMaxSize(50)
  @Length(1, 200, { each: true })
  conditions?: string[];
  @Field(() => [String], { nullable: true, description: 'PATIENT only: languages the patient can take part in, up to 20.' })
  @ArrayMaxSize(20)
  @Length(2, 35, { each: true })
  languages?: string[];
  @Field(() => [String], { nullable: true, description: 'PATIENT only: lived and trained expertise (e.g. EUPATI-trained), up to 50 entries.' })
  @ArrayMaxSize(50)
  @Length(1, 200, { each: true })
  expertise?: string[];

  // PATIENT_ORGANISATION
  @Field(() => [String], { nullable: true, description: 'PATIENT_ORGANISATION only: diseases or conditions it represents, up to 50.' })
  @ArrayMaxSize(50)
  @Length(1, 200, { each: true })
  diseaseAreas?: string[];
  @Field(() => String, { nullable: true, description: 'PATIENT_ORGANISATION only: its umbrella organisation, e.g. a European federation.' })
  @Length(1, 200)
  umbrella?: string | null;
  @Field(() => String, { nullable: true, description: 'PATIENT_ORGANISATION only: its EU Transparency Register id.' })
  @Length(1, 50)
  transparencyRegisterId?: string | null;

  // COMPANY
  @Field(() => CompanyType, { nullable: true, description: 'COMPANY only: what the company does.' })
  companyType?: CompanyType | null;
  @Field(() => [String], { nullable: true, description: 'COMPANY only: therapeutic areas it works in, up to 50.' })
  @ArrayMaxSize(50)
  @Length(1, 200, { each: true })
  therapeuticAreas?: string[];
  @Field(() => Boolean, { nullable: true, description: 'COMPANY only: whether it is a member of EFPIA.' })
  efpiaMember?: boolean | null;

  // HTA_BODY, REGULATOR
  @Field(() => String, { nullable: true, description: 'HTA_BODY or REGULATOR only: the country or region it covers.' })
  @Length(1, 200)
  jurisdiction?: string | null;
  @Field(() => String, { nullable: true, description: 'HTA_BODY only: what the body appraises, up to 500 characters.' })
  @Length(1, 500)
  appraisalScope?: string | null;
  @Field(() => String, { nullable: true, description: 'REGULATOR only: what kind of agency it is.' })
  @Length(1, 200)
  agencyType?: string | null;

  // RESEARCH_ORGANISATION
  @Field(() => ResearchKind, { nullable: true, description: 'RESEARCH_ORGANISATION only: what kind of research organisation it is.' })
  researchKind?: ResearchKind | null;
}

@InputType({
  description:
    "A new stakeholder. Give only the fields of its kind (another kind's field is a BAD_USER_INPUT error): " +
    'a patient needs a pseudonym, which is also their name; any other kind needs a name.',
})
export class CreateStakeholderInput extends StakeholderFieldsInput {
  @Field(() => StakeholderKind, { description: 'The kind of stakeholder; it decides which fields apply. Only ADMIN registers an HTA_BODY or a REGULATOR.' })
  kind: StakeholderKind;

  @Field(() => String, { nullable: true, description: 'Replaying the same input with the same key returns the first result.' })
  @Length(1, 200)
  idempotencyKey?: string | null;
}

@InputType({
  description:
    "Changes to a stakeholder's profile: an omitted field keeps its value, null clears it (name, pseudonym and lists cannot be null: " +
    "send [] to empty a list). Only the fields of the stakeholder's kind apply.",
})
export class UpdateStakeholderInput extends StakeholderFieldsInput {
  @Field(() => ID, { description: 'Global ID of the stakeholder to change.' })
  id: string;

  @Field(() => Int, { description: 'The version you read; the update fails with CONFLICT if it moved.' })
  version: number;
}

@InputType({ description: 'The stakeholder to archive.' })
export class ArchiveStakeholderInput {
  @Field(() => ID, { description: 'Global ID of the stakeholder.' })
  id: string;

  @Field(() => Int, { description: 'The version you read; archiving fails with CONFLICT if it moved.' })
  version: number;
}
