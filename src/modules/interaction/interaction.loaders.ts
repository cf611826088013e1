import type { LoaderScope } from '../../graphql/loaders';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { byIdLoader, entitiesByKey, groupLoader } from '../../shared/loader';
import { Commitment } from '../commitment/commitment.entity';
import { Stakeholder } from '../stakeholder/stakeholder.entity';
import { Interaction, InteractionParticipant } from './interaction.entity';

/** The `first` most recent interactions of a stakeholder as participant. */
export interface RecentInteractionsKey {
  stakeholderId: string;
  first: number;
}

/** Loaders fetch only interactions (and follow-up commitments) the viewer may see: a hidden one is missing. */
export function createInteractionLoaders(db: DataSource, { visibility: v }: LoaderScope) {
  return {
    interaction: byIdLoader((ids) =>
      db.getRepository(Interaction).createQueryBuilder('i').where('i.id = ANY(:ids)', { ids }).andWhere(v.interaction('i'), v.params).getMany(),
    ),

    /** The participants of each visible interaction, by name. */
    participantsByInteraction: new DataLoader<string, Stakeholder[]>((ids) =>
      entitiesByKey(
        db
          .getRepository(Stakeholder)
          .createQueryBuilder('s')
          .innerJoin(InteractionParticipant, 'p', 'p.stakeholder_id = s.id')
          .innerJoin(Interaction, 'i', 'i.id = p.interaction_id')
          .addSelect('p.interaction_id', 'key')
          .where('p.interaction_id = ANY(:ids)', { ids })
          .andWhere(v.interaction('i'), v.params)
          .orderBy('s.name')
          .addOrderBy('s.id'),
        ids,
      ),
    ),

    /**
     * The visible commitments spawned by each interaction, soonest due first, undated last (as
     * commitments are listed elsewhere). A follow-up has visibility of its own: a participant of the
     * interaction does not see one made in a partnership hidden from them, unless it is theirs.
     */
    followUpsByInteraction: groupLoader(
      (ids) =>
        db
          .getRepository(Commitment)
          .createQueryBuilder('c')
          .where('c.interaction_id = ANY(:ids)', { ids })
          .andWhere(v.commitment('c'), v.params)
          .orderBy('c.due_date', 'ASC', 'NULLS LAST')
          .addOrderBy('c.created_at')
          .addOrderBy('c.id')
          .getMany(),
      (c) => c.interactionId,
    ),

    /**
     * Each stakeholder's most recent visible interactions, newest first: one LATERAL query per batch,
     * so every stakeholder's LIMIT runs on its own rows and keys may ask for different page sizes.
     * Visibility is decided inside the LATERAL, before the LIMIT, so hidden rows take no place.
     */
    interactionsByParticipant: new DataLoader<RecentInteractionsKey, Interaction[], string>(
      (keys) =>
        entitiesByKey(
          db
            .getRepository(Interaction)
            .createQueryBuilder('i')
            .innerJoin(
              `(SELECT k.ord, recent.id
                  FROM unnest(CAST(:ids AS uuid[]), CAST(:firsts AS int[])) WITH ORDINALITY AS k(id, first, ord)
                  CROSS JOIN LATERAL (
                    SELECT x.id FROM interaction_participant p JOIN interaction x ON x.id = p.interaction_id
                     WHERE p.stakeholder_id = k.id AND ${v.interaction('x')}
                     ORDER BY x.occurred_at DESC, x.id DESC
                     LIMIT k.first) recent)`,
              'keyed',
              'keyed.id = i.id',
              { ids: keys.map((k) => k.stakeholderId), firsts: keys.map((k) => k.first), ...v.params },
            )
            .addSelect('keyed.ord', 'key')
            .orderBy('keyed.ord')
            .addOrderBy('i.occurred_at', 'DESC')
            .addOrderBy('i.id', 'DESC'),
          keys.map((_, i) => String(i + 1)),
        ),
      { cacheKeyFn: (k) => `${k.stakeholderId}|${k.first}` },
    ),
  };
}
