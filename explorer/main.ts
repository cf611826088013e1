// The graph explorer (GET /explore): the viewer's visible graph from /graphql, drawn with sigma.js
// over graphology, laid out in the browser with ForceAtlas2. Every value shown comes from the API's
// answer for the pasted token, and is written as text (never as HTML).
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import Sigma from 'sigma';
import { GRAPH_QUERY } from './query';

interface StakeholderRef {
  id: string;
  name: string;
  kind: string;
}
interface AffiliationData {
  id: string;
  kind: string;
  since: string | null;
  until: string | null;
  from: StakeholderRef;
  to: StakeholderRef;
}
interface StakeholderData extends StakeholderRef {
  country: string | null;
  website: string | null;
  description: string | null;
  tags: string[];
  affiliations: AffiliationData[];
  partnerships: { id: string; title: string; members: { stakeholder: StakeholderRef }[] }[];
  contracts: { id: string; title: string; parties: { stakeholder: StakeholderRef }[] }[];
}
interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const PATH_QUERY = `query ExplorerPath($from: ID!, $to: ID!) {
  shortestPath(from: $from, to: $to, maxDepth: 6) {
    length
    stakeholders { id name kind }
    steps { relation from { id } to { id } via { __typename id } }
  }
}`;

export const KIND_COLOURS: Record<string, string> = {
  PATIENT: '#e4572e',
  PATIENT_ORGANISATION: '#f3a712',
  COMPANY: '#29335c',
  HTA_BODY: '#669bbc',
  REGULATOR: '#8e44ad',
  RESEARCH_ORGANISATION: '#2a9d8f',
};
const ANONYMOUS = 'Patient partner';

const graph = new Graph({ multi: true, type: 'directed' });
let renderer: Sigma | null = null;
let pathNodes = new Set<string>();
let pathEdges = new Set<string>();
let selected: string | null = null;
let resolveReady: (order: number) => void = () => undefined;
const ready = new Promise<number>((resolve) => (resolveReady = resolve));

const explorer = {
  graph,
  ready,
  get renderer(): Sigma | null {
    return renderer;
  },
  get path(): string[] {
    return [...pathNodes];
  },
};
(window as unknown as { __explorer: typeof explorer }).__explorer = explorer;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const status = (text: string): void => {
  $('status').textContent = text;
};

function token(): string {
  return $<HTMLTextAreaElement>('token').value.trim().replace(/^Bearer\s+/i, '');
}

