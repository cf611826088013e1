import DataLoader from 'dataloader';
import type { Scope } from '../../access/scope';
import type { StakeholderKind } from '../stakeholder/stakeholder.entity';

export interface NeighbourQuery {
  stakeholderId: string;
  depth: number;
  kinds: StakeholderKind[] | null;
  first: number;
}

export interface NeighbourRow {
  stakeholderId: string;
  distance: number;
}

/**
 * An edge of the `stakeholder_edge` view the viewer may walk: its record (`via_id`: the
 * affiliation, partnership or contract) is one they may see. Uses the named parameters of
 * the scope; TRUE for ADMIN.
 */
export function visibleEdge(scope: Scope, e: string): string {
  if (scope.seesEverything) return 'TRUE';
  return `CASE ${e}.relation
      WHEN 'AFFILIATION' THEN EXISTS (SELECT 1 FROM affiliation g_a WHERE g_a.id = ${e}.via_id AND ${scope.rule('Affiliation', 'g_a')})
      WHEN 'PARTNERSHIP' THEN EXISTS (SELECT 1 FROM partnership g_p WHERE g_p.id = ${e}.via_id AND ${scope.rule('Partnership', 'g_p')})
      WHEN 'CONTRACT' THEN EXISTS (SELECT 1 FROM contract g_c WHERE g_c.id = ${e}.via_id AND ${scope.rule('Contract', 'g_c')})
      ELSE FALSE END`;
}

/**
 * Breadth-first layers from every source at once, over the edges of the `stakeholder_edge` view
 * the viewer may see. UNION keeps one row per (source, stakeholder, depth), so each step expands
 * a layer of distinct stakeholders, never the (exponentially many) paths; archived stakeholders
 * are not walked into. Then each source's nearest `first` stakeholders other than itself, by
 * distance and name. Named parameters: `:ids`, `:depth`, `:kinds`, `:first` and the viewer's.
 */
const neighboursSql = (scope: Scope): string => `
  WITH RECURSIVE walk(source_id, node_id, depth) AS (
      SELECT id, id, 0 FROM unnest(:ids::uuid[]) AS source(id)
    UNION
      SELECT w.source_id, e.target_id, w.depth + 1
        FROM walk w
        JOIN stakeholder_edge e ON e.source_id = w.node_id AND ${visibleEdge(scope, 'e')}
        JOIN stakeholder t ON t.id = e.target_id AND t.archived_at IS NULL
       WHERE w.depth < :depth
  ),
  reached AS (
    SELECT source_id, node_id, min(depth) AS distance FROM walk WHERE node_id <> source_id GROUP BY source_id, node_id
  ),
  ranked AS (
    SELECT r.source_id, r.node_id, r.distance,
           row_number() OVER (PARTITION BY r.source_id ORDER BY r.distance, s.name, s.id) AS rank
      FROM reached r
      JOIN stakeholder s ON s.id = r.node_id
     WHERE :kinds::text[] IS NULL OR s.kind = ANY(:kinds::text[])
  )
  SELECT source_id, node_id, distance FROM ranked WHERE rank <= :first ORDER BY source_id, rank`;

const argsKey = (q: NeighbourQuery): string => JSON.stringify([q.depth, q.kinds ? [...q.kinds].sort() : null, q.first]);

export function createGraphLoaders(scope: Scope) {
  const sql = neighboursSql(scope);
  return {
    /** Each stakeholder's neighbours: one recursive query for all stakeholders that ask with the same arguments. */
    neighbours: new DataLoader<NeighbourQuery, NeighbourRow[], string>(
      async (queries) => {
        const found = new Map<string, NeighbourRow[]>();
        const batches = new Map<string, NeighbourQuery[]>();
        for (const q of queries) {
          const batch = batches.get(argsKey(q));
          if (batch) batch.push(q);
          else batches.set(argsKey(q), [q]);
        }
        for (const [key, batch] of batches) {
          const { depth, kinds, first } = batch[0];
          const ids = batch.map((q) => q.stakeholderId);
          const rows = await scope.sql<{ source_id: string; node_id: string; distance: number }>(sql, { ids, depth, kinds, first });
          for (const q of batch) found.set(`${q.stakeholderId}:${key}`, []);
          for (const row of rows) found.get(`${row.source_id}:${key}`)?.push({ stakeholderId: row.node_id, distance: row.distance });
        }
        return queries.map((q) => found.get(`${q.stakeholderId}:${argsKey(q)}`) ?? []);
      },
      { cacheKeyFn: (q) => `${q.stakeholderId}:${argsKey(q)}` },
    ),
  };
}
