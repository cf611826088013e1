import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { Partnership } from '../partnership/partnership.entity';
import { PartnershipPayload } from '../partnership/partnership.resolver';
import { Stakeholder } from '../stakeholder/stakeholder.entity';
import { AssessmentPerspective, PartnershipAssessment, PartnershipAssessmentScore } from './quality.entity';
import { AssessPartnershipQualityInput } from './quality.inputs';
import { qualityService } from './quality.service';
import { PartnershipQuality } from './quality.types';

/** A partnership's side of its quality assessments. */
@Resolver(() => Partnership)
export class PartnershipQualityResolver {
  @FieldResolver(() => PartnershipQuality, {
    description: "Quality against the PFMD criteria, over each assessing member's latest assessment (README \"Quality of engagement\").",
  })
  quality(
    @Root() partnership: Partnership,
    @Ctx() ctx: Context,
    @Arg('perspective', () => AssessmentPerspective, {
      nullable: true,
      description: "Only organisations' or only patient members' assessments; both when omitted.",
    })
    perspective: AssessmentPerspective | null,
  ): Promise<PartnershipQuality> {
    return qualityService.quality(ctx, partnership, perspective ?? null);
  }

  @FieldResolver(() => [PartnershipAssessment], { description: 'Quality assessments, newest first: by default the latest of each member.' })
  assessments(
    @Root() partnership: Partnership,
    @Ctx() ctx: Context,
    @Arg('history', () => Boolean, { defaultValue: false, description: 'true: every assessment ever made, superseded ones included.' })
    history: boolean,
  ): Promise<PartnershipAssessment[]> {
    return qualityService.assessments(ctx, partnership, history);
  }

  @Mutation(() => PartnershipPayload, {
    description:
      "Records a member's quality assessment of a partnership against the PFMD criteria; it supersedes the member's previous one, which stays in " +
      "the history, and moves the partnership's version. An engagement manager of a current member organisation, or a current patient member " +
      'for their own view.',
  })
  assessPartnershipQuality(
    @Ctx() ctx: Context,
    @Arg('input', () => AssessPartnershipQualityInput, { description: 'The partnership, the version you read and the scores.' })
    input: AssessPartnershipQualityInput,
  ) {
    return qualityService.assess(ctx, input);
  }
}

@Resolver(() => PartnershipAssessment)
export class PartnershipAssessmentResolver {
  @FieldResolver(() => Stakeholder, {
    description: 'The member whose view it is: an organisation, or a patient (shown as any patient member is shown to you).',
  })
  assessor(@Root() assessment: PartnershipAssessment, @Ctx() ctx: Context) {
    return qualityService.assessor(ctx, assessment);
  }

  @FieldResolver(() => Partnership, { nullable: true, description: 'The partnership assessed; null only when it is hidden from you.' })
  partnership(@Root() assessment: PartnershipAssessment, @Ctx() ctx: Context) {
    return qualityService.partnership(ctx, assessment);
  }

  @FieldResolver(() => [PartnershipAssessmentScore], { description: 'The criteria scored, in the order of the guidance.' })
  scores(@Root() assessment: PartnershipAssessment, @Ctx() ctx: Context) {
    return qualityService.scores(ctx, assessment);
  }
}
