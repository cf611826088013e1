import { reportSubjectId } from '../../access/patient-ids';
import type { Context } from '../../graphql/context';
import { visibleEdge } from '../graph/graph.loaders';
import type { Stakeholder } from '../stakeholder/stakeholder.entity';
import type { Metrics } from './metrics.types';
import { reportedStakeholder } from './reporting.types';
import { ownOrgEdge, RECENCY_DAYS, scoped } from './network.service';
import type { Reach, RelationshipScore } from './relationships.resolver';

/**
 * The subject's partners by what links them, over the records the viewer may see (an
 * ENGAGEMENT_MANAGER: those their organisation takes part in), each figure defined as in
 * `relationshipStrength`: shared interactions within the period and their recency-weighted score,
 * current shared partnerships, ACTIVE contracts both are party to. One CTE per kind of link,
 * summed per partner; archived partners dropped; patients (as subject or partner) only for ADMIN.
 */
const strongestSql = (ctx: Context): string => {
  const scope = ctx.scope;
  const own = scoped(ctx);
  return `
  WITH subject AS (
    SELECT id FROM stakeholder WHERE id = :s AND archived_at IS NULL AND (:admin OR kind <> 'PATIENT')
  ),
  shared AS (
    SELECT o.stakeholder_id AS other, count(*)::int AS interactions,
           sum(exp(-greatest(extract(epoch FROM now() - i.occurred_at), 0) / 86400.0 / ${RECENCY_DAYS}))::float8 AS score
      FROM subject s
      JOIN interaction_participant me ON me.stakeholder_id = s.id
      JOIN interaction i ON i.id = me.interaction_id
      JOIN interaction_participant o ON o.interaction_id = i.id AND o.stakeholder_id <> s.id
     WHERE (:from::timestamptz IS NULL OR i.occurred_at >= :from::timestamptz)
       AND (:to::timestamptz IS NULL OR i.occurred_at < :to::timestamptz)
       AND ${scope.rule('Interaction', 'i')}
       ${own ? `AND (i.recorded_by_org_id = :vOrg OR EXISTS (SELECT 1 FROM interaction_participant po WHERE po.interaction_id = i.id AND po.stakeholder_id = :vOrg))` : ''}
     GROUP BY o.stakeholder_id
  ),
  partners AS (
    SELECT o.stakeholder_id AS other, count(*)::int AS shared_partnerships
      FROM subject s
      JOIN partnership_member me ON me.stakeholder_id = s.id AND me.left_at IS NULL
      JOIN partnership p ON p.id = me.partnership_id
      JOIN partnership_member o ON o.partnership_id = p.id AND o.left_at IS NULL AND o.stakeholder_id <> s.id
     WHERE ${scope.rule('Partnership', 'p')}
       ${own ? `AND EXISTS (SELECT 1 FROM partnership_member mo WHERE mo.partnership_id = p.id AND mo.stakeholder_id = :vOrg AND mo.left_at IS NULL)` : ''}
     GROUP BY o.stakeholder_id
  ),
  contracts AS (
    SELECT o.stakeholder_id AS other, count(*)::int AS active_contracts
      FROM subject s
      JOIN contract_party me ON me.stakeholder_id = s.id
      JOIN contract c ON c.id = me.contract_id AND c.status = 'ACTIVE'
      JOIN contract_party o ON o.contract_id = c.id AND o.stakeholder_id <> s.id
     WHERE ${scope.rule('Contract', 'c')}
       ${own ? `AND EXISTS (SELECT 1 FROM contract_party co WHERE co.contract_id = c.id AND co.stakeholder_id = :vOrg)` : ''}
     GROUP BY o.stakeholder_id
  ),
  links AS (
    SELECT other, interactions, score, 0 AS shared_partnerships, 0 AS active_contracts FROM shared
    UNION ALL SELECT other, 0, 0, shared_partnerships, 0 FROM partners
    UNION ALL SELECT other, 0, 0, 0, active_contracts FROM contracts
  )
  SELECT l.other AS id, sum(l.score)::float8 AS score, sum(l.interactions)::int AS interactions,
         sum(l.shared_partnerships)::int AS shared_partnerships, sum(l.active_contracts)::int AS active_contracts
    FROM links l
    JOIN stakeholder t ON t.id = l.other AND t.archived_at IS NULL AND (:admin OR t.kind <> 'PATIENT')
   GROUP BY l.other, t.name
   ORDER BY 2 DESC, 3 DESC, 4 DESC, 5 DESC, t.name, l.other
   LIMIT :first`;
};

