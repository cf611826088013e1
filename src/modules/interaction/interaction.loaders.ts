import type { Scope } from '../../access/scope';
import DataLoader from 'dataloader';
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
export function createInteractionLoaders(scope: Scope) {
  return {
    interaction: byIdLoader((ids) => scope.query(Interaction, 'i').andWhere('i.id = ANY(:ids)', { ids }).getMany()),

    /** The participants of each visible interaction, by name. */
    participantsByInteraction: new DataLoader<string, Stakeholder[]>((ids) =>
      entitiesByKey(
        scope
          .query(Stakeholder, 's')
          .innerJoin(InteractionParticipant, 'p', 'p.stakeholder_id = s.id')
          .innerJoin(Interaction, 'i', 'i.id = p.interaction_id')
          .addSelect('p.interaction_id', 'key')
          .andWhere('p.interaction_id = ANY(:ids)', { ids })
          .andWhere(scope.rule('Interaction', 'i'))
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
        scope
          .query(Commitment, 'c')
          .andWhere('c.interaction_id = ANY(:ids)', { ids })
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
          scope
            .query(Interaction, 'i')
            .innerJoin(
              `(SELECT k.ord, recent.id
                  FROM unnest(CAST(:ids AS uuid[]), CAST(:firsts AS int[])) WITH ORDINALITY AS k(id, first, ord)
                  CROSS JOIN LATERAL (
                    SELECT x.id FROM interaction_participant p JOIN interaction x ON x.id = p.interaction_id
                     WHERE p.stakeholder_id = k.id AND ${scope.rule('Interaction', 'x')}
                     ORDER BY x.occurred_at DESC, x.id DESC
                     LIMIT k.first) recent)`,
              'keyed',
              'keyed.id = i.id',
              { ids: keys.map((k) => k.stakeholderId), firsts: keys.map((k) => k.first) },
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
