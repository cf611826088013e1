import type { ResourceLimits } from 'node:worker_threads';
import { reportSubjectId } from '../../access/patient-ids';
import { DEFAULT_BETWEENNESS_PIVOTS } from '../../config';
import type { Context } from '../../graphql/context';
import { visibleEdge } from '../graph/graph.loaders';
import type { Stakeholder } from '../stakeholder/stakeholder.entity';
import type { Metrics } from './metrics.types';
import { reportedStakeholder } from './reporting.types';
import type { NetworkInput, NetworkOutput } from './network.compute';
import type { NetworkMetrics, RankedStakeholder, RelationshipStrength } from './network.resolver';
import { NetworkWorker } from './network.thread';

/** A ranking of the graph's nodes: node indexes best first, and each node's value. */
export interface Ranking {
  order: Int32Array;
  value: Float64Array;
}

/** What is cached: the figures of one (scope, data version), independent of the viewer's role. */
export interface NetworkFigures {
  nodes: number;
  edges: number;
  density: number;
  components: number;
  largestComponent: number;
  communities: number;
  /** Stakeholder id per node index. */
  ids: string[];
  /** 1 for a patient, per node index: the top lists drop them per viewer. */
  patients: Uint8Array;
  byDegree: Ranking;
  byBetweenness: Ranking;
  /** Sources betweenness was computed from (`nodes`: exact). */
  betweennessSources: number;
}

export interface NetworkSettings {
  /** NETWORK_BETWEENNESS_PIVOTS: sampled sources of betweenness; exact up to this many nodes. */
  betweennessPivots: number;
  /** Heap limits of the worker thread (tests make it fail with them). */
  workerResourceLimits?: ResourceLimits;
}

/** A worker thread idle this long ends; the next cold computation starts another (tens of ms compiled). */
const WORKER_IDLE_MS = 60_000;

let settings: NetworkSettings = { betweennessPivots: DEFAULT_BETWEENNESS_PIVOTS };
let worker = new NetworkWorker({ idleMs: WORKER_IDLE_MS });

/** At start (src/main.ts), from the configuration; figures already cached under other settings are not reused. */
export function configureNetwork(next: NetworkSettings): void {
  settings = { ...next };
  void worker.stop();
  worker = new NetworkWorker({ idleMs: WORKER_IDLE_MS, resourceLimits: next.workerResourceLimits });
}

/** Ends the worker thread (the server is stopping); a later computation would start a new one. */
export function stopNetworkWorker(): Promise<void> {
  return worker.stop();
}

/** A row of graphSql: a stakeholder (`id`, its name, whether a patient) or a bundle of links (`links`). */
interface GraphRow {
  id: string | null;
  name: string | null;
  patient: boolean | null;
  /** Links, each the two stakeholders' ids (36 characters each) written one after the other. */
  links: string | null;
}

/** Characters of a stakeholder id (a UUID) in `GraphRow.links`. */
const ID_LENGTH = 36;

/** An ENGAGEMENT_MANAGER counts only links whose record their organisation takes part in. */
export const ownOrgEdge = (e: string): string => `CASE ${e}.relation
    WHEN 'AFFILIATION' THEN EXISTS (SELECT 1 FROM affiliation o_a WHERE o_a.id = ${e}.via_id AND :vOrg IN (o_a.from_id, o_a.to_id))
    WHEN 'PARTNERSHIP' THEN EXISTS (SELECT 1 FROM partnership_member o_m WHERE o_m.partnership_id = ${e}.via_id AND o_m.left_at IS NULL AND o_m.stakeholder_id = :vOrg)
    WHEN 'CONTRACT' THEN EXISTS (SELECT 1 FROM contract_party o_cp WHERE o_cp.contract_id = ${e}.via_id AND o_cp.stakeholder_id = :vOrg)
    ELSE FALSE END`;

/** Reporting scoped to the viewer's own organisation (an ENGAGEMENT_MANAGER), not the whole alliance. */
export const scoped = (ctx: Context): boolean => !ctx.scope.reporting.whole;

