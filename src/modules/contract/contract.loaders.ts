import type { Scope } from '../../access/scope';
import DataLoader from 'dataloader';
import { byIdLoader, groupLoader, rowsByKey } from '../../shared/loader';
import { Contract, ContractParty, type ContractStatus } from './contract.entity';

/** A stakeholder's contracts, optionally only those in some statuses (null: all). */
export interface ContractsOfPartyKey {
  stakeholderId: string;
  statuses: readonly ContractStatus[] | null;
}

const statusesKey = (statuses: readonly ContractStatus[] | null): string | null =>
  statuses?.length ? [...statuses].sort().join(',') : null;

/** Loaders fetch only contracts the viewer may see (its parties): a hidden one is missing, and so are its parties. */
export function createContractLoaders(scope: Scope) {
  return {
    contract: byIdLoader((ids) => scope.rows(Contract, 'c', { where: 'c.id = ANY(:ids)', params: { ids } })),

    /** The parties of each visible contract, by name. The field policy reads it to decide who sees the terms. */
    partiesByContract: groupLoader(
      (ids) =>
        scope.rows(ContractParty, 'p', {
          // The stakeholder only orders the parties (every party has one).
          from: 'INNER JOIN stakeholder s ON s.id = p.stakeholder_id',
          where: 'p.contract_id = ANY(:ids)',
          orderBy: 's.name, p.id',
          params: { ids },
        }),
      (p) => p.contractId,
    ),

    /**
     * Visible contracts each stakeholder is a party of, newest first. Keys carry their own status filter
     * (aliased fields may ask for different ones) and still share one query: the keys are unnested
     * with their position, which tags every row with the key it answers. A key's statuses travel as
     * one comma-separated text (enum values hold no comma), NULL for all.
     */
    contractsByParty: new DataLoader<ContractsOfPartyKey, Contract[], string>(
      async (keys) =>
        rowsByKey(
          keys.map((_, i) => String(i + 1)),
          await scope.select(Contract, 'c', {
            from: `INNER JOIN (SELECT k.ord, k.statuses, cp.contract_id
                  FROM unnest(CAST(:ids AS uuid[]), CAST(:statuses AS text[])) WITH ORDINALITY AS k(id, statuses, ord)
                  JOIN contract_party cp ON cp.stakeholder_id = k.id) keyed
              ON keyed.contract_id = c.id AND (keyed.statuses IS NULL OR c.status = ANY(string_to_array(keyed.statuses, ',')))`,
            key: 'keyed.ord',
            orderBy: 'keyed.ord, c.created_at DESC, c.id DESC',
            params: { ids: keys.map((k) => k.stakeholderId), statuses: keys.map((k) => statusesKey(k.statuses)) },
          }),
        ),
      { cacheKeyFn: (k) => `${k.stakeholderId}|${statusesKey(k.statuses) ?? '*'}` },
    ),
  };
}
