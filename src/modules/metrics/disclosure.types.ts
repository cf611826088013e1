import { GraphQLCurrency, GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SuppressedCount } from './metrics.types';

export enum RecipientGroup {
  PATIENT_ORGANISATION = 'PATIENT_ORGANISATION',
  OTHER = 'OTHER',
  PATIENTS = 'PATIENTS',
}
registerEnumType(RecipientGroup, {
  name: 'RecipientGroup',
  description: 'Whom a transfer of value went to, in the groups of the EFPIA Disclosure Code report.',
  valuesConfig: {
    PATIENT_ORGANISATION: { description: 'A named patient organisation (a healthcare organisation under the Code).' },
    OTHER: { description: 'A named organisation of another kind (research organisation, HTA body, regulator, company).' },
    PATIENTS: { description: 'Patients, never named: one aggregate line per currency.' },
  },
});

/**
 * One line of a transfer-of-value report: the sums a company transferred, in one currency, to one
 * named organisation or to patients together. Amounts in minor units; null when suppressed.
 */
@ObjectType('TransferOfValueLine', {
  description:
    'What the company transferred, in one currency, to one named organisation or to patients together. Amounts in minor units; null when suppressed.',
})
export class TransferOfValueLine {
  @Field(() => RecipientGroup, { description: 'The recipient group this line belongs to.' })
  group: RecipientGroup;

  @Field(() => ID, { nullable: true, description: 'The recipient organisation; null on the patients line.' })
  recipientId: string | null;

  @Field(() => String, { nullable: true, description: 'Null on the patients line.' })
  name: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2; null on the patients line or when unknown.' })
  country: string | null;

  @Field(() => SuppressedCount, { description: 'Distinct recipients (1 on a named line); patients below 5 suppressed for everyone but ADMIN.' })
  recipients: SuppressedCount;

  @Field(() => GraphQLCurrency, { description: 'ISO 4217 currency of the amounts.' })
  currency: string;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'GRANT contracts, in minor units.' })
  donationsAndGrants: number | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'SPONSORSHIP contracts, in minor units.' })
  sponsorship: number | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'CONSULTANCY, ADVISORY_BOARD and SPEAKER contracts, in minor units.' })
  feesForServiceAndConsultancy: number | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'COLLABORATION and DATA_SHARING contracts, in minor units.' })
  other: number | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'The four categories together, in minor units.' })
  total: number | null;

  @Field(() => Boolean, { description: 'True when the recipient count, and so every amount, is withheld.' })
  suppressed: boolean;
}

@ObjectType('TransferOfValueReport', {
  description: 'What one company (as SPONSOR) transferred in one year under disclosable contracts, in the shape of the EFPIA Disclosure Code report.',
})
export class TransferOfValueReport {
  @Field(() => ID, { description: 'Global ID of the sponsoring company.' })
  companyId: string;

  @Field(() => String, { description: "The company's name." })
  companyName: string;

  @Field(() => String, { nullable: true, description: "The company's country, ISO 3166-1 alpha-2; null when unknown." })
  companyCountry: string | null;

  @Field(() => Int, { description: 'The calendar year reported: contracts effective from a day of it (else created in it), UTC.' })
  year: number;

  @Field(() => [TransferOfValueLine], { description: 'Named patient organisations, by name, then currency.' })
  patientOrganisations: TransferOfValueLine[];

  @Field(() => [TransferOfValueLine], { description: 'Other named organisations, by name, then currency.' })
  otherRecipients: TransferOfValueLine[];

  @Field(() => [TransferOfValueLine], { description: 'Patients, aggregated: one line per currency.' })
  patients: TransferOfValueLine[];
}
