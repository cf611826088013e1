import Graph from 'graphology';
import louvain from 'graphology-communities-louvain';
import { connectedComponents } from 'graphology-components';
import betweennessCentrality from 'graphology-metrics/centrality/betweenness';
import { undirectedDensity } from 'graphology-metrics/graph/density';

/**
 * The pure part of the network measures: from the links the main thread loaded (through the
 * viewer's scope) to the figures. It runs in the worker thread (network.worker.ts) and imports
 * nothing of the server, so that the worker loads only graphology.
 */

/** The graph as the main thread sends it: node indexes into `ids`, one (a, b) pair per link. */
export interface NetworkInput {
  ids: string[];
  names: string[];
  /** 1 for a patient, per node index. */
  patients: Uint8Array;
  /** Two node indexes per link, each link once. */
  edges: Int32Array;
  /** Betweenness from this many sampled sources (Brandes–Pich); exact when the graph has at most this many nodes. */
  pivots: number;
}

/** The figures, node indexes referring to the input's `ids`. */
export interface NetworkOutput {
  nodes: number;
  edges: number;
  density: number;
  components: number;
  largestComponent: number;
  communities: number;
  degree: Float64Array;
  betweenness: Float64Array;
  /** Node indexes by degree, then name, then id. */
  byDegree: Int32Array;
  /** Node indexes by betweenness, then name, then id. */
  byBetweenness: Int32Array;
  /** Sources betweenness was computed from: `nodes` when exact. */
  betweennessSources: number;
}

/** A computation sent to the worker thread, and its answer. */
export interface NetworkJob {
  id: number;
  input: NetworkInput;
}
export type NetworkReply = { id: number; output: NetworkOutput } | { id: number; error: string };

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function seededRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit FNV-1a hash of the canonical graph (its ids, then its links): the seed of the sampled sources. */
function graphSeed(ids: string[], byId: Int32Array, links: Int32Array): number {
  let h = 0x811c9dc5;
  for (const node of byId) {
    const id = ids[node];
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  }
  for (const x of links) h = Math.imul(h ^ x, 0x01000193);
  return h >>> 0;
}

/** Compressed adjacency (CSR) of an undirected graph over node indexes 0 … n − 1. */
interface Adjacency {
  starts: Int32Array;
  neighbours: Int32Array;
}

function adjacency(n: number, edges: Int32Array): Adjacency {
  const starts = new Int32Array(n + 1);
  for (let i = 0; i < edges.length; i++) starts[edges[i] + 1] += 1;
  for (let v = 0; v < n; v++) starts[v + 1] += starts[v];
  const fill = starts.slice(0, n);
  const neighbours = new Int32Array(edges.length);
  for (let i = 0; i < edges.length; i += 2) {
    const a = edges[i];
    const b = edges[i + 1];
    neighbours[fill[a]++] = b;
    neighbours[fill[b]++] = a;
  }
  return { starts, neighbours };
}

/**
 * Betweenness estimated from `sources` (Brandes 2001, one breadth-first search and one dependency
 * accumulation per source; Brandes & Pich 2007, sources drawn uniformly without replacement, the
 * sum scaled by n / k), normalised like graphology-metrics: Σ over sources of δ_s(v), × n / k,
 * divided by (n − 1)(n − 2), the ordered pairs of other nodes. Unbiased; exact when every node is
 * a source. Path counts are doubles (no 32-bit overflow on graphs with many equally short paths).
 */
export function sampledBetweenness(n: number, { starts, neighbours }: Adjacency, sources: Int32Array): Float64Array {
  const centrality = new Float64Array(n);
  if (n <= 2 || sources.length === 0) return centrality;
  const sigma = new Float64Array(n);
  const distance = new Int32Array(n).fill(-1);
  const delta = new Float64Array(n);
  const order = new Int32Array(n); // nodes in the order the search reached them
  // The shortest-path DAG of one search, its edges in the order found (by distance from the source).
  const dagFrom = new Int32Array(neighbours.length);
  const dagTo = new Int32Array(neighbours.length);
  for (const s of sources) {
    sigma[s] = 1;
    distance[s] = 0;
    order[0] = s;
    let head = 0;
    let tail = 1;
    let edges = 0;
    while (head < tail) {
      const v = order[head++];
      const next = distance[v] + 1;
      const paths = sigma[v];
      for (let j = starts[v], end = starts[v + 1]; j < end; j++) {
        const w = neighbours[j];
        if (distance[w] < 0) {
          distance[w] = next;
          order[tail++] = w;
        }
        if (distance[w] === next) {
          sigma[w] += paths;
          dagFrom[edges] = v;
          dagTo[edges] = w;
          edges += 1;
        }
      }
    }
    // Farthest edges first: a node's dependency is complete before it is passed down to its predecessors.
    for (let e = edges - 1; e >= 0; e--) {
      const v = dagFrom[e];
      const w = dagTo[e];
      delta[v] += (sigma[v] / sigma[w]) * (1 + delta[w]);
    }
    for (let i = 0; i < tail; i++) {
      const v = order[i];
      if (v !== s) centrality[v] += delta[v];
      delta[v] = 0;
      sigma[v] = 0;
      distance[v] = -1;
    }
  }
  const scale = n / sources.length / ((n - 1) * (n - 2));
  for (let v = 0; v < n; v++) centrality[v] *= scale;
  return centrality;
}

