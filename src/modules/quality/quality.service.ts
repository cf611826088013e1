import { authorize } from '../../access/actions';
import type { Context } from '../../graphql/context';
import { notFound, runMutation, staleVersion, updateVersioned, userError, UserErrorCode, type PayloadShape, type UserError } from '../../shared/mutation';
import { Partnership } from '../partnership/partnership.entity';
import type { Stakeholder } from '../stakeholder/stakeholder.entity';
import {
  AssessmentPerspective,
  MAX_EVIDENCE_LENGTH,
  MAX_SCORE,
  MIN_SCORE,
  PartnershipAssessment,
  PartnershipAssessmentScore,
  QualityCriterion,
} from './quality.entity';
import type { AssessPartnershipQualityInput, CriterionScoreInput } from './quality.inputs';
import type { PartnershipQuality } from './quality.types';

/** The criteria in the order of the guidance. */
export const CRITERIA = Object.values(QualityCriterion);
const ORDER = new Map(CRITERIA.map((c, i) => [c, i]));

/** Each assessor's most recent assessment, from a list ordered newest first. */
export function latestPerAssessor<A extends { assessorId: string }>(newestFirst: readonly A[]): A[] {
  const seen = new Set<string>();
  return newestFirst.filter((a) => !seen.has(a.assessorId) && seen.add(a.assessorId));
}

/**
 * The quality of a set of assessments (each assessor's latest): per criterion the mean of the
 * scores given to it; overall the mean of those criterion means, each criterion weighing the same
 * however many assessors scored it (docs/metrics.md, "Quality").
 */
export function aggregateQuality(assessments: readonly { createdAt: Date; scores: readonly { criterion: QualityCriterion; score: number }[] }[]): PartnershipQuality {
  const byCriterion = CRITERIA.map((criterion) => {
    const given = assessments.flatMap((a) => a.scores.filter((s) => s.criterion === criterion).map((s) => s.score));
    return { criterion, score: given.length ? mean(given) : null, assessments: given.length };
  });
  const scored = byCriterion.flatMap((c) => (c.score === null ? [] : [c.score]));
  const last = assessments.reduce<Date | null>((latest, a) => (latest === null || a.createdAt > latest ? a.createdAt : latest), null);
  return { overall: scored.length ? mean(scored) : null, byCriterion, assessors: assessments.length, lastAssessedAt: last };
}

const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

/** Code points, as PostgreSQL's length() counts them. */
const characters = (text: string): number => [...text].length;

/** Why the scores cannot be stored, if they cannot: at least one, each criterion once, integers 0–4, evidence capped. */
function invalidScores(scores: readonly CriterionScoreInput[]): UserError[] {
  if (scores.length === 0) return [userError(UserErrorCode.BAD_USER_INPUT, 'Score at least one criterion.', 'input.scores')];
  const errors: UserError[] = [];
  const seen = new Set<QualityCriterion>();
  scores.forEach((s, i) => {
    const at = `input.scores.${i}`;
    if (seen.has(s.criterion)) errors.push(userError(UserErrorCode.BAD_USER_INPUT, `${s.criterion} is scored more than once.`, `${at}.criterion`));
    seen.add(s.criterion);
    if (!Number.isInteger(s.score) || s.score < MIN_SCORE || s.score > MAX_SCORE) {
      errors.push(userError(UserErrorCode.BAD_USER_INPUT, `A score is an integer from ${MIN_SCORE} to ${MAX_SCORE}.`, `${at}.score`));
    }
    if (s.evidence != null && characters(s.evidence.trim()) > MAX_EVIDENCE_LENGTH) {
      errors.push(userError(UserErrorCode.BAD_USER_INPUT, `Evidence is at most ${MAX_EVIDENCE_LENGTH} characters.`, `${at}.evidence`));
    }
  });
  return errors;
}

export const qualityService = {
  /** Each member's latest assessment (newest first), or with `history` every assessment ever made. */
  async assessments(ctx: Context, partnership: Partnership, history: boolean): Promise<PartnershipAssessment[]> {
    const all = await ctx.loaders.assessmentsByPartnership.load(partnership.id);
    return history ? all : latestPerAssessor(all);
  },

  /** The partnership's quality over each assessor's latest assessment, of one perspective or (null) both. */
  async quality(ctx: Context, partnership: Partnership, perspective: AssessmentPerspective | null): Promise<PartnershipQuality> {
    const latest = latestPerAssessor(await ctx.loaders.assessmentsByPartnership.load(partnership.id)).filter(
      (a) => perspective === null || a.perspective === perspective,
    );
    const scores = await ctx.loaders.scoresByAssessment.loadMany(latest.map((a) => a.id));
    return aggregateQuality(
      latest.map((a, i) => {
        const found = scores[i];
        if (found instanceof Error) throw found;
        return { createdAt: a.createdAt, scores: found };
      }),
    );
  },

  /** The scores of an assessment, in the order of the guidance. */
  async scores(ctx: Context, assessment: PartnershipAssessment): Promise<PartnershipAssessmentScore[]> {
    const found = await ctx.loaders.scoresByAssessment.load(assessment.id);
    return [...found].sort((a, b) => (ORDER.get(a.criterion) ?? 0) - (ORDER.get(b.criterion) ?? 0));
  },

  async assessor(ctx: Context, assessment: PartnershipAssessment): Promise<Stakeholder | null> {
    return ctx.loaders.stakeholder.load(assessment.assessorId);
  },

  async partnership(ctx: Context, assessment: PartnershipAssessment): Promise<Partnership | null> {
    return ctx.loaders.partnership.load(assessment.partnershipId);
  },

  /**
   * A member's assessment: the partnership's version moves (optimistic concurrency, and the change
   * event's version), the assessment and its scores are added, and the partnership is returned.
   */
  async assess(ctx: Context, input: AssessPartnershipQualityInput): Promise<PayloadShape<Partnership>> {
    const current = await ctx.scope.findVisible(Partnership, 'Partnership', input.partnershipId);
    if (!current) return { record: null, userErrors: [notFound('partnership', 'input.partnershipId')] };
    const viewer = await authorize(ctx.scope, 'partnership:assessQuality', { partnershipId: current.id });
    // The action admits an engagement manager for their organisation and a patient for themself (their claims carry one of the two).
    const assessorId = viewer.patientId ?? viewer.orgId;
    const perspective = viewer.patientId !== null ? AssessmentPerspective.PATIENT : AssessmentPerspective.ORGANISATION;
    return runMutation(ctx, {
      action: 'partnership:assessQuality',
      input,
      run: async (tx) => {
        // Checked before the scores, so that a stale client hears CONFLICT first.
        if (current.version !== input.version) return { errors: [staleVersion(input.version)] };
        const invalid = invalidScores(input.scores);
        if (invalid.length) return { errors: invalid };
        if (assessorId === null) throw new Error('partnership:assessQuality admitted a viewer with neither an organisation nor a patient');
        const updated = await updateVersioned(tx, Partnership, current.id, input.version, {});
        if ('errors' in updated) return updated;
        const inserted = await tx.getRepository(PartnershipAssessment).insert({
          partnershipId: current.id,
          assessorId,
          perspective,
          recordedByUser: viewer.userId,
        });
        const assessmentId = (inserted.identifiers[0] as { id: string }).id;
        await tx.getRepository(PartnershipAssessmentScore).insert(
          input.scores.map((s) => {
            const evidence = s.evidence?.trim();
            return { assessmentId, criterion: s.criterion, score: s.score, evidence: evidence ? evidence : null };
          }),
        );
        return updated;
      },
    });
  },
};
