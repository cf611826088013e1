import type { LoaderScope } from '../../graphql/loaders';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
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
 * Breadth-first layers from every source at once, over the `stakeholder_edge` view. UNION keeps
 * one row per (source, stakeholder, depth), so each step expands a layer of distinct stakeholders,
 * never the (exponentially many) paths; archived stakeholders are not walked into. Then each
 * source's nearest `first` stakeholders other than itself, by distance and name.
 */
const NEIGHBOURS_SQL = `
  WITH RECURSIVE walk(source_id, node_id, depth) AS (
      SELECT id, id, 0 FROM unnest($1::uuid[]) AS source(id)
    UNION
      SELECT w.source_id, e.target_id, w.depth + 1
        FROM walk w
        JOIN stakeholder_edge e ON e.source_id = w.node_id
        JOIN stakeholder t ON t.id = e.target_id AND t.archived_at IS NULL
       WHERE w.depth < $2
  ),
  reached AS (
    SELECT source_id, node_id, min(depth) AS distance FROM walk WHERE node_id <> source_id GROUP BY source_id, node_id
  ),
  ranked AS (
    SELECT r.source_id, r.node_id, r.distance,
           row_number() OVER (PARTITION BY r.source_id ORDER BY r.distance, s.name, s.id) AS rank
      FROM reached r
      JOIN stakeholder s ON s.id = r.node_id
     WHERE $3::text[] IS NULL OR s.kind = ANY($3::text[])
  )
  SELECT source_id, node_id, distance FROM ranked WHERE rank <= $4 ORDER BY source_id, rank`;

const argsKey = (q: NeighbourQuery): string => JSON.stringify([q.depth, q.kinds ? [...q.kinds].sort() : null, q.first]);

export function createGraphLoaders(db: DataSource, _scope: LoaderScope) {
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
          const rows = (await db.query(NEIGHBOURS_SQL, [batch.map((q) => q.stakeholderId), depth, kinds, first])) as {
            source_id: string;
            node_id: string;
            distance: number;
          }[];
          for (const q of batch) found.set(`${q.stakeholderId}:${key}`, []);
          for (const row of rows) found.get(`${row.source_id}:${key}`)?.push({ stakeholderId: row.node_id, distance: row.distance });
        }
        return queries.map((q) => found.get(`${q.stakeholderId}:${argsKey(q)}`) ?? []);
      },
      { cacheKeyFn: (q) => `${q.stakeholderId}:${argsKey(q)}` },
    ),
  };
}