/**
 * Breadth-first layers from the subject over the links the viewer may walk (`visibleEdge`, as in
 * the graph module's traversal; an ENGAGEMENT_MANAGER only over records their organisation takes
 * part in), not into archived stakeholders. One CTE per layer, each holding only the stakeholders
 * first reached at that distance: unlike a recursive walk, no layer re-expands stakeholders
 * already reached, which at three hops over the alliance is the difference between milliseconds
 * and seconds. `found` tells an unknown (or, but for ADMIN, patient) subject from one without links.
 */
const reachSql = (ctx: Context, hops: number): string => {
  const layers = Array.from({ length: hops }, (_, i) => i + 1);
  const edge = `${visibleEdge(ctx.scope, 'e')} AND ${scoped(ctx) ? ownOrgEdge('e') : 'TRUE'}`;
  const layer = (n: number): string => `
  l${n} AS MATERIALIZED (
    SELECT DISTINCT e.target_id AS id
      FROM l${n - 1} f
      JOIN stakeholder_edge e ON e.source_id = f.id AND ${edge}
      JOIN stakeholder t ON t.id = e.target_id AND t.archived_at IS NULL
     WHERE ${Array.from({ length: n }, (_, i) => `NOT EXISTS (SELECT 1 FROM l${i} x WHERE x.id = e.target_id)`).join(' AND ')}
  )`;
  return `
  WITH l0 AS (
    SELECT id FROM stakeholder WHERE id = :s AND archived_at IS NULL AND (:admin OR kind <> 'PATIENT')
  ),${layers.map(layer).join(',')}
  SELECT EXISTS (SELECT 1 FROM l0) AS found, ${layers.map((n) => `(SELECT count(*)::int FROM l${n}) AS hop${n}`).join(', ')}`;
};

export const relationshipsService = {
  async strongestRelationships(ctx: Context, metrics: Metrics, stakeholderId: string, first: number): Promise<RelationshipScore[]> {
    const s = reportSubjectId(ctx, stakeholderId);
    if (!s) return [];
    const params = { s, first, from: metrics.from, to: metrics.to, admin: ctx.scope.reporting.showsPatients };
    const rows = await ctx.scope.sql<{ id: string; score: number; interactions: number; shared_partnerships: number; active_contracts: number }>(
      strongestSql(ctx),
      params,
    );
    const found = await Promise.all(rows.map((r) => ctx.loaders.stakeholder.load(r.id)));
    return rows.map((r, i) => ({
      stakeholder: reportedStakeholder(ctx, found[i] as Stakeholder),
      score: r.score,
      interactions: r.interactions,
      sharedPartnerships: r.shared_partnerships,
      activeContracts: r.active_contracts,
    }));
  },

  async reach(ctx: Context, stakeholderId: string, hops: number): Promise<Reach | null> {
    const s = reportSubjectId(ctx, stakeholderId);
    if (!s) return null;
    const [row] = await ctx.scope.sql<Record<string, number | boolean>>(reachSql(ctx, hops), { s, admin: ctx.scope.reporting.showsPatients });
    if (!row.found) return null;
    const byHop = Array.from({ length: hops }, (_, i) => ({ hops: i + 1, stakeholders: row[`hop${i + 1}`] as number }));
    return { byHop, total: byHop.reduce((sum, h) => sum + h.stakeholders, 0) };
  },
};
