import { GraphQLCountryCode } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { toGlobalId } from '../../graphql/global-id';
import type { Partnership } from '../partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../stakeholder/stakeholder.entity';

/**
 * What a report says of a stakeholder or a partnership: a name, never a link. Reporting objects
 * expose figures and names only (DESIGN §3), so no path leads from `metrics` to a record, a
 * relation or a patient; look a record up by its id where your role reads records.
 */
@ObjectType('ReportedStakeholder', { description: 'A stakeholder named in a report: id, kind, name and country, no relations.' })
export class ReportedStakeholder {
  @Field(() => ID, { description: 'Global ID of the stakeholder, to look it up where your role reads records.' })
  id: string;
  @Field(() => StakeholderKind, { description: 'The kind of stakeholder.' })
  kind: StakeholderKind;
  @Field(() => String, { description: "Its name (a patient's pseudonym: patients appear in reports for ADMIN only)." })
  name: string;
  @Field(() => GraphQLCountryCode, { nullable: true, description: 'ISO 3166-1 alpha-2; null when unknown.' })
  country: string | null;
}

@ObjectType('ReportedPartnership', { description: 'A partnership named in a report: id and title, no members or records.' })
export class ReportedPartnership {
  @Field(() => ID, { description: 'Global ID of the partnership, to look it up where your role reads records.' })
  id: string;
  @Field(() => String, { description: 'The title of the partnership.' })
  title: string;
}

/**
 * A stakeholder as reports name it. Patients reach reports only for ADMIN; naming one is a read
 * of the patient's identity (their pseudonym), so it is audited like the field `name`.
 */
export function reportedStakeholder(ctx: Context, s: Stakeholder): ReportedStakeholder {
  if (s.kind === StakeholderKind.PATIENT) ctx.scope.audit.read('Stakeholder', s.id, s.id, 'name');
  return { id: toGlobalId('Stakeholder', s.id), kind: s.kind, name: s.name, country: s.country };
}

export const reportedPartnership = (p: Partnership): ReportedPartnership => ({ id: toGlobalId('Partnership', p.id), title: p.title });