/**
 * The graph: one row per stakeholder at either end of a link (its id, name and whether a patient),
 * then the links in bundles of text (256 bundles, by the first byte of the first id). The links
 * are the distinct undirected ones (one per pair, however many records join them) the viewer may
 * see between stakeholders that are not archived, within the filter (stakeholder kinds and
 * countries apply to both ends; partnership types and therapeutic areas narrow partnership links
 * only). Bundled because the main thread holds every row until the last arrives: at scale 100,
 * 146,998 rows of two ids and two names each cost its garbage collector pauses of 30–80 ms; a few
 * hundred strings do not. Named parameters: `:kinds`, `:countries`, `:types`, `:areas` and the
 * viewer's.
 */
const graphSql = (ctx: Context): string => `
  WITH link AS MATERIALIZED (
    SELECT DISTINCT e.source_id AS a, e.target_id AS b
      FROM stakeholder_edge e
      JOIN stakeholder sa ON sa.id = e.source_id AND sa.archived_at IS NULL
      JOIN stakeholder sb ON sb.id = e.target_id AND sb.archived_at IS NULL
     WHERE e.source_id < e.target_id
       AND ${visibleEdge(ctx.scope, 'e')}
       AND ${scoped(ctx) ? ownOrgEdge('e') : 'TRUE'}
       AND (:kinds::text[] IS NULL OR (sa.kind = ANY(:kinds::text[]) AND sb.kind = ANY(:kinds::text[])))
       AND (:countries::text[] IS NULL OR (sa.country = ANY(:countries::text[]) AND sb.country = ANY(:countries::text[])))
       AND (e.relation <> 'PARTNERSHIP' OR (:types::text[] IS NULL AND :areas::text[] IS NULL) OR EXISTS (
             SELECT 1 FROM partnership f_p WHERE f_p.id = e.via_id
                AND (:types::text[] IS NULL OR f_p.type = ANY(:types::text[]))
                AND (:areas::text[] IS NULL OR f_p.therapeutic_area = ANY(:areas::text[]))))
  )
  SELECT s.id, s.name, s.kind = 'PATIENT' AS patient, NULL AS links
    FROM stakeholder s WHERE s.id IN (SELECT a FROM link UNION SELECT b FROM link)
  UNION ALL
  SELECT NULL, NULL, NULL, string_agg(a::text || b::text, '') FROM link GROUP BY get_byte(uuid_send(a), 0)`;

/**
 * Changes whenever anything the network is built from may have changed: for each table, its row
 * count and the sum of its row versions' transaction ids (`xmin`: an insert, update or delete
 * adds or replaces a row version, which changes the sum whatever order transactions commit in);
 * the date (affiliations end by date) and the consents in force (they expire by time). One
 * statement, no triggers or schema change.
 */
const DATA_VERSION_SQL = `SELECT concat_ws('|', current_database(), ${['stakeholder', 'affiliation', 'partnership', 'partnership_member', 'contract', 'contract_party', 'consent']
  .map((t) => `(SELECT count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) FROM ${t})`)
  .join(', ')}, CURRENT_DATE, (SELECT count(*) FROM consent WHERE expires_at IS NULL OR expires_at > now())) AS version`;

/** A small bounded LRU, module-wide (shared by requests): Map keeps insertion order, the oldest goes first. */
const CACHE_SIZE = 32;
const cache = new Map<string, Promise<NetworkFigures>>();

