import type { DataSource } from 'typeorm';
import { toGlobalId } from '../../src/graphql/global-id';
import { Affiliation, AffiliationKind } from '../../src/modules/affiliation/affiliation.entity';
import type { Stakeholder } from '../../src/modules/stakeholder/stakeholder.entity';

/** An affiliation `from` → `to` straight through the repository (MEMBER_OF unless told). */
export async function makeAffiliation(db: DataSource, from: Stakeholder, to: Stakeholder, fields: Partial<Affiliation> = {}): Promise<Affiliation> {
  const inserted = await db.getRepository(Affiliation).insert({ kind: AffiliationKind.MEMBER_OF, fromId: from.id, toId: to.id, ...fields });
  return db.getRepository(Affiliation).findOneByOrFail({ id: (inserted.identifiers[0] as { id: string }).id });
}

export const aid = (a: { id: string }): string => toGlobalId('Affiliation', a.id);

/** An ISO calendar date `days` from today (UTC), as the API judges `current`. */
export function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
