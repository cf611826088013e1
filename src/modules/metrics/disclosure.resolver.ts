import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { disclosureService } from './disclosure.service';
import { TransferOfValueReport } from './disclosure.types';
import { Metrics } from './metrics.types';

const YEAR = 'The calendar year of the contracts (their effective-from date, else their creation, UTC), 1900 to 2100.';
const COMPANY = 'Global ID of one company; omit for every company you may report on. An unknown id reports nothing.';

/** Transfer-of-value disclosure; the period and filter of `metrics` do not apply (the year does). */
@Resolver(() => Metrics)
export class MetricsDisclosureResolver {
  @FieldResolver(() => [TransferOfValueReport], {
    description:
      'EFPIA Disclosure Code reports of the year, per sponsoring company (ADMIN, ANALYST: every company; ENGAGEMENT_MANAGER: their own).',
  })
  transferOfValue(
    @Root() _m: Metrics,
    @Arg('year', () => Int, { description: YEAR }) year: number,
    @Arg('companyId', () => ID, { nullable: true, description: COMPANY }) companyId: string | null,
    @Ctx() ctx: Context,
  ): Promise<TransferOfValueReport[]> {
    return disclosureService.transferOfValue(ctx, year, companyId ?? null);
  }

  @FieldResolver(() => String, { description: 'The same reports as CSV text (RFC 4180; amounts in major units).' })
  transferOfValueCsv(
    @Root() _m: Metrics,
    @Arg('year', () => Int, { description: YEAR }) year: number,
    @Arg('companyId', () => ID, { nullable: true, description: COMPANY }) companyId: string | null,
    @Ctx() ctx: Context,
  ): Promise<string> {
    return disclosureService.transferOfValueCsv(ctx, year, companyId ?? null);
  }
}