async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}` },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as GraphQLAnswer<T>;
  if (answer.errors?.length) throw new Error(answer.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('\n'));
  if (!answer.data) throw new Error(`no data (HTTP ${response.status})`);
  return answer.data;
}

/** A redacted patient: the API names it "Patient partner" and gives it a sealed id. */
const isAnonymous = (s: StakeholderRef): boolean => s.kind === 'PATIENT' && s.name === ANONYMOUS;

function addNode(s: StakeholderRef, fields?: StakeholderData): void {
  const attributes = {
    label: isAnonymous(s) ? ANONYMOUS : s.name,
    kind: s.kind,
    anonymous: isAnonymous(s),
    color: KIND_COLOURS[s.kind] ?? '#999',
    size: s.kind === 'PATIENT' ? 5 : 8,
  };
  if (!graph.hasNode(s.id)) graph.addNode(s.id, { ...attributes, x: 0, y: 0 });
  if (fields) {
    graph.mergeNodeAttributes(s.id, {
      ...attributes,
      fields: { id: s.id, name: attributes.label, kind: s.kind, country: fields.country, website: fields.website, description: fields.description, tags: fields.tags },
    });
  }
}

function fill(stakeholders: StakeholderData[]): void {
  graph.clear();
  pathNodes = new Set();
  pathEdges = new Set();
  selected = null;
  for (const s of stakeholders) addNode(s, s);
  for (const s of stakeholders) {
    for (const a of s.affiliations) {
      addNode(a.from);
      addNode(a.to);
      if (!graph.hasEdge(a.id)) graph.addDirectedEdgeWithKey(a.id, a.from.id, a.to.id, { label: a.kind, relation: a.kind, since: a.since, until: a.until, size: 1.5, color: '#bbb' });
    }
    // A partnership or a contract links every two of its members or parties (as stakeholder_edge does).
    const links = [
      ...s.partnerships.map((p) => ({ relation: 'PARTNERSHIP', id: p.id, title: p.title, ends: p.members.map((m) => m.stakeholder), color: '#9dc3e6' })),
      ...s.contracts.map((c) => ({ relation: 'CONTRACT', id: c.id, title: c.title, ends: c.parties.map((p) => p.stakeholder), color: '#c5e0b4' })),
    ];
    for (const link of links) {
      for (const end of link.ends) addNode(end);
      for (const a of link.ends) {
        for (const b of link.ends) {
          const key = `${link.id}:${a.id}:${b.id}`;
          if (a.id < b.id && !graph.hasEdge(key)) graph.addDirectedEdgeWithKey(key, a.id, b.id, { label: link.title, relation: link.relation, via: link.id, size: 1, color: link.color });
        }
      }
    }
  }
  // A few hundred ForceAtlas2 iterations from a circle (deterministic start).
  const n = graph.order;
  graph.nodes().forEach((node, i) => {
    graph.mergeNodeAttributes(node, { x: 100 * Math.cos((2 * Math.PI * i) / n), y: 100 * Math.sin((2 * Math.PI * i) / n) });
  });
  if (n > 1) forceAtlas2.assign(graph, { iterations: 300, settings: { ...forceAtlas2.inferSettings(graph), gravity: 1 } });
}

function fillPickers(): void {
  const options = graph
    .mapNodes((id, a) => ({ id, label: a.label as string }))
    .sort((x, y) => x.label.localeCompare(y.label));
  let anonymous = 0;
  for (const pickerId of ['path-from', 'path-to']) {
    const picker = $<HTMLSelectElement>(pickerId);
    picker.replaceChildren();
    anonymous = 0;
    for (const o of options) {
      const option = document.createElement('option');
      option.value = o.id;
      option.textContent = o.label === ANONYMOUS ? `${ANONYMOUS} #${++anonymous}` : o.label;
      picker.append(option);
    }
  }
  if (options.length > 1) $<HTMLSelectElement>('path-to').selectedIndex = 1;
}

function row(parent: HTMLElement, name: string, value: string): void {
  const dt = document.createElement('dt');
  dt.textContent = name;
  const dd = document.createElement('dd');
  dd.textContent = value;
  parent.append(dt, dd);
}

function showPanel(node: string): void {
  selected = node;
  const a = graph.getNodeAttributes(node);
  const panel = $('panel');
  panel.replaceChildren();
  const title = document.createElement('h2');
  title.textContent = a.label as string;
  title.dataset.node = node;
  const fields = document.createElement('dl');
  fields.className = 'fields';
  const known = (a.fields ?? { id: node, kind: a.kind }) as Record<string, unknown>;
  for (const [name, value] of Object.entries(known)) {
    if (value == null || (Array.isArray(value) && value.length === 0)) continue;
    row(fields, name, Array.isArray(value) ? value.join(', ') : String(value));
  }
  if (!a.fields) row(fields, 'note', 'reached through an affiliation; not in the first 100 stakeholders');
  const heading = document.createElement('h2');
  heading.textContent = 'Relationships';
  const list = document.createElement('ul');
  list.className = 'relationships';
  graph.forEachEdge(node, (_edge, e, source, target) => {
    const li = document.createElement('li');
    const other = source === node ? target : source;
    const otherLabel = graph.getNodeAttribute(other, 'label') as string;
    li.textContent = source === node ? `${e.relation as string} ${otherLabel}` : `${otherLabel} ${e.relation as string} this`;
    list.append(li);
  });
  if (!list.childElementCount) {
    const li = document.createElement('li');
    li.textContent = 'none visible';
    list.append(li);
  }
  panel.append(title, fields, heading, list);
  renderer?.refresh();
}