function remember(key: string, compute: () => Promise<NetworkFigures>): Promise<NetworkFigures> {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const pending = compute();
  cache.set(key, pending);
  // A failed computation must not stay cached.
  pending.catch(() => cache.delete(key));
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return pending;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The rows as node indexes: stakeholders numbered as they come, then the links, one bundle per
 * turn of the event loop (scale 100: about 600 links, well under a millisecond, each).
 */
async function graphInput(rows: GraphRow[]): Promise<NetworkInput> {
  const index = new Map<string, number>();
  const ids: string[] = [];
  const names: string[] = [];
  const patients: number[] = [];
  let linkCount = 0;
  for (const r of rows) {
    if (r.links !== null) {
      linkCount += r.links.length / (2 * ID_LENGTH);
    } else if (r.id !== null) {
      index.set(r.id, ids.length);
      ids.push(r.id);
      names.push(r.name ?? '');
      patients.push(r.patient ? 1 : 0);
    }
  }
  const edges = new Int32Array(linkCount * 2);
  let at = 0;
  for (const { links } of rows) {
    if (links === null) continue;
    await nextTurn();
    for (let i = 0; i < links.length; i += ID_LENGTH) edges[at++] = index.get(links.slice(i, i + ID_LENGTH)) as number;
  }
  return { ids, names, patients: Uint8Array.from(patients), edges, pivots: settings.betweennessPivots };
}

/** The graph measures, computed in the worker thread (network.compute.ts). */
async function computeFigures(rows: GraphRow[]): Promise<NetworkFigures> {
  const input = await graphInput(rows);
  const { ids } = input;
  // The input's arrays move to the thread; the patient flags stay here for the top lists.
  const patients = input.patients.slice();
  const out: NetworkOutput = await worker.run(input);
  return {
    nodes: out.nodes,
    edges: out.edges,
    density: out.density,
    components: out.components,
    largestComponent: out.largestComponent,
    communities: out.communities,
    ids,
    patients,
    byDegree: { order: out.byDegree, value: out.degree },
    byBetweenness: { order: out.byBetweenness, value: out.betweenness },
    betweennessSources: out.betweennessSources,
  };
}

async function figures(ctx: Context, filter: Metrics['filter']): Promise<NetworkFigures> {
  const params = {
    kinds: filter?.stakeholderKinds?.length ? filter.stakeholderKinds : null,
    countries: filter?.countries?.length ? filter.countries : null,
    types: filter?.partnershipTypes?.length ? filter.partnershipTypes : null,
    areas: filter?.therapeuticAreas?.length ? filter.therapeuticAreas : null,
  };
  const [{ version }] = await ctx.scope.sql<{ version: string }>(DATA_VERSION_SQL);
  // The scope: what the SQL depends on besides the data (visibility, own-organisation scope, filter); ADMIN sees one graph.
  const key = JSON.stringify([
    version,
    settings.betweennessPivots,
    ctx.scope.seesEverything ? 'all' : ctx.scope.params,
    scoped(ctx),
    params.kinds,
    params.countries,
    params.types,
    params.areas,
  ]);
  // Only the SQL runs here (through the viewer's scope); the measures are computed in the worker thread.
  return remember(key, async () => computeFigures(await ctx.scope.sql<GraphRow>(graphSql(ctx), params)));
}

/** An interaction's weight is exp(-age in days / RECENCY_DAYS): 1 today, 1/e after 180 days. */
export const RECENCY_DAYS = 180;

/**
 * Between two stakeholders, over the records the viewer may see (an ENGAGEMENT_MANAGER: those
 * their organisation takes part in): shared interactions within the period, their recency-weighted
 * score, current shared partnerships and ACTIVE contracts both are party to. No row when either
 * is missing or archived, or, for everyone but ADMIN, a patient (no individual patient's relationships).
 */
const strengthSql = (ctx: Context): string => {
  const scope = ctx.scope;
  const own = scoped(ctx);
  return `
  WITH pair AS (
    SELECT 1 FROM stakeholder sa JOIN stakeholder sb ON sb.id = :b AND sb.archived_at IS NULL
     WHERE sa.id = :a AND sa.archived_at IS NULL AND :a <> :b
       AND (:admin OR (sa.kind <> 'PATIENT' AND sb.kind <> 'PATIENT'))
  ),
  shared AS (
    SELECT i.occurred_at FROM interaction i
     WHERE EXISTS (SELECT 1 FROM interaction_participant pa WHERE pa.interaction_id = i.id AND pa.stakeholder_id = :a)
       AND EXISTS (SELECT 1 FROM interaction_participant pb WHERE pb.interaction_id = i.id AND pb.stakeholder_id = :b)
       AND (:from::timestamptz IS NULL OR i.occurred_at >= :from::timestamptz)
       AND (:to::timestamptz IS NULL OR i.occurred_at < :to::timestamptz)
       AND ${scope.rule('Interaction', 'i')}
       ${own ? `AND (i.recorded_by_org_id = :vOrg OR EXISTS (SELECT 1 FROM interaction_participant po WHERE po.interaction_id = i.id AND po.stakeholder_id = :vOrg))` : ''}
  )
  SELECT
    (SELECT count(*)::int FROM shared) AS interactions,
    (SELECT max(occurred_at) FROM shared) AS last_interaction_at,
    (SELECT coalesce(sum(exp(-greatest(extract(epoch FROM now() - occurred_at), 0) / 86400.0 / ${RECENCY_DAYS})), 0)::float8 FROM shared) AS score,
    (SELECT count(*)::int FROM partnership p
      WHERE EXISTS (SELECT 1 FROM partnership_member ma WHERE ma.partnership_id = p.id AND ma.stakeholder_id = :a AND ma.left_at IS NULL)
        AND EXISTS (SELECT 1 FROM partnership_member mb WHERE mb.partnership_id = p.id AND mb.stakeholder_id = :b AND mb.left_at IS NULL)
        AND ${scope.rule('Partnership', 'p')}
        ${own ? `AND EXISTS (SELECT 1 FROM partnership_member mo WHERE mo.partnership_id = p.id AND mo.stakeholder_id = :vOrg AND mo.left_at IS NULL)` : ''}
    ) AS shared_partnerships,
    (SELECT count(*)::int FROM contract c
      WHERE c.status = 'ACTIVE'
        AND EXISTS (SELECT 1 FROM contract_party ca WHERE ca.contract_id = c.id AND ca.stakeholder_id = :a)
        AND EXISTS (SELECT 1 FROM contract_party cb WHERE cb.contract_id = c.id AND cb.stakeholder_id = :b)
        AND ${scope.rule('Contract', 'c')}
        ${own ? `AND EXISTS (SELECT 1 FROM contract_party co WHERE co.contract_id = c.id AND co.stakeholder_id = :vOrg)` : ''}
    ) AS active_contracts
  FROM pair`;
};

export const networkService = {
  /** The network measures of the graph the viewer may see, from the module's cache when the data has not changed. */
  async network(ctx: Context, metrics: Metrics): Promise<NetworkMetrics> {
    return { figures: await figures(ctx, metrics.filter) };
  },

  /** The first `first` of a ranking; patients only for ADMIN (no individual patient is exposed). */
  async top(ctx: Context, figures: NetworkFigures, ranking: Ranking, first: number): Promise<RankedStakeholder[]> {
    const picked: number[] = [];
    for (let i = 0; i < ranking.order.length && picked.length < first; i++) {
      const node = ranking.order[i];
      if (ctx.scope.reporting.showsPatients || !figures.patients[node]) picked.push(node);
    }
    const found = await Promise.all(picked.map((node) => ctx.loaders.stakeholder.load(figures.ids[node])));
    return picked.map((node, i) => ({ stakeholder: reportedStakeholder(ctx, found[i] as Stakeholder), value: ranking.value[node] }));
  },

  async relationshipStrength(ctx: Context, metrics: Metrics, aId: string, bId: string): Promise<RelationshipStrength | null> {
    const [a, b] = [reportSubjectId(ctx, aId), reportSubjectId(ctx, bId)];
    if (!a || !b) return null;
    const params = { a, b, from: metrics.from, to: metrics.to, admin: ctx.scope.reporting.showsPatients };
    const rows = await ctx.scope.sql<{
      interactions: number;
      last_interaction_at: Date | null;
      score: number;
      shared_partnerships: number;
      active_contracts: number;
    }>(strengthSql(ctx), params);
    if (!rows.length) return null;
    const [r] = rows;
    return {
      interactions: r.interactions,
      lastInteractionAt: r.last_interaction_at,
      score: r.score,
      sharedPartnerships: r.shared_partnerships,
      activeContracts: r.active_contracts,
    };
  },
};