/** `k` distinct nodes drawn uniformly (a partial Fisher–Yates shuffle of 0 … n − 1). */
export function drawSources(n: number, k: number, rng: () => number): Int32Array {
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  const count = Math.min(k, n);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (n - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count);
}

/**
 * The measures. Nodes are renumbered by id first (and links sorted), so that the figures do not
 * depend on the order the rows came in: Louvain (fixed seed) and the sampled sources (seeded by
 * the graph itself) see the same graph in the same order, so one graph always gives the same
 * figures, whichever scope or data version it was loaded for.
 */
export function computeNetwork(input: NetworkInput): NetworkOutput {
  const n = input.ids.length;
  if (input.edges.length % 2 !== 0 || input.edges.some((node) => node < 0 || node >= n)) throw new Error(`a link names a node outside 0 … ${n - 1}`);
  const { ids, names } = input;
  const byId = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => (ids[x] < ids[y] ? -1 : ids[x] > ids[y] ? 1 : 0));
  const rankOf = new Int32Array(n);
  byId.forEach((node, rank) => (rankOf[node] = rank));
  // Links as (lower rank, higher rank), sorted, each once, no loops: the canonical graph.
  const keys = new Float64Array(input.edges.length / 2);
  for (let i = 0; i < keys.length; i++) {
    const a = rankOf[input.edges[2 * i]];
    const b = rankOf[input.edges[2 * i + 1]];
    keys[i] = a === b ? -1 : Math.min(a, b) * n + Math.max(a, b);
  }
  keys.sort();
  const links = new Int32Array(input.edges.length);
  let m = 0;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] < 0 || (i > 0 && keys[i] === keys[i - 1])) continue;
    links[2 * m] = Math.floor(keys[i] / n);
    links[2 * m + 1] = keys[i] % n;
    m += 1;
  }

  const graph = new Graph({ type: 'undirected', multi: false });
  for (let r = 0; r < n; r++) graph.addNode(r);
  for (let i = 0; i < m; i++) graph.addEdge(links[2 * i], links[2 * i + 1]);

  const components = connectedComponents(graph);
  // Canonical index r → input index byId[r].
  const degree = new Float64Array(n);
  const betweenness = new Float64Array(n);
  for (let r = 0; r < n; r++) degree[byId[r]] = graph.degree(r);
  let sources = n;
  if (n > 2 && n <= input.pivots) {
    // Exact: graphology's Brandes, unweighted (breadth-first searches).
    const exact = betweennessCentrality(graph, { getEdgeWeight: null });
    for (let r = 0; r < n; r++) betweenness[byId[r]] = exact[r] ?? 0;
  } else if (n > 2) {
    const drawn = drawSources(n, input.pivots, seededRng(graphSeed(ids, byId, links.subarray(0, 2 * m))));
    sources = drawn.length;
    const estimate = sampledBetweenness(n, adjacency(n, links.subarray(0, 2 * m)), drawn);
    for (let r = 0; r < n; r++) betweenness[byId[r]] = estimate[r];
  }

  // Ties by name (as localeCompare orders them), then id: the position in that order, computed once.
  const collator = new Intl.Collator();
  const byName = Array.from(byId).sort((x, y) => collator.compare(names[x], names[y]));
  const nameRank = new Int32Array(n);
  byName.forEach((node, position) => (nameRank[node] = position));
  const rank = (value: Float64Array): Int32Array =>
    Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => value[y] - value[x] || nameRank[x] - nameRank[y]);
  return {
    nodes: n,
    edges: graph.size,
    density: n > 1 ? undirectedDensity(graph) : 0,
    components: components.length,
    largestComponent: components.reduce((max, c) => Math.max(max, c.length), 0),
    communities: graph.size > 0 ? louvain.detailed(graph, { rng: seededRng(4) }).count : 0,
    degree,
    betweenness,
    byDegree: rank(degree),
    byBetweenness: rank(betweenness),
    betweennessSources: sources,
  };
}