async function load(): Promise<void> {
  if (!token()) return status('Paste a bearer token first.');
  status('Loading…');
  try {
    const data = await graphql<{ viewer: { role: string; organisation: { name: string } | null }; stakeholders: { totalCount: number; edges: { node: StakeholderData }[] } }>(GRAPH_QUERY);
    fill(data.stakeholders.edges.map((e) => e.node));
    fillPickers();
    if (!renderer) {
      renderer = new Sigma(graph, $('graph'), { defaultEdgeType: 'arrow', labelRenderedSizeThreshold: 0, nodeReducer, edgeReducer });
      renderer.on('clickNode', ({ node }) => showPanel(node));
    }
    renderer.refresh();
    renderer.getCamera().animatedReset({ duration: 0 });
    const who = data.viewer.organisation ? `${data.viewer.role} of ${data.viewer.organisation.name}` : data.viewer.role;
    status(`${who}: ${graph.order} stakeholders, ${graph.size} relationships drawn (${data.stakeholders.totalCount} visible in all).`);
    resolveReady(graph.order);
  } catch (error) {
    status(`Could not load the graph:\n${(error as Error).message}`);
  }
}

function nodeReducer(node: string, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  if (pathNodes.size && !pathNodes.has(node)) Object.assign(out, { color: '#e6e6e6', label: '' });
  if (pathNodes.has(node) || node === selected) out.highlighted = true;
  return out;
}
function edgeReducer(edge: string, data: Record<string, unknown>): Record<string, unknown> {
  if (!pathEdges.size) return data;
  return pathEdges.has(edge) ? { ...data, color: '#d62828', size: 4 } : { ...data, color: '#f0f0f0' };
}

async function highlightPath(): Promise<void> {
  const from = $<HTMLSelectElement>('path-from').value;
  const to = $<HTMLSelectElement>('path-to').value;
  if (!from || !to) return status('Load a graph and pick two stakeholders.');
  try {
    const { shortestPath } = await graphql<{ shortestPath: { length: number; stakeholders: StakeholderRef[]; steps: { relation: string; from: { id: string }; to: { id: string }; via: { id: string } }[] } | null }>(PATH_QUERY, { from, to });
    pathNodes = new Set();
    pathEdges = new Set();
    if (!shortestPath) {
      status('No path within 6 steps that you may see.');
    } else {
      for (const s of shortestPath.stakeholders) {
        addNode(s);
        pathNodes.add(s.id);
      }
      for (const step of shortestPath.steps) {
        // The affiliation behind the hop is drawn already; a partnership or contract hop gets an edge of its own.
        const drawn = graph.edges(step.from.id, step.to.id).concat(graph.edges(step.to.id, step.from.id)).find((e) => e === step.via.id || graph.getEdgeAttribute(e, 'relation') === step.relation);
        const key = drawn ?? `path:${step.via.id}`;
        if (!graph.hasEdge(key)) graph.addDirectedEdgeWithKey(key, step.from.id, step.to.id, { relation: step.relation, size: 2, color: '#d62828' });
        pathEdges.add(key);
      }
      const labels = shortestPath.stakeholders.map((s) => graph.getNodeAttribute(s.id, 'label') as string);
      status(`Shortest path, ${shortestPath.length} step(s): ${labels.join(' → ')}`);
    }
    renderer?.refresh();
  } catch (error) {
    status(`Could not find the path:\n${(error as Error).message}`);
  }
}

async function mint(event: Event): Promise<void> {
  event.preventDefault();
  const role = $<HTMLSelectElement>('mint-role').value;
  const org = $<HTMLInputElement>('mint-org').value;
  const response = await fetch('/explore/dev-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, org }) });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!body.token) return status(`Could not mint a token: ${body.error ?? response.status}`);
  $<HTMLTextAreaElement>('token').value = body.token;
  await load();
}

function legend(): void {
  const box = $('legend');
  for (const kind of (box.dataset.kinds ?? '').split(',')) {
    const line = document.createElement('div');
    const dot = document.createElement('span');
    dot.style.background = KIND_COLOURS[kind] ?? '#999';
    line.append(dot, document.createTextNode(kind));
    box.append(line);
  }
}

legend();
$('load').addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});
$('path-go').addEventListener('click', () => void highlightPath());
document.getElementById('mint')?.addEventListener('submit', (event) => void mint(event));
