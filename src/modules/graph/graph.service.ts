import { openStakeholderId } from '../../access/patient-ids';
import type { Scope } from '../../access/scope';
import type { Context } from '../../graphql/context';
import type { GlobalIdType } from '../../graphql/global-id';
import type { Node } from '../node/node.interface';
import { nodeService } from '../node/node.service';
import type { Stakeholder } from '../stakeholder/stakeholder.entity';
import type { Neighbour, Path, PathStep } from './graph.resolver';
import { RelationKind, type NeighboursArgs, type ShortestPathArgs } from './graph.inputs';
import { visibleEdge } from './graph.loaders';

/** The record behind each kind of edge (`via_id` of the view). */
const VIA_TYPE: Record<RelationKind, GlobalIdType> = {
  AFFILIATION: 'Affiliation',
  PARTNERSHIP: 'Partnership',
  CONTRACT: 'Contract',
};

/**
 * The distance from `from` of every stakeholder up to `to`'s level, by breadth-first search over
 * the edges the viewer may see: one statement per level, each stakeholder expanded once (a
 * recursive CTE re-expands a stakeholder at every depth it is reached again, which took 4 s on
 * the scale-10 data), stopping at the level that reaches `to`. Empty when `from` is unknown or
 * archived.
 */
async function distancesFrom(scope: Scope, from: string, to: string, maxDepth: number): Promise<Map<string, number>> {
  const [start] = await scope.sql<{ id: string }>('SELECT id FROM stakeholder WHERE id = :from AND archived_at IS NULL', { from });
  const distance = new Map<string, number>();
  if (!start) return distance;
  distance.set(from, 0);
  let frontier = [from];
  for (let depth = 1; depth <= maxDepth && frontier.length > 0 && !distance.has(to); depth++) {
    const reached = await scope.sql<{ id: string }>(
      `SELECT DISTINCT e.target_id AS id FROM stakeholder_edge e JOIN stakeholder t ON t.id = e.target_id AND t.archived_at IS NULL
        WHERE e.source_id = ANY(:frontier) AND ${visibleEdge(scope, 'e')}`,
      { frontier },
    );
    frontier = reached.map((r) => r.id).filter((id) => !distance.has(id));
    for (const id of frontier) distance.set(id, depth);
  }
  return distance;
}

/**
 * One path walked back from `to` over the edges the viewer may see: at each step the predecessor
 * one level closer to `from` with the smallest id (then relation and record id), so the same
 * graph always gives the same path. Named parameters: `:to`, the levels (`:ids`, `:depths`) and
 * the viewer's.
 */
const shortestPathSql = (scope: Scope): string => `
  WITH RECURSIVE distance AS (SELECT node_id, depth FROM unnest(CAST(:ids AS uuid[]), CAST(:depths AS int[])) AS d(node_id, depth)),
  back(node_id, depth, next_id, relation, via_id) AS (
      SELECT node_id, depth, NULL::uuid, NULL::text, NULL::uuid FROM distance WHERE node_id = :to
    UNION ALL
      SELECT p.node_id, p.depth, b.node_id, p.relation, p.via_id
        FROM back b
        CROSS JOIN LATERAL (
          SELECT d.node_id, d.depth, e.relation, e.via_id
            FROM stakeholder_edge e
            JOIN distance d ON d.node_id = e.source_id AND d.depth = b.depth - 1
           WHERE e.target_id = b.node_id AND ${visibleEdge(scope, 'e')}
           ORDER BY d.node_id, e.relation, e.via_id
           LIMIT 1
        ) p
       WHERE b.depth > 0
  )
  SELECT node_id, next_id, relation, via_id FROM back ORDER BY depth`;

interface PathRow {
  node_id: string;
  next_id: string | null;
  relation: RelationKind | null;
  via_id: string | null;
}

async function stakeholders(ctx: Context, ids: string[]): Promise<Stakeholder[]> {
  return (await Promise.all(ids.map((id) => ctx.loaders.stakeholder.load(id)))) as Stakeholder[];
}

export const graphService = {
  /** Stakeholders within `depth` hops of `stakeholder`, nearest first, then by name. */
  async neighbours(ctx: Context, stakeholder: Stakeholder, args: NeighboursArgs): Promise<Neighbour[]> {
    const rows = await ctx.loaders.neighbours.load({
      stakeholderId: stakeholder.id,
      depth: args.depth,
      kinds: args.kinds?.length ? args.kinds : null,
      first: args.first,
    });
    const found = await stakeholders(ctx, rows.map((r) => r.stakeholderId));
    return rows.map((row, i) => ({ stakeholder: found[i], distance: row.distance }));
  },

  /** One shortest path of at most `maxDepth` steps between two stakeholders, or null. */
  async shortestPath(ctx: Context, args: ShortestPathArgs): Promise<Path | null> {
    const [from, to] = await Promise.all([openStakeholderId(ctx, args.from), openStakeholderId(ctx, args.to)]);
    if (!from || !to) return null;
    const distance = await distancesFrom(ctx.scope, from, to, args.maxDepth);
    if (!distance.has(to)) return null;
    const rows = await ctx.scope.sql<PathRow>(shortestPathSql(ctx.scope), { to, ids: [...distance.keys()], depths: [...distance.values()] });
    if (rows.length === 0) return null;
    const nodes = await stakeholders(ctx, rows.map((r) => r.node_id));
    const edges = rows.slice(0, -1) as (PathRow & { relation: RelationKind; via_id: string })[];
    // One fetch per kind of record, not one per step.
    const via = new Map<string, Node | null>();
    await Promise.all(
      Object.values(RelationKind).map(async (relation) => {
        const ids = edges.filter((e) => e.relation === relation).map((e) => e.via_id);
        const records = await nodeService.load(ctx, VIA_TYPE[relation], ids);
        ids.forEach((id, i) => via.set(id, records[i]));
      }),
    );
    const steps: PathStep[] = edges.map((edge, i) => ({
      from: nodes[i],
      to: nodes[i + 1],
      relation: edge.relation,
      via: via.get(edge.via_id) as Node,
    }));
    return { length: steps.length, stakeholders: nodes, steps };
  },
};
