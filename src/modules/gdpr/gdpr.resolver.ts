import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { ErasePatientInput } from './gdpr.inputs';
import { gdprService } from './gdpr.service';
import { ErasePatientPayload, type PatientDataExport } from './gdpr.types';

@Resolver()
export class GdprResolver {
  @Query(() => GraphQLJSONObject, {
    description:
      'Everything the alliance holds about a patient, as one JSON document (GDPR Art. 15 and 20): profile, consents with their ' +
      'history, memberships, contract parties, interactions (without notes), commitments, affiliations and the access log. ' +
      'A patient exports their own (patientId may be left out); ADMIN names the patient. The export is audited.',
  })
  exportMyData(
    @Ctx() ctx: Context,
    @Arg('patientId', () => ID, { nullable: true, description: 'Global ID of the patient; leave it out for your own record (patient login).' })
    patientId: string | null,
  ): Promise<PatientDataExport> {
    return gdprService.exportData(ctx, patientId);
  }

  @Mutation(() => ErasePatientPayload, {
    description:
      "Erases a patient (GDPR Art. 17; ADMIN, or the patient themself): identity, contact, health and free-text fields are wiped, the pseudonym becomes a tombstone label, every active consent ends and the record is archived. Memberships, contract parties and interaction participations stay, linked to no person, so reporting keeps counting them. Idempotent: erasing an erased patient changes nothing.",
  })
  erasePatient(@Ctx() ctx: Context, @Arg('input', () => ErasePatientInput, { description: 'The patient and the reason.' }) input: ErasePatientInput) {
    return gdprService.erase(ctx, input);
  }
}
