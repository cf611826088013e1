import type { DataSource } from 'typeorm';
import { toGlobalId } from '../../src/graphql/global-id';
import { Contract, ContractKind, ContractParty, ContractPartyRole } from '../../src/modules/contract/contract.entity';
import type { Stakeholder } from '../../src/modules/stakeholder/stakeholder.entity';

let seq = 0;

export interface PartySpec {
  stakeholder: Stakeholder;
  role?: ContractPartyRole;
  signedAt?: Date | null;
}

/** A contract with its parties, straight through the repositories. The first party is SPONSOR, the others RECIPIENT, unless told. */
export async function makeContract(db: DataSource, parties: PartySpec[], fields: Partial<Contract> = {}): Promise<Contract> {
  seq += 1;
  const inserted = await db.getRepository(Contract).insert({ title: `contract ${seq}`, kind: ContractKind.CONSULTANCY, ...fields });
  const id = (inserted.identifiers[0] as { id: string }).id;
  await db.getRepository(ContractParty).insert(
    parties.map((p, i) => ({
      contractId: id,
      stakeholderId: p.stakeholder.id,
      role: p.role ?? (i === 0 ? ContractPartyRole.SPONSOR : ContractPartyRole.RECIPIENT),
      signedAt: p.signedAt ?? null,
    })),
  );
  return db.getRepository(Contract).findOneByOrFail({ id });
}

export const ctid = (c: { id: string }): string => toGlobalId('Contract', c.id);
