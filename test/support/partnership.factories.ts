import type { DataSource } from 'typeorm';
import { toGlobalId } from '../../src/graphql/global-id';
import {
  MemberRole,
  Partnership,
  PartnershipMember,
  PartnershipType,
} from '../../src/modules/partnership/partnership.entity';
import type { Stakeholder } from '../../src/modules/stakeholder/stakeholder.entity';

let seq = 0;

export interface MemberSpec {
  stakeholder: Stakeholder;
  role?: MemberRole;
  joinedAt?: string;
  leftAt?: string | null;
}

/** A partnership with its memberships, straight through the repositories. The first member is LEAD unless told. */
export async function makePartnership(
  db: DataSource,
  members: MemberSpec[],
  fields: Partial<Partnership> = {},
): Promise<{ partnership: Partnership; members: PartnershipMember[] }> {
  seq += 1;
  const inserted = await db.getRepository(Partnership).insert({ title: `partnership ${seq}`, type: PartnershipType.ALLIANCE, ...fields });
  const id = (inserted.identifiers[0] as { id: string }).id;
  const rows: PartnershipMember[] = [];
  for (const [i, m] of members.entries()) {
    const row = await db.getRepository(PartnershipMember).insert({
      partnershipId: id,
      stakeholderId: m.stakeholder.id,
      role: m.role ?? (i === 0 ? MemberRole.LEAD : MemberRole.MEMBER),
      ...(m.joinedAt ? { joinedAt: m.joinedAt } : {}),
      leftAt: m.leftAt ?? null,
    });
    rows.push(await db.getRepository(PartnershipMember).findOneByOrFail({ id: (row.identifiers[0] as { id: string }).id }));
  }
  return { partnership: await db.getRepository(Partnership).findOneByOrFail({ id }), members: rows };
}

export const pid = (p: { id: string }): string => toGlobalId('Partnership', p.id);
export const mid = (m: { id: string }): string => toGlobalId('PartnershipMember', m.id);
