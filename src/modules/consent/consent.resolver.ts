import { Arg, Args, Ctx, FieldResolver, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Connection, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { Payload } from '../../shared/mutation';
import { Patient, Stakeholder } from '../stakeholder/stakeholder.entity';
import { Consent } from './consent.entity';
import { ConsentFilter, GrantConsentInput, WithdrawConsentInput } from './consent.inputs';
import { isActiveConsent } from '../../access/record-rules';
import { consentService } from './consent.service';

@ObjectType({ description: 'A page of consents, newest first.' })
export class ConsentConnection extends Connection(Consent, 'Consent') {}
@ObjectType({ description: 'The result of `grantConsent` or `withdrawConsent`: the consent, or userErrors.' })
export class ConsentPayload extends Payload(Consent, 'consent', 'ConsentPayload') {}

@Resolver(() => Consent)
export class ConsentResolver {
  @Query(() => ConsentConnection, { description: 'Newest first. ADMIN sees every consent, a patient their own.' })
  async consents(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ConsentFilter, { nullable: true, description: 'Omit to list every consent you may see.' }) filter: ConsentFilter | null,
  ): Promise<ConsentConnection> {
    return new ConsentConnection(await consentService.list(ctx, page, filter));
  }

  @FieldResolver(() => Patient, { description: 'The patient who granted it.' })
  async patient(@Root() consent: Consent, @Ctx() ctx: Context): Promise<Patient> {
    return (await ctx.loaders.stakeholder.load(consent.patientId)) as Patient;
  }

  @FieldResolver(() => Stakeholder, { nullable: true, description: 'The organisation granted access; null: the whole alliance.' })
  async grantee(@Root() consent: Consent, @Ctx() ctx: Context): Promise<Stakeholder | null> {
    return consent.granteeId ? ctx.loaders.stakeholder.load(consent.granteeId) : null;
  }

  @FieldResolver(() => Boolean, { description: 'Neither withdrawn nor expired, now.' })
  active(@Root() consent: Consent): boolean {
    return isActiveConsent(consent);
  }

  @Mutation(() => ConsentPayload, { description: 'The patient themself or ADMIN.' })
  grantConsent(@Ctx() ctx: Context, @Arg('input', () => GrantConsentInput, { description: 'The consent to record.' }) input: GrantConsentInput) {
    return consentService.grant(ctx, input);
  }

  @Mutation(() => ConsentPayload, { description: 'The patient themself or ADMIN; takes effect on the next request.' })
  withdrawConsent(@Ctx() ctx: Context, @Arg('input', () => WithdrawConsentInput, { description: 'The consent and the version you read.' }) input: WithdrawConsentInput) {
    return consentService.withdraw(ctx, input);
  }
}

@Resolver(() => Patient)
export class PatientConsentsResolver {
  @FieldResolver(() => [Consent], { description: "This patient's consents, oldest first; empty unless you are the patient or ADMIN." })
  consents(@Root() patient: Patient, @Ctx() ctx: Context): Promise<Consent[]> {
    return consentService.forPatient(ctx, patient);
  }
}
