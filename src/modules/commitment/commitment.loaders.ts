import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { byIdLoader, groupLoader } from '../../shared/loader';
import { Commitment } from './commitment.entity';

export function createCommitmentLoaders(db: DataSource) {
  // Soonest due first, undated last.
  const commitments = () =>
    db
      .getRepository(Commitment)
      .createQueryBuilder('c')
      .orderBy('c.due_date', 'ASC', 'NULLS LAST')
      .addOrderBy('c.created_at')
      .addOrderBy('c.id');
  return {
    commitment: byIdLoader((ids) =>
      db.getRepository(Commitment).createQueryBuilder('c').where('c.id = ANY(:ids)', { ids }).getMany(),
    ),
    commitmentsByPartnership: groupLoader(
      (ids) => commitments().where('c.partnership_id = ANY(:ids)', { ids }).getMany(),
      (c) => c.partnershipId as string,
    ),
    /** Commitments each stakeholder made or benefits from; a row can belong to two keys, hence no groupLoader. */
    commitmentsByStakeholder: new DataLoader<string, Commitment[]>(async (ids) => {
      const rows = await commitments()
        .where('c.committer_id = ANY(:ids) OR c.beneficiary_id = ANY(:ids)', { ids })
        .getMany();
      const groups = new Map<string, Commitment[]>();
      for (const c of rows) {
        for (const id of [c.committerId, c.beneficiaryId]) {
          if (!id) continue;
          const group = groups.get(id);
          if (group) group.push(c);
          else groups.set(id, [c]);
        }
      }
      return ids.map((id) => groups.get(id) ?? []);
    }),
  };
}
