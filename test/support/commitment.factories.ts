import type { DataSource } from 'typeorm';
import { toGlobalId } from '../../src/graphql/global-id';
import { Commitment } from '../../src/modules/commitment/commitment.entity';
import type { Stakeholder } from '../../src/modules/stakeholder/stakeholder.entity';

let seq = 0;

/** A commitment straight through the repository (a FULFILLED one needs fulfilledAt: the table checks it). */
export async function makeCommitment(db: DataSource, committer: Stakeholder, fields: Partial<Commitment> = {}): Promise<Commitment> {
  seq += 1;
  const inserted = await db.getRepository(Commitment).insert({ title: `commitment ${seq}`, committerId: committer.id, ...fields });
  return db.getRepository(Commitment).findOneByOrFail({ id: (inserted.identifiers[0] as { id: string }).id });
}

export const cid = (c: { id: string }): string => toGlobalId('Commitment', c.id);
