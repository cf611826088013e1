import type { DataSource } from 'typeorm';
import { toGlobalId } from '../../src/graphql/global-id';
import { STAKEHOLDER_CLASS, Stakeholder, StakeholderKind } from '../../src/modules/stakeholder/stakeholder.entity';

let seq = 0;
const next = (): number => ++seq;

/**
 * Factories: each test builds its own small world straight through the repositories (fast), and
 * asserts through the API. Unique names keep worlds of different tests apart in one database.
 */
export async function makeStakeholder(db: DataSource, kind: StakeholderKind, fields: Partial<Stakeholder> = {}): Promise<Stakeholder> {
  const n = next();
  const base: Partial<Stakeholder> =
    kind === StakeholderKind.PATIENT
      ? { pseudonym: `patient-${n}-${Date.now() % 100000}`, displayName: `Real Name ${n}`, email: `p${n}@example.org`, conditions: ['asthma'] }
      : { name: `${kind.toLowerCase()} ${n}` };
  const values = { ...base, ...fields, kind } as Partial<Stakeholder>;
  if (kind === StakeholderKind.PATIENT) values.name = values.pseudonym as string;
  const inserted = await db.createQueryBuilder().insert().into(STAKEHOLDER_CLASS[kind]).values(values).returning('id').execute();
  return db.getRepository(Stakeholder).findOneByOrFail({ id: (inserted.raw as { id: string }[])[0].id });
}

export const gid = (s: { id: string }): string => toGlobalId('Stakeholder', s.id);
