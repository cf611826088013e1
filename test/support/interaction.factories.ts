import type { DataSource } from 'typeorm';
import { toGlobalId } from '../../src/graphql/global-id';
import { Interaction, InteractionKind, InteractionParticipant } from '../../src/modules/interaction/interaction.entity';
import type { Stakeholder } from '../../src/modules/stakeholder/stakeholder.entity';

/** An interaction with its participants, straight through the repositories. */
export async function makeInteraction(db: DataSource, participants: Stakeholder[], fields: Partial<Interaction> = {}): Promise<Interaction> {
  const inserted = await db.getRepository(Interaction).insert({
    kind: InteractionKind.MEETING,
    occurredAt: new Date('2025-03-01T10:00:00Z'),
    recordedByUser: 'factory',
    ...fields,
  });
  const id = (inserted.identifiers[0] as { id: string }).id;
  await db.getRepository(InteractionParticipant).insert(participants.map((s) => ({ interactionId: id, stakeholderId: s.id })));
  return db.getRepository(Interaction).findOneByOrFail({ id });
}

export const iid = (i: { id: string }): string => toGlobalId('Interaction', i.id);
