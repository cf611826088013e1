import type { Scope } from '../../access/scope';
import DataLoader from 'dataloader';
import { byIdLoader, groupLoader, rowsByKey } from '../../shared/loader';
import { Commitment } from '../commitment/commitment.entity';
import { Stakeholder } from '../stakeholder/stakeholder.entity';
import { Interaction } from './interaction.entity';

/** The `first` most recent interactions of a stakeholder as participant. */
export interface RecentInteractionsKey {
  stakeholderId: string;
  first: number;
}

/** Loaders fetch only interactions (and follow-up commitments) the viewer may see: a hidden one is missing. */
export function createInteractionLoaders(scope: Scope) {
  return {
    interaction: byIdLoader((ids) => scope.rows(Interaction, 'i', { where: 'i.id = ANY(:ids)', params: { ids } })),

    /** The participants of each visible interaction, by name. */
    participantsByInteraction: new DataLoader<string, Stakeholder[]>(async (ids) =>
      rowsByKey(
        ids,
        await scope.select(Stakeholder, 's', {
          from: 'INNER JOIN interaction_participant p ON p.stakeholder_id = s.id INNER JOIN interaction i ON i.id = p.interaction_id',
          key: 'p.interaction_id',
          // The interaction's rule: the participants of a hidden interaction are not listed.
          where: `p.interaction_id = ANY(:ids) AND ${scope.rule('Interaction', 'i')}`,
          orderBy: 's.name, s.id',
          params: { ids },
        }),
      ),
    ),

    /**
     * The visible commitments spawned by each interaction, soonest due first, undated last (as
     * commitments are listed elsewhere). A follow-up has visibility of its own: a participant of the
     * interaction does not see one made in a partnership hidden from them, unless it is theirs.
     */
    followUpsByInteraction: groupLoader(
      (ids) =>
        scope.rows(Commitment, 'c', {
          where: 'c.interaction_id = ANY(:ids)',
          orderBy: 'c.due_date ASC NULLS LAST, c.created_at, c.id',
          params: { ids },
        }),
      (c) => c.interactionId,
    ),

    /**
     * Each stakeholder's most recent visible interactions, newest first: one LATERAL query per batch,
     * so every stakeholder's LIMIT runs on its own rows and keys may ask for different page sizes.
     * Visibility is decided inside the LATERAL, before the LIMIT, so hidden rows take no place.
     */
    interactionsByParticipant: new DataLoader<RecentInteractionsKey, Interaction[], string>(
      async (keys) =>
        rowsByKey(
          keys.map((_, i) => String(i + 1)),
          await scope.select(Interaction, 'i', {
            from: `INNER JOIN (SELECT k.ord, recent.id
                  FROM unnest(CAST(:ids AS uuid[]), CAST(:firsts AS int[])) WITH ORDINALITY AS k(id, first, ord)
                  CROSS JOIN LATERAL (
                    SELECT x.id FROM interaction_participant p JOIN interaction x ON x.id = p.interaction_id
                     WHERE p.stakeholder_id = k.id AND ${scope.rule('Interaction', 'x')}
                     ORDER BY x.occurred_at DESC, x.id DESC
                     LIMIT k.first) recent) keyed
              ON keyed.id = i.id`,
            key: 'keyed.ord',
            orderBy: 'keyed.ord, i.occurred_at DESC, i.id DESC',
            params: { ids: keys.map((k) => k.stakeholderId), firsts: keys.map((k) => k.first) },
          }),
        ),
      { cacheKeyFn: (k) => `${k.stakeholderId}|${k.first}` },
    ),
  };
}
