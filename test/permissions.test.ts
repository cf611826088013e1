import { redactedPatientId } from '../src/access/patient-ids';
import { toGlobalId } from '../src/graphql/global-id';
import { aid } from './support/affiliation.factories';
import { createTestApp, dataOf, errorCodes, type GqlResult, type TestApp } from './support/app';
import { cid } from './support/commitment.factories';
import { ctid } from './support/contract.factories';
import { gid } from './support/factories';
import { iid } from './support/interaction.factories';
import { pid } from './support/partnership.factories';
import { buildPermissionWorld, I_NOTES, K_VALUE, P1_SECRETS, type PermissionWorld, type ViewerName } from './support/permission-world';

/**
 * DESIGN §3 as tables: who sees which of P1's fields along every path that reaches P1, and which
 * records exist for whom. Every expected outcome is written out by hand (never derived from
 * src/access/policy.ts); the world is described in support/permission-world.ts.
 */
let app: TestApp;
let w: PermissionWorld;
beforeAll(async () => {
  app = await createTestApp();
  w = await buildPermissionWorld(app.db);
});
afterAll(() => app.close());

const run = <T = Record<string, unknown>>(viewer: ViewerName, query: string, variables: Record<string, unknown> = {}): Promise<GqlResult<T>> =>
  app.run<T>(query, variables, w.viewers[viewer]);

/** The raw text a client receives, for "must not appear anywhere" checks. */
const text = (result: GqlResult<unknown>): string => JSON.stringify(result);

// ─── P1's fields along every path ──────────────────────────────────────────────────────────────

const ALL = 'all fields, real id';
const NO_HEALTH = 'identity + contact, real id';
const NOTHING = 'no sensitive field, redacted id';
const NOT_REACHED = 'P1 not reached';
/** A search by P1's pseudonym does not match P1 for a viewer who may not read P1's identity. */
const NOT_FOUND = 'P1 not found by its pseudonym';
const FORBIDDEN = 'FORBIDDEN';
type Seen = typeof ALL | typeof NO_HEALTH | typeof NOTHING;
type Outcome = Seen | typeof NOT_REACHED | typeof NOT_FOUND | typeof FORBIDDEN;

type Field = 'pseudonym' | 'displayName' | 'birthYear' | 'email' | 'phone' | 'conditions';
/** What each outcome shows of P1: which fields hold their value, the rest is null and listed (in API order). */
const SEEN: Record<Seen, { id: 'real' | 'redacted'; shown: Field[]; redactedFields: Field[] }> = {
  [ALL]: { id: 'real', shown: ['pseudonym', 'displayName', 'birthYear', 'email', 'phone', 'conditions'], redactedFields: [] },
  [NO_HEALTH]: { id: 'real', shown: ['pseudonym', 'displayName', 'birthYear', 'email', 'phone'], redactedFields: ['conditions'] },
  [NOTHING]: { id: 'redacted', shown: [], redactedFields: ['pseudonym', 'displayName', 'birthYear', 'email', 'phone', 'conditions'] },
};
/** A patient's `name` where their identity is hidden. */
const PATIENT_LABEL = 'Patient partner';

/** P1's pseudonym (the world gives P1 one). */
function p1Pseudonym(): string {
  if (!w.p1.pseudonym) throw new Error('P1 has no pseudonym');
  return w.p1.pseudonym;
}

/** Raw values that must not reach a viewer from whom the field is hidden (birthYear is a bare number: not scanned). */
const secretText = (field: Field): string | undefined =>
  ({
    pseudonym: p1Pseudonym(),
    displayName: P1_SECRETS.displayName,
    email: P1_SECRETS.email,
    phone: P1_SECRETS.phone,
    conditions: P1_SECRETS.conditions[0],
  })[field as Exclude<Field, 'birthYear'>];

interface P1Out {
  __typename: string;
  id: string;
  name: string;
  kind: string;
  pseudonym: string | null;
  displayName: string | null;
  birthYear: number | null;
  email: string | null;
  phone: string | null;
  conditions: string[] | null;
  redactedFields: string[];
}
type Via = 'CONTRACT K' | 'PARTNERSHIP PA' | 'AFFILIATION P1-CFNet';
interface StepOut {
  relation: string;
  via: { __typename: string; id: string };
  to: P1Out;
}

const P1_FIELDS = `
  fragment P1Fields on Patient {
    __typename id name kind pseudonym displayName birthYear email phone conditions redactedFields
  }`;

interface PathSpec {
  query: string;
  vars: (p1Id: string) => Record<string, unknown>;
  /**
   * P1 as the path returns it (null when the path does not reach P1), the hop that reached it for
   * paths, and the list's totalCount for searches. `p1Ids` are the ids P1 may be shown under to
   * the viewer: its real id, or the id sealed for the viewer.
   */
  pick: (data: unknown, p1Ids: string[]) => { p1: P1Out | null; step?: StepOut; totalCount?: number };
}

const isP1 = (s: { id?: string } | null | undefined, p1Ids: string[]): boolean => s?.id !== undefined && p1Ids.includes(s.id);
const findP1 = (list: ({ id?: string } | null)[], p1Ids: string[]): P1Out | null =>
  (list.find((s) => isP1(s, p1Ids)) as P1Out | undefined) ?? null;

function pathToP1(from: () => string): PathSpec {
  return {
    query: `query ($from: ID!, $to: ID!) {
      shortestPath(from: $from, to: $to) {
        length
        stakeholders { ...P1Fields }
        steps { relation via { __typename id } to { ...P1Fields } }
      }
    } ${P1_FIELDS}`,
    vars: (p1Id) => ({ from: from(), to: p1Id }),
    pick: (d) => {
      const path = (d as { shortestPath: { length: number; stakeholders: P1Out[]; steps: StepOut[] } | null }).shortestPath;
      if (!path) return { p1: null };
      expect(path.length).toBe(1);
      expect(path.stakeholders[1]).toEqual(path.steps[0].to);
      return { p1: path.steps[0].to, step: path.steps[0] };
    },
  };
}

const PATHS = {
  'stakeholder(id)': {
    query: `query ($id: ID!) { stakeholder(id: $id) { ...P1Fields } } ${P1_FIELDS}`,
    vars: (id) => ({ id }),
    pick: (d) => ({ p1: (d as { stakeholder: P1Out | null }).stakeholder }),
  },
  'node(id)': {
    query: `query ($id: ID!) { node(id: $id) { ...P1Fields } } ${P1_FIELDS}`,
    vars: (id) => ({ id }),
    pick: (d) => ({ p1: (d as { node: P1Out | null }).node }),
  },
  'nodes([id])': {
    query: `query ($id: ID!) { nodes(ids: [$id]) { ...P1Fields } } ${P1_FIELDS}`,
    vars: (id) => ({ id }),
    pick: (d) => {
      const nodes = (d as { nodes: (P1Out | null)[] }).nodes;
      expect(nodes).toHaveLength(1);
      return { p1: nodes[0] };
    },
  },
  'stakeholders(search).edges': {
    query: `query ($search: String!) {
      stakeholders(filter: { search: $search }) { totalCount edges { cursor node { ...P1Fields } } }
    } ${P1_FIELDS}`,
    vars: () => ({ search: w.p1.pseudonym }),
    pick: (d, p1Ids) => {
      const list = (d as { stakeholders: { totalCount: number; edges: { node: P1Out }[] } }).stakeholders;
      return { p1: findP1(list.edges.map((e) => e.node), p1Ids), totalCount: list.totalCount };
    },
  },
  'stakeholders(search).nodes': {
    query: `query ($search: String!) { stakeholders(filter: { search: $search }) { totalCount nodes { ...P1Fields } } } ${P1_FIELDS}`,
    vars: () => ({ search: w.p1.pseudonym }),
    pick: (d, p1Ids) => {
      const list = (d as { stakeholders: { totalCount: number; nodes: P1Out[] } }).stakeholders;
      return { p1: findP1(list.nodes, p1Ids), totalCount: list.totalCount };
    },
  },
  'interface fragments': {
    query: `query ($id: ID!) {
      node(id: $id) {
        __typename
        ... on Node { id }
        ... on Stakeholder { id name kind }
        ... on Patient { pseudonym displayName birthYear email phone conditions redactedFields }
      }
    }`,
    vars: (id) => ({ id }),
    pick: (d) => ({ p1: (d as { node: P1Out | null }).node }),
  },
  'partnership(PA).members': {
    query: `query ($pa: ID!) { partnership(id: $pa) { members { role stakeholder { ...P1Fields } } } } ${P1_FIELDS}`,
    vars: () => ({ pa: pid(w.pa) }),
    pick: (d, p1Ids) => {
      const members = (d as { partnership: { members: { role: string; stakeholder: P1Out }[] } | null }).partnership?.members ?? [];
      const member = members.find((m) => isP1(m.stakeholder, p1Ids));
      if (member) expect(member.role).toBe('PATIENT_PARTNER');
      return { p1: member?.stakeholder ?? null };
    },
  },
  'contract(K).parties': {
    query: `query ($k: ID!) { contract(id: $k) { parties { role stakeholder { ...P1Fields } } } } ${P1_FIELDS}`,
    vars: () => ({ k: ctid(w.k) }),
    pick: (d, p1Ids) => {
      const parties = (d as { contract: { parties: { role: string; stakeholder: P1Out }[] } | null }).contract?.parties ?? [];
      const party = parties.find((p) => isP1(p.stakeholder, p1Ids));
      if (party) expect(party.role).toBe('RECIPIENT');
      return { p1: party?.stakeholder ?? null };
    },
  },
  'interaction(I).participants': {
    query: `query ($i: ID!) { interaction(id: $i) { participants { ...P1Fields } } } ${P1_FIELDS}`,
    vars: () => ({ i: iid(w.i) }),
    pick: (d, p1Ids) => ({ p1: findP1((d as { interaction: { participants: P1Out[] } | null }).interaction?.participants ?? [], p1Ids) }),
  },
  'affiliations(stakeholderId: CFNet).from': {
    query: `query ($cfnet: ID!) { affiliations(filter: { stakeholderId: $cfnet }) { totalCount nodes { from { ...P1Fields } } } } ${P1_FIELDS}`,
    vars: () => ({ cfnet: gid(w.cfnet) }),
    pick: (d, p1Ids) => {
      const list = (d as { affiliations: { totalCount: number; nodes: { from: P1Out }[] } }).affiliations;
      expect(list.totalCount).toBe(list.nodes.length);
      return { p1: findP1(list.nodes.map((a) => a.from), p1Ids) };
    },
  },
  'CFNet.neighbours(depth: 1)': {
    query: `query ($cfnet: ID!) { stakeholder(id: $cfnet) { neighbours(depth: 1) { distance stakeholder { ...P1Fields } } } } ${P1_FIELDS}`,
    vars: () => ({ cfnet: gid(w.cfnet) }),
    pick: (d, p1Ids) => {
      const neighbours = (d as { stakeholder: { neighbours: { distance: number; stakeholder: P1Out }[] } }).stakeholder.neighbours;
      const n = neighbours.find((x) => isP1(x.stakeholder, p1Ids));
      if (n) expect(n.distance).toBe(1);
      return { p1: n?.stakeholder ?? null };
    },
  },
  'shortestPath(HelixCo → P1)': pathToP1(() => gid(w.helix)),
  'shortestPath(CFNet → P1)': pathToP1(() => gid(w.cfnet)),
} satisfies Record<string, PathSpec>;
type PathName = keyof typeof PATHS;

/** The record behind a hop, as `via` returns it. */
const VIA: Record<Via, () => { relation: string; via: { __typename: string; id: string } }> = {
  'CONTRACT K': () => ({ relation: 'CONTRACT', via: { __typename: 'Contract', id: ctid(w.k) } }),
  'PARTNERSHIP PA': () => ({ relation: 'PARTNERSHIP', via: { __typename: 'Partnership', id: pid(w.pa) } }),
  'AFFILIATION P1-CFNet': () => ({ relation: 'AFFILIATION', via: { __typename: 'Affiliation', id: aid(w.affiliation) } }),
};

/**
 * One row per viewer and path. For the two shortestPath paths the last column lists the hops the
 * path may take: a hop through a record the viewer may not see is never one of them (when a viewer
 * sees two equally short hops, either is a right answer).
 */
const P1_TABLE: [ViewerName, PathName, Outcome, Via[]?][] = [
  ['ADMIN', 'stakeholder(id)', ALL],
  ['ADMIN', 'node(id)', ALL],
  ['ADMIN', 'nodes([id])', ALL],
  ['ADMIN', 'stakeholders(search).edges', ALL],
  ['ADMIN', 'stakeholders(search).nodes', ALL],
  ['ADMIN', 'interface fragments', ALL],
  ['ADMIN', 'partnership(PA).members', ALL],
  ['ADMIN', 'contract(K).parties', ALL],
  ['ADMIN', 'interaction(I).participants', ALL],
  ['ADMIN', 'affiliations(stakeholderId: CFNet).from', ALL],
  ['ADMIN', 'CFNet.neighbours(depth: 1)', ALL],
  ['ADMIN', 'shortestPath(HelixCo → P1)', ALL, ['CONTRACT K', 'PARTNERSHIP PA']],
  ['ADMIN', 'shortestPath(CFNet → P1)', ALL, ['AFFILIATION P1-CFNet', 'PARTNERSHIP PA']],

  ['HelixCo EM', 'stakeholder(id)', NO_HEALTH],
  ['HelixCo EM', 'node(id)', NO_HEALTH],
  ['HelixCo EM', 'nodes([id])', NO_HEALTH],
  ['HelixCo EM', 'stakeholders(search).edges', NO_HEALTH],
  ['HelixCo EM', 'stakeholders(search).nodes', NO_HEALTH],
  ['HelixCo EM', 'interface fragments', NO_HEALTH],
  ['HelixCo EM', 'partnership(PA).members', NO_HEALTH],
  ['HelixCo EM', 'contract(K).parties', NO_HEALTH],
  ['HelixCo EM', 'interaction(I).participants', NO_HEALTH],
  ['HelixCo EM', 'affiliations(stakeholderId: CFNet).from', NOT_REACHED],
  ['HelixCo EM', 'CFNet.neighbours(depth: 1)', NO_HEALTH],
  ['HelixCo EM', 'shortestPath(HelixCo → P1)', NO_HEALTH, ['CONTRACT K', 'PARTNERSHIP PA']],
  ['HelixCo EM', 'shortestPath(CFNet → P1)', NO_HEALTH, ['PARTNERSHIP PA']],

  ['HelixCo PARTNER', 'stakeholder(id)', NO_HEALTH],
  ['HelixCo PARTNER', 'node(id)', NO_HEALTH],
  ['HelixCo PARTNER', 'nodes([id])', NO_HEALTH],
  ['HelixCo PARTNER', 'stakeholders(search).edges', NO_HEALTH],
  ['HelixCo PARTNER', 'stakeholders(search).nodes', NO_HEALTH],
  ['HelixCo PARTNER', 'interface fragments', NO_HEALTH],
  ['HelixCo PARTNER', 'partnership(PA).members', NO_HEALTH],
  ['HelixCo PARTNER', 'contract(K).parties', NO_HEALTH],
  ['HelixCo PARTNER', 'interaction(I).participants', NO_HEALTH],
  ['HelixCo PARTNER', 'affiliations(stakeholderId: CFNet).from', NOT_REACHED],
  ['HelixCo PARTNER', 'CFNet.neighbours(depth: 1)', NO_HEALTH],
  ['HelixCo PARTNER', 'shortestPath(HelixCo → P1)', NO_HEALTH, ['CONTRACT K', 'PARTNERSHIP PA']],
  ['HelixCo PARTNER', 'shortestPath(CFNet → P1)', NO_HEALTH, ['PARTNERSHIP PA']],

  // P1 consented to HelixCo for PARTNERSHIP_COORDINATION only: another purpose sees nothing.
  ['HelixCo EM (RESEARCH_DESIGN)', 'stakeholder(id)', NOTHING],
  ['HelixCo EM (RESEARCH_DESIGN)', 'node(id)', NOTHING],
  ['HelixCo EM (RESEARCH_DESIGN)', 'nodes([id])', NOTHING],
  ['HelixCo EM (RESEARCH_DESIGN)', 'stakeholders(search).edges', NOT_FOUND],
  ['HelixCo EM (RESEARCH_DESIGN)', 'stakeholders(search).nodes', NOT_FOUND],
  ['HelixCo EM (RESEARCH_DESIGN)', 'interface fragments', NOTHING],
  ['HelixCo EM (RESEARCH_DESIGN)', 'partnership(PA).members', NOTHING],
  ['HelixCo EM (RESEARCH_DESIGN)', 'contract(K).parties', NOTHING],
  ['HelixCo EM (RESEARCH_DESIGN)', 'interaction(I).participants', NOTHING],
  ['HelixCo EM (RESEARCH_DESIGN)', 'affiliations(stakeholderId: CFNet).from', NOT_REACHED],
  ['HelixCo EM (RESEARCH_DESIGN)', 'CFNet.neighbours(depth: 1)', NOTHING],
  ['HelixCo EM (RESEARCH_DESIGN)', 'shortestPath(HelixCo → P1)', NOTHING, ['CONTRACT K', 'PARTNERSHIP PA']],
  ['HelixCo EM (RESEARCH_DESIGN)', 'shortestPath(CFNet → P1)', NOTHING, ['PARTNERSHIP PA']],

  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'stakeholder(id)', NOTHING],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'node(id)', NOTHING],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'nodes([id])', NOTHING],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'stakeholders(search).edges', NOT_FOUND],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'stakeholders(search).nodes', NOT_FOUND],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'interface fragments', NOTHING],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'partnership(PA).members', NOTHING],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'contract(K).parties', NOTHING],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'interaction(I).participants', NOTHING],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'affiliations(stakeholderId: CFNet).from', NOT_REACHED],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'CFNet.neighbours(depth: 1)', NOTHING],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'shortestPath(HelixCo → P1)', NOTHING, ['CONTRACT K', 'PARTNERSHIP PA']],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'shortestPath(CFNet → P1)', NOTHING, ['PARTNERSHIP PA']],

  // CFNet holds HEALTH consent but is no party of K, nor a participant of I (in no partnership).
  ['CFNet EM', 'stakeholder(id)', ALL],
  ['CFNet EM', 'node(id)', ALL],
  ['CFNet EM', 'nodes([id])', ALL],
  ['CFNet EM', 'stakeholders(search).edges', ALL],
  ['CFNet EM', 'stakeholders(search).nodes', ALL],
  ['CFNet EM', 'interface fragments', ALL],
  ['CFNet EM', 'partnership(PA).members', ALL],
  ['CFNet EM', 'contract(K).parties', NOT_REACHED],
  ['CFNet EM', 'interaction(I).participants', NOT_REACHED],
  ['CFNet EM', 'affiliations(stakeholderId: CFNet).from', ALL],
  ['CFNet EM', 'CFNet.neighbours(depth: 1)', ALL],
  ['CFNet EM', 'shortestPath(HelixCo → P1)', ALL, ['PARTNERSHIP PA']],
  ['CFNet EM', 'shortestPath(CFNet → P1)', ALL, ['AFFILIATION P1-CFNet', 'PARTNERSHIP PA']],

  ['CFNet PARTNER', 'stakeholder(id)', ALL],
  ['CFNet PARTNER', 'node(id)', ALL],
  ['CFNet PARTNER', 'nodes([id])', ALL],
  ['CFNet PARTNER', 'stakeholders(search).edges', ALL],
  ['CFNet PARTNER', 'stakeholders(search).nodes', ALL],
  ['CFNet PARTNER', 'interface fragments', ALL],
  ['CFNet PARTNER', 'partnership(PA).members', ALL],
  ['CFNet PARTNER', 'contract(K).parties', NOT_REACHED],
  ['CFNet PARTNER', 'interaction(I).participants', NOT_REACHED],
  ['CFNet PARTNER', 'affiliations(stakeholderId: CFNet).from', ALL],
  ['CFNet PARTNER', 'CFNet.neighbours(depth: 1)', ALL],
  ['CFNet PARTNER', 'shortestPath(HelixCo → P1)', ALL, ['PARTNERSHIP PA']],
  ['CFNet PARTNER', 'shortestPath(CFNet → P1)', ALL, ['AFFILIATION P1-CFNet', 'PARTNERSHIP PA']],

  // No consent to NorthCo: P1 is a redacted patient under an id of NorthCo's own, not found by its pseudonym.
  ['NorthCo EM', 'stakeholder(id)', NOTHING],
  ['NorthCo EM', 'node(id)', NOTHING],
  ['NorthCo EM', 'nodes([id])', NOTHING],
  ['NorthCo EM', 'stakeholders(search).edges', NOT_FOUND],
  ['NorthCo EM', 'stakeholders(search).nodes', NOT_FOUND],
  ['NorthCo EM', 'interface fragments', NOTHING],
  ['NorthCo EM', 'partnership(PA).members', NOTHING],
  ['NorthCo EM', 'contract(K).parties', NOT_REACHED],
  ['NorthCo EM', 'interaction(I).participants', NOT_REACHED],
  ['NorthCo EM', 'affiliations(stakeholderId: CFNet).from', NOT_REACHED],
  ['NorthCo EM', 'CFNet.neighbours(depth: 1)', NOTHING],
  ['NorthCo EM', 'shortestPath(HelixCo → P1)', NOTHING, ['PARTNERSHIP PA']],
  ['NorthCo EM', 'shortestPath(CFNet → P1)', NOTHING, ['PARTNERSHIP PA']],

  ['NorthCo PARTNER', 'stakeholder(id)', NOTHING],
  ['NorthCo PARTNER', 'node(id)', NOTHING],
  ['NorthCo PARTNER', 'nodes([id])', NOTHING],
  ['NorthCo PARTNER', 'stakeholders(search).edges', NOT_FOUND],
  ['NorthCo PARTNER', 'stakeholders(search).nodes', NOT_FOUND],
  ['NorthCo PARTNER', 'interface fragments', NOTHING],
  ['NorthCo PARTNER', 'partnership(PA).members', NOTHING],
  ['NorthCo PARTNER', 'contract(K).parties', NOT_REACHED],
  ['NorthCo PARTNER', 'interaction(I).participants', NOT_REACHED],
  ['NorthCo PARTNER', 'affiliations(stakeholderId: CFNet).from', NOT_REACHED],
  ['NorthCo PARTNER', 'CFNet.neighbours(depth: 1)', NOTHING],
  ['NorthCo PARTNER', 'shortestPath(HelixCo → P1)', NOTHING, ['PARTNERSHIP PA']],
  ['NorthCo PARTNER', 'shortestPath(CFNet → P1)', NOTHING, ['PARTNERSHIP PA']],

  ['PATIENT P1', 'stakeholder(id)', ALL],
  ['PATIENT P1', 'node(id)', ALL],
  ['PATIENT P1', 'nodes([id])', ALL],
  ['PATIENT P1', 'stakeholders(search).edges', ALL],
  ['PATIENT P1', 'stakeholders(search).nodes', ALL],
  ['PATIENT P1', 'interface fragments', ALL],
  ['PATIENT P1', 'partnership(PA).members', ALL],
  ['PATIENT P1', 'contract(K).parties', ALL],
  ['PATIENT P1', 'interaction(I).participants', ALL],
  ['PATIENT P1', 'affiliations(stakeholderId: CFNet).from', ALL],
  ['PATIENT P1', 'CFNet.neighbours(depth: 1)', ALL],
  ['PATIENT P1', 'shortestPath(HelixCo → P1)', ALL, ['CONTRACT K', 'PARTNERSHIP PA']],
  ['PATIENT P1', 'shortestPath(CFNet → P1)', ALL, ['AFFILIATION P1-CFNet', 'PARTNERSHIP PA']],

  ['PATIENT P2', 'stakeholder(id)', NOTHING],
  ['PATIENT P2', 'node(id)', NOTHING],
  ['PATIENT P2', 'nodes([id])', NOTHING],
  ['PATIENT P2', 'stakeholders(search).edges', NOT_FOUND],
  ['PATIENT P2', 'stakeholders(search).nodes', NOT_FOUND],
  ['PATIENT P2', 'interface fragments', NOTHING],
  ['PATIENT P2', 'partnership(PA).members', NOTHING],
  ['PATIENT P2', 'contract(K).parties', NOT_REACHED],
  ['PATIENT P2', 'interaction(I).participants', NOT_REACHED],
  ['PATIENT P2', 'affiliations(stakeholderId: CFNet).from', NOT_REACHED],
  ['PATIENT P2', 'CFNet.neighbours(depth: 1)', NOTHING],
  ['PATIENT P2', 'shortestPath(HelixCo → P1)', NOTHING, ['PARTNERSHIP PA']],
  ['PATIENT P2', 'shortestPath(CFNet → P1)', NOTHING, ['PARTNERSHIP PA']],

  // Reporting tools read aggregates only: no record query reaches a patient.
  ['ANALYST', 'stakeholder(id)', FORBIDDEN],
  ['ANALYST', 'node(id)', FORBIDDEN],
  ['ANALYST', 'nodes([id])', FORBIDDEN],
  ['ANALYST', 'stakeholders(search).edges', FORBIDDEN],
  ['ANALYST', 'stakeholders(search).nodes', FORBIDDEN],
  ['ANALYST', 'interface fragments', FORBIDDEN],
  ['ANALYST', 'partnership(PA).members', FORBIDDEN],
  ['ANALYST', 'contract(K).parties', FORBIDDEN],
  ['ANALYST', 'interaction(I).participants', FORBIDDEN],
  ['ANALYST', 'affiliations(stakeholderId: CFNet).from', FORBIDDEN],
  ['ANALYST', 'CFNet.neighbours(depth: 1)', FORBIDDEN],
  ['ANALYST', 'shortestPath(HelixCo → P1)', FORBIDDEN],
  ['ANALYST', 'shortestPath(CFNet → P1)', FORBIDDEN],
];

interface AuditRow {
  action: string;
  outcome: string;
  target_type: string | null;
  target_id: string | null;
  patient_id: string | null;
  fields: string[];
}

/**
 * The audit trail of a request of the table, about P1: where the outcome shows P1's fields, one
 * read naming exactly those fields (and `name`, which is the pseudonym, when identity is shown);
 * otherwise no row about P1. No column of any row of the request holds a value of P1's.
 */
async function expectP1Audited(requestId: string, outcome: Outcome, healthEdge: boolean): Promise<void> {
  const rows = (await app.db.query(
    `SELECT request_id, subject, role, organisation_id, viewer_patient_id, purpose, action, target_type, target_id, patient_id, fields, outcome
       FROM audit_event WHERE request_id = $1 ORDER BY id`,
    [requestId],
  )) as (AuditRow & Record<string, unknown>)[];
  const aboutP1 = rows
    .filter((row) => row.patient_id === w.p1.id || row.target_id === w.p1.id)
    .map(({ action, outcome: result, target_type, target_id, patient_id, fields }) => ({
      action,
      outcome: result,
      target_type,
      target_id,
      patient_id,
      fields: [...fields].sort(),
    }));
  const shown: string[] = outcome in SEEN ? [...SEEN[outcome as Seen].shown] : [];
  if (shown.includes('pseudonym')) shown.push('name');
  // A patient's affiliation to a patient organisation returned is a read of the patient's health too.
  const edge = { action: 'read', outcome: 'allowed', target_type: 'Affiliation', target_id: w.affiliation.id, patient_id: w.p1.id, fields: ['affiliation'] };
  const fieldsRow = { action: 'read', outcome: 'allowed', target_type: 'Stakeholder', target_id: w.p1.id, patient_id: w.p1.id, fields: shown.sort() };
  const expected = [...(shown.length > 0 ? [fieldsRow] : []), ...(healthEdge ? [edge] : [])];
  const byTarget = (a: { target_type: unknown }, b: { target_type: unknown }) => String(a.target_type).localeCompare(String(b.target_type));
  expect([...aboutP1].sort(byTarget)).toEqual(expected.sort(byTarget));
  // Hidden values above all; shown ones are not recorded either (fields are names, never values).
  const raw = JSON.stringify(rows);
  for (const field of ['pseudonym', 'displayName', 'email', 'phone', 'conditions'] as const) {
    const secret = secretText(field);
    if (secret) expect(raw).not.toContain(secret);
  }
}

/** The id under which `viewer` sees P1: the global id when identity is visible, else the id sealed for the viewer. */
function p1IdFor(viewer: ViewerName, outcome: Outcome): string {
  return outcome === NOTHING ? redactedPatientId(w.viewers[viewer], w.p1.id) : gid(w.p1);
}

describe("P1's sensitive fields, by viewer and path", () => {
  it('the table covers every viewer on every path', () => {
    const viewers = Object.keys(w.viewers) as ViewerName[];
    const rows = new Set(P1_TABLE.map(([viewer, path]) => `${viewer} / ${path}`));
    expect(rows.size).toBe(P1_TABLE.length);
    expect(rows.size).toBe(viewers.length * Object.keys(PATHS).length);
  });

  // Rows as objects: a callback of four parameters for rows of three would be taken for `done`.
  const rows = P1_TABLE.map(([viewer, path, outcome, vias]) => ({ viewer, path, outcome, vias }));
  it.each(rows)('$viewer via $path: $outcome', async ({ viewer, path: pathName, outcome, vias }) => {
    const path: PathSpec = PATHS[pathName];
    const p1Id = p1IdFor(viewer, outcome);
    const result = await run(viewer, path.query, path.vars(p1Id));
    // Did the response return P1's affiliation to CFNet (health data) as a record?
    const data = (result.data ?? {}) as { affiliations?: { nodes: unknown[] } };
    const healthEdge = (data.affiliations?.nodes.length ?? 0) > 0 || JSON.stringify(data).includes('"relation":"AFFILIATION"');
    await expectP1Audited(app.lastRequestId, outcome, healthEdge);
    if (outcome === FORBIDDEN) {
      expect(errorCodes(result)).toContain('FORBIDDEN');
      expect(text(result)).not.toContain(w.p1.pseudonym);
      return;
    }
    // Hidden is not an error: the data comes back clean.
    const { p1, step, totalCount } = path.pick(dataOf(result), [gid(w.p1), redactedPatientId(w.viewers[viewer], w.p1.id)]);
    if (totalCount !== undefined) expect(totalCount).toBe(outcome === NOT_FOUND ? 0 : 1);
    if (outcome === NOT_FOUND) {
      expect(p1).toBeNull();
      expect(text(result)).not.toContain(w.p1.pseudonym);
      return;
    }
    if (outcome === NOT_REACHED) {
      expect(p1).toBeNull();
      expect(text(result)).not.toContain(w.p1.pseudonym);
      return;
    }
    const seen = SEEN[outcome];
    const shown = (field: Field) => seen.shown.includes(field);
    expect(p1).toEqual({
      __typename: 'Patient',
      id: seen.id === 'real' ? gid(w.p1) : p1Id,
      name: shown('pseudonym') ? w.p1.pseudonym : PATIENT_LABEL,
      kind: 'PATIENT',
      pseudonym: shown('pseudonym') ? w.p1.pseudonym : null,
      displayName: shown('displayName') ? P1_SECRETS.displayName : null,
      birthYear: shown('birthYear') ? P1_SECRETS.birthYear : null,
      email: shown('email') ? P1_SECRETS.email : null,
      phone: shown('phone') ? P1_SECRETS.phone : null,
      conditions: shown('conditions') ? [...P1_SECRETS.conditions] : null,
      redactedFields: seen.redactedFields,
    });
    // Hidden values and, for a redacted patient, the real id appear nowhere in the response.
    const raw = text(result);
    for (const field of seen.redactedFields) {
      const secret = secretText(field);
      if (secret) expect(raw).not.toContain(secret);
    }
    if (seen.id === 'redacted') {
      expect(p1?.id).not.toBe(gid(w.p1));
      expect(raw).not.toContain(gid(w.p1));
      expect(raw).not.toContain(w.p1.id);
    }
    if (vias) {
      expect(step).toBeDefined();
      expect(vias.map((via) => VIA[via]())).toContainEqual({ relation: step?.relation, via: step?.via });
    }
  });
});

describe('redacted patient ids', () => {
  // P1 is PA's only patient partner: found by role, whatever id and fields the viewer is shown.
  const MEMBERS = `query ($pa: ID!) { partnership(id: $pa) { members { role stakeholder { id } } } }`;
  const seenAs = async (viewer: ViewerName): Promise<string> => {
    const data = dataOf(
      await run<{ partnership: { members: { role: string; stakeholder: { id: string } }[] } }>(viewer, MEMBERS, { pa: pid(w.pa) }),
    );
    const member = data.partnership.members.find((m) => m.role === 'PATIENT_PARTNER');
    if (!member) throw new Error(`${viewer} does not see P1 among the members of PA`);
    return member.stakeholder.id;
  };

  it('are one per organisation (or patient login), never the real id', async () => {
    const northEm = await seenAs('NorthCo EM');
    const northPartner = await seenAs('NorthCo PARTNER');
    const p2 = await seenAs('PATIENT P2');
    const helixResearch = await seenAs('HelixCo PARTNER (RESEARCH_DESIGN)');
    expect(northPartner).toBe(northEm);
    expect(new Set([northEm, p2, helixResearch]).size).toBe(3);
    for (const id of [northEm, p2, helixResearch]) {
      expect(id).not.toBe(gid(w.p1));
      expect(id).not.toContain(w.p1.id);
      expect(id).not.toContain(gid(w.p1));
    }
    // Those who may see P1's identity see the real id.
    for (const viewer of ['ADMIN', 'HelixCo PARTNER', 'CFNet PARTNER', 'PATIENT P1'] as const) {
      expect(await seenAs(viewer)).toBe(gid(w.p1));
    }
  });

  it("open for the organisation they were shown to, and for nobody else", async () => {
    const northId = await seenAs('NorthCo PARTNER');
    const query = `query ($id: ID!) { stakeholder(id: $id) { id ... on Patient { pseudonym } } }`;
    // NorthCo may not read P1's identity: the pseudonym is hidden too.
    expect(dataOf(await run('NorthCo EM', query, { id: northId }))).toEqual({ stakeholder: { id: northId, pseudonym: null } });
    for (const other of ['PATIENT P2', 'HelixCo PARTNER (RESEARCH_DESIGN)', 'CFNet PARTNER'] as const) {
      expect(dataOf(await run(other, query, { id: northId }))).toEqual({ stakeholder: null });
    }
  });
});

// ─── Records that exist for some viewers only ──────────────────────────────────────────────────

const VISIBLE = 'visible';
const ABSENT = 'absent';
type RecordOutcome = typeof VISIBLE | typeof ABSENT | typeof FORBIDDEN;

interface RecordPath {
  query: string;
  vars: (viewer: ViewerName) => Record<string, unknown>;
  /** What the response says about the record, compared with `visible` or `absent`. */
  read: (data: unknown) => unknown;
  visible: (viewer: ViewerName) => unknown;
  absent: () => unknown;
  /** Text that gives the record away (its id, or a hidden member's pseudonym): never in a response where it is absent. */
  trace: () => string;
}

const byId = (root: string, id: () => string): RecordPath => ({
  query: `query ($id: ID!) { ${root}(id: $id) { id } }`,
  vars: () => ({ id: id() }),
  read: (d) => (d as Record<string, { id: string } | null>)[root],
  visible: () => ({ id: id() }),
  absent: () => null,
  trace: id,
});

const list = (root: string, args: string, vars: () => Record<string, unknown>, visible: () => string[], absent: () => string[], id: () => string): RecordPath => ({
  query: `query ${args ? `(${args})` : ''} { ${root} { totalCount nodes { id } edges { node { id } } } }`,
  vars,
  read: (d) => {
    const connection = Object.values(d as Record<string, { totalCount: number; nodes: { id: string }[]; edges: { node: { id: string } }[] }>)[0];
    expect(connection.edges.map((e) => e.node.id)).toEqual(connection.nodes.map((n) => n.id));
    return { ids: connection.nodes.map((n) => n.id), totalCount: connection.totalCount };
  },
  visible: () => ({ ids: visible(), totalCount: visible().length }),
  absent: () => ({ ids: absent(), totalCount: absent().length }),
  trace: id,
});

/** The ids of a relation list field on a stakeholder (`field` selects them). */
const relation = (
  of: () => string,
  field: string,
  pickIds: (s: Record<string, unknown>) => string[],
  visible: (viewer: ViewerName) => string[],
  absent: () => string[],
  id: () => string,
): RecordPath => ({
  query: `query ($id: ID!) { stakeholder(id: $id) { ${field} } }`,
  vars: () => ({ id: of() }),
  read: (d) => pickIds((d as { stakeholder: Record<string, unknown> }).stakeholder),
  visible,
  absent,
  trace: id,
});
const ids = (key: string) => (s: Record<string, unknown>) => (s[key] as { id: string }[]).map((x) => x.id);

const K = () => ctid(w.k);
const PM = () => pid(w.pm);
const PA = () => pid(w.pa);
const C = () => cid(w.c);
const A = () => aid(w.affiliation);

/** P2 has consented to nobody: only ADMIN and P2 see her real id, and her identity (her name is the neutral label for others). */
const p2IdFor = (viewer: ViewerName): string =>
  viewer === 'ADMIN' || viewer === 'PATIENT P2' || viewer === 'ANALYST' ? gid(w.p2) : redactedPatientId(w.viewers[viewer], w.p2.id);
const p2NameFor = (viewer: ViewerName): string => (viewer === 'ADMIN' || viewer === 'PATIENT P2' ? w.p2.name : PATIENT_LABEL);

const RECORD_PATHS = {
  // Contract K (HelixCo and P1)
  'contract(K)': byId('contract', K),
  'contracts list': list('contracts(first: 50)', '', () => ({}), () => [K()], () => [], K),
  'node(K)': byId('node', K),
  'HelixCo.contracts': relation(() => gid(w.helix), 'contracts { id }', ids('contracts'), () => [K()], () => [], K),
  // Partnership PM (MEMBERS: NorthCo and P2)
  'partnership(PM)': byId('partnership', PM),
  'partnerships list': list('partnerships(first: 50)', '', () => ({}), () => [PA(), PM()], () => [PA()], PM),
  'partnerships(memberId: NorthCo)': list(
    'partnerships(first: 50, filter: { memberId: $north })',
    '$north: ID!',
    () => ({ north: gid(w.north) }),
    () => [PM()],
    () => [],
    PM,
  ),
  'node(PM)': byId('node', PM),
  'NorthCo.partnerships': relation(() => gid(w.north), 'partnerships { id }', ids('partnerships'), () => [PM()], () => [], PM),
  'NorthCo.neighbours': relation(
    () => gid(w.north),
    'neighbours(depth: 1) { distance stakeholder { name } }',
    (s) => (s.neighbours as { stakeholder: { name: string } }[]).map((n) => n.stakeholder.name),
    (viewer) => [p2NameFor(viewer)],
    () => [],
    () => w.p2.name,
  ),
  'shortestPath(NorthCo → P2)': {
    query: `query ($from: ID!, $to: ID!) { shortestPath(from: $from, to: $to) { length steps { relation via { id } } } }`,
    vars: (viewer: ViewerName) => ({ from: gid(w.north), to: p2IdFor(viewer) }),
    read: (d: unknown) => (d as { shortestPath: unknown }).shortestPath,
    visible: () => ({ length: 1, steps: [{ relation: 'PARTNERSHIP', via: { id: PM() } }] }),
    absent: () => null,
    trace: PM,
  },
  // Commitment C (NorthCo's, in PM)
  'commitment(C)': byId('commitment', C),
  'commitments list': list('commitments(first: 50)', '', () => ({}), () => [C()], () => [], C),
  'node(C)': byId('node', C),
  'NorthCo.commitments': relation(() => gid(w.north), 'commitments { id }', ids('commitments'), () => [C()], () => [], C),
  'partnership(PM).commitments': {
    query: `query ($id: ID!) { partnership(id: $id) { commitments { id } } }`,
    vars: () => ({ id: PM() }),
    read: (d: unknown) => (d as { partnership: { commitments: { id: string }[] } | null }).partnership?.commitments.map((c) => c.id) ?? [],
    visible: () => [C()],
    absent: () => [],
    trace: C,
  },
  // Affiliation P1 → CFNet (reveals P1's condition)
  'affiliation(A)': byId('affiliation', A),
  'affiliations(stakeholderId: CFNet)': list(
    'affiliations(first: 50, filter: { stakeholderId: $cfnet })',
    '$cfnet: ID!',
    () => ({ cfnet: gid(w.cfnet) }),
    () => [A()],
    () => [],
    A,
  ),
  'CFNet.affiliations': relation(() => gid(w.cfnet), 'affiliations { id }', ids('affiliations'), () => [A()], () => [], A),
  'node(A)': byId('node', A),
} satisfies Record<string, RecordPath>;
type RecordPathName = keyof typeof RECORD_PATHS;

const RECORD_TABLE: [ViewerName, RecordPathName, RecordOutcome][] = [
  // Contract K: its parties (HelixCo's staff, whatever their purpose, and P1), and ADMIN.
  ['ADMIN', 'contract(K)', VISIBLE],
  ['ADMIN', 'contracts list', VISIBLE],
  ['ADMIN', 'node(K)', VISIBLE],
  ['ADMIN', 'HelixCo.contracts', VISIBLE],
  ['HelixCo EM', 'contract(K)', VISIBLE],
  ['HelixCo EM', 'contracts list', VISIBLE],
  ['HelixCo EM', 'node(K)', VISIBLE],
  ['HelixCo EM', 'HelixCo.contracts', VISIBLE],
  ['HelixCo PARTNER', 'contract(K)', VISIBLE],
  ['HelixCo PARTNER', 'contracts list', VISIBLE],
  ['HelixCo PARTNER', 'node(K)', VISIBLE],
  ['HelixCo PARTNER', 'HelixCo.contracts', VISIBLE],
  ['HelixCo EM (RESEARCH_DESIGN)', 'contract(K)', VISIBLE],
  ['HelixCo EM (RESEARCH_DESIGN)', 'contracts list', VISIBLE],
  ['HelixCo EM (RESEARCH_DESIGN)', 'node(K)', VISIBLE],
  ['HelixCo EM (RESEARCH_DESIGN)', 'HelixCo.contracts', VISIBLE],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'contract(K)', VISIBLE],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'contracts list', VISIBLE],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'node(K)', VISIBLE],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'HelixCo.contracts', VISIBLE],
  ['CFNet EM', 'contract(K)', ABSENT],
  ['CFNet EM', 'contracts list', ABSENT],
  ['CFNet EM', 'node(K)', ABSENT],
  ['CFNet EM', 'HelixCo.contracts', ABSENT],
  ['CFNet PARTNER', 'contract(K)', ABSENT],
  ['CFNet PARTNER', 'contracts list', ABSENT],
  ['CFNet PARTNER', 'node(K)', ABSENT],
  ['CFNet PARTNER', 'HelixCo.contracts', ABSENT],
  ['NorthCo EM', 'contract(K)', ABSENT],
  ['NorthCo EM', 'contracts list', ABSENT],
  ['NorthCo EM', 'node(K)', ABSENT],
  ['NorthCo EM', 'HelixCo.contracts', ABSENT],
  ['NorthCo PARTNER', 'contract(K)', ABSENT],
  ['NorthCo PARTNER', 'contracts list', ABSENT],
  ['NorthCo PARTNER', 'node(K)', ABSENT],
  ['NorthCo PARTNER', 'HelixCo.contracts', ABSENT],
  ['PATIENT P1', 'contract(K)', VISIBLE],
  ['PATIENT P1', 'contracts list', VISIBLE],
  ['PATIENT P1', 'node(K)', VISIBLE],
  ['PATIENT P1', 'HelixCo.contracts', VISIBLE],
  ['PATIENT P2', 'contract(K)', ABSENT],
  ['PATIENT P2', 'contracts list', ABSENT],
  ['PATIENT P2', 'node(K)', ABSENT],
  ['PATIENT P2', 'HelixCo.contracts', ABSENT],
  ['ANALYST', 'contract(K)', FORBIDDEN],
  ['ANALYST', 'contracts list', FORBIDDEN],
  ['ANALYST', 'node(K)', FORBIDDEN],
  ['ANALYST', 'HelixCo.contracts', FORBIDDEN],

  // Partnership PM (MEMBERS): NorthCo's staff, P2, and ADMIN.
  ['ADMIN', 'partnership(PM)', VISIBLE],
  ['ADMIN', 'partnerships list', VISIBLE],
  ['ADMIN', 'partnerships(memberId: NorthCo)', VISIBLE],
  ['ADMIN', 'node(PM)', VISIBLE],
  ['ADMIN', 'NorthCo.partnerships', VISIBLE],
  ['ADMIN', 'NorthCo.neighbours', VISIBLE],
  ['ADMIN', 'shortestPath(NorthCo → P2)', VISIBLE],
  ['HelixCo EM', 'partnership(PM)', ABSENT],
  ['HelixCo EM', 'partnerships list', ABSENT],
  ['HelixCo EM', 'partnerships(memberId: NorthCo)', ABSENT],
  ['HelixCo EM', 'node(PM)', ABSENT],
  ['HelixCo EM', 'NorthCo.partnerships', ABSENT],
  ['HelixCo EM', 'NorthCo.neighbours', ABSENT],
  ['HelixCo EM', 'shortestPath(NorthCo → P2)', ABSENT],
  ['HelixCo PARTNER', 'partnership(PM)', ABSENT],
  ['HelixCo PARTNER', 'partnerships list', ABSENT],
  ['HelixCo PARTNER', 'partnerships(memberId: NorthCo)', ABSENT],
  ['HelixCo PARTNER', 'node(PM)', ABSENT],
  ['HelixCo PARTNER', 'NorthCo.partnerships', ABSENT],
  ['HelixCo PARTNER', 'NorthCo.neighbours', ABSENT],
  ['HelixCo PARTNER', 'shortestPath(NorthCo → P2)', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'partnership(PM)', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'partnerships list', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'partnerships(memberId: NorthCo)', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'node(PM)', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'NorthCo.partnerships', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'NorthCo.neighbours', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'shortestPath(NorthCo → P2)', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'partnership(PM)', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'partnerships list', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'partnerships(memberId: NorthCo)', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'node(PM)', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'NorthCo.partnerships', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'NorthCo.neighbours', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'shortestPath(NorthCo → P2)', ABSENT],
  ['CFNet EM', 'partnership(PM)', ABSENT],
  ['CFNet EM', 'partnerships list', ABSENT],
  ['CFNet EM', 'partnerships(memberId: NorthCo)', ABSENT],
  ['CFNet EM', 'node(PM)', ABSENT],
  ['CFNet EM', 'NorthCo.partnerships', ABSENT],
  ['CFNet EM', 'NorthCo.neighbours', ABSENT],
  ['CFNet EM', 'shortestPath(NorthCo → P2)', ABSENT],
  ['CFNet PARTNER', 'partnership(PM)', ABSENT],
  ['CFNet PARTNER', 'partnerships list', ABSENT],
  ['CFNet PARTNER', 'partnerships(memberId: NorthCo)', ABSENT],
  ['CFNet PARTNER', 'node(PM)', ABSENT],
  ['CFNet PARTNER', 'NorthCo.partnerships', ABSENT],
  ['CFNet PARTNER', 'NorthCo.neighbours', ABSENT],
  ['CFNet PARTNER', 'shortestPath(NorthCo → P2)', ABSENT],
  ['NorthCo EM', 'partnership(PM)', VISIBLE],
  ['NorthCo EM', 'partnerships list', VISIBLE],
  ['NorthCo EM', 'partnerships(memberId: NorthCo)', VISIBLE],
  ['NorthCo EM', 'node(PM)', VISIBLE],
  ['NorthCo EM', 'NorthCo.partnerships', VISIBLE],
  ['NorthCo EM', 'NorthCo.neighbours', VISIBLE],
  ['NorthCo EM', 'shortestPath(NorthCo → P2)', VISIBLE],
  ['NorthCo PARTNER', 'partnership(PM)', VISIBLE],
  ['NorthCo PARTNER', 'partnerships list', VISIBLE],
  ['NorthCo PARTNER', 'partnerships(memberId: NorthCo)', VISIBLE],
  ['NorthCo PARTNER', 'node(PM)', VISIBLE],
  ['NorthCo PARTNER', 'NorthCo.partnerships', VISIBLE],
  ['NorthCo PARTNER', 'NorthCo.neighbours', VISIBLE],
  ['NorthCo PARTNER', 'shortestPath(NorthCo → P2)', VISIBLE],
  ['PATIENT P1', 'partnership(PM)', ABSENT],
  ['PATIENT P1', 'partnerships list', ABSENT],
  ['PATIENT P1', 'partnerships(memberId: NorthCo)', ABSENT],
  ['PATIENT P1', 'node(PM)', ABSENT],
  ['PATIENT P1', 'NorthCo.partnerships', ABSENT],
  ['PATIENT P1', 'NorthCo.neighbours', ABSENT],
  ['PATIENT P1', 'shortestPath(NorthCo → P2)', ABSENT],
  ['PATIENT P2', 'partnership(PM)', VISIBLE],
  ['PATIENT P2', 'partnerships list', VISIBLE],
  ['PATIENT P2', 'partnerships(memberId: NorthCo)', VISIBLE],
  ['PATIENT P2', 'node(PM)', VISIBLE],
  ['PATIENT P2', 'NorthCo.partnerships', VISIBLE],
  ['PATIENT P2', 'NorthCo.neighbours', VISIBLE],
  ['PATIENT P2', 'shortestPath(NorthCo → P2)', VISIBLE],
  ['ANALYST', 'partnership(PM)', FORBIDDEN],
  ['ANALYST', 'partnerships list', FORBIDDEN],
  ['ANALYST', 'partnerships(memberId: NorthCo)', FORBIDDEN],
  ['ANALYST', 'node(PM)', FORBIDDEN],
  ['ANALYST', 'NorthCo.partnerships', FORBIDDEN],
  ['ANALYST', 'NorthCo.neighbours', FORBIDDEN],
  ['ANALYST', 'shortestPath(NorthCo → P2)', FORBIDDEN],

  // Commitment C in PM, by NorthCo: where PM is visible.
  ['ADMIN', 'commitment(C)', VISIBLE],
  ['ADMIN', 'commitments list', VISIBLE],
  ['ADMIN', 'node(C)', VISIBLE],
  ['ADMIN', 'NorthCo.commitments', VISIBLE],
  ['ADMIN', 'partnership(PM).commitments', VISIBLE],
  ['HelixCo EM', 'commitment(C)', ABSENT],
  ['HelixCo EM', 'commitments list', ABSENT],
  ['HelixCo EM', 'node(C)', ABSENT],
  ['HelixCo EM', 'NorthCo.commitments', ABSENT],
  ['HelixCo EM', 'partnership(PM).commitments', ABSENT],
  ['HelixCo PARTNER', 'commitment(C)', ABSENT],
  ['HelixCo PARTNER', 'commitments list', ABSENT],
  ['HelixCo PARTNER', 'node(C)', ABSENT],
  ['HelixCo PARTNER', 'NorthCo.commitments', ABSENT],
  ['HelixCo PARTNER', 'partnership(PM).commitments', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'commitment(C)', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'commitments list', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'node(C)', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'NorthCo.commitments', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'partnership(PM).commitments', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'commitment(C)', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'commitments list', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'node(C)', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'NorthCo.commitments', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'partnership(PM).commitments', ABSENT],
  ['CFNet EM', 'commitment(C)', ABSENT],
  ['CFNet EM', 'commitments list', ABSENT],
  ['CFNet EM', 'node(C)', ABSENT],
  ['CFNet EM', 'NorthCo.commitments', ABSENT],
  ['CFNet EM', 'partnership(PM).commitments', ABSENT],
  ['CFNet PARTNER', 'commitment(C)', ABSENT],
  ['CFNet PARTNER', 'commitments list', ABSENT],
  ['CFNet PARTNER', 'node(C)', ABSENT],
  ['CFNet PARTNER', 'NorthCo.commitments', ABSENT],
  ['CFNet PARTNER', 'partnership(PM).commitments', ABSENT],
  ['NorthCo EM', 'commitment(C)', VISIBLE],
  ['NorthCo EM', 'commitments list', VISIBLE],
  ['NorthCo EM', 'node(C)', VISIBLE],
  ['NorthCo EM', 'NorthCo.commitments', VISIBLE],
  ['NorthCo EM', 'partnership(PM).commitments', VISIBLE],
  ['NorthCo PARTNER', 'commitment(C)', VISIBLE],
  ['NorthCo PARTNER', 'commitments list', VISIBLE],
  ['NorthCo PARTNER', 'node(C)', VISIBLE],
  ['NorthCo PARTNER', 'NorthCo.commitments', VISIBLE],
  ['NorthCo PARTNER', 'partnership(PM).commitments', VISIBLE],
  ['PATIENT P1', 'commitment(C)', ABSENT],
  ['PATIENT P1', 'commitments list', ABSENT],
  ['PATIENT P1', 'node(C)', ABSENT],
  ['PATIENT P1', 'NorthCo.commitments', ABSENT],
  ['PATIENT P1', 'partnership(PM).commitments', ABSENT],
  ['PATIENT P2', 'commitment(C)', VISIBLE],
  ['PATIENT P2', 'commitments list', VISIBLE],
  ['PATIENT P2', 'node(C)', VISIBLE],
  ['PATIENT P2', 'NorthCo.commitments', VISIBLE],
  ['PATIENT P2', 'partnership(PM).commitments', VISIBLE],
  ['ANALYST', 'commitment(C)', FORBIDDEN],
  ['ANALYST', 'commitments list', FORBIDDEN],
  ['ANALYST', 'node(C)', FORBIDDEN],
  ['ANALYST', 'NorthCo.commitments', FORBIDDEN],
  ['ANALYST', 'partnership(PM).commitments', FORBIDDEN],

  // Affiliation P1 → CFNet (PATIENT_HEALTH): P1, CFNet (HEALTH consent), ADMIN.
  ['ADMIN', 'affiliation(A)', VISIBLE],
  ['ADMIN', 'affiliations(stakeholderId: CFNet)', VISIBLE],
  ['ADMIN', 'CFNet.affiliations', VISIBLE],
  ['ADMIN', 'node(A)', VISIBLE],
  ['HelixCo EM', 'affiliation(A)', ABSENT],
  ['HelixCo EM', 'affiliations(stakeholderId: CFNet)', ABSENT],
  ['HelixCo EM', 'CFNet.affiliations', ABSENT],
  ['HelixCo EM', 'node(A)', ABSENT],
  ['HelixCo PARTNER', 'affiliation(A)', ABSENT],
  ['HelixCo PARTNER', 'affiliations(stakeholderId: CFNet)', ABSENT],
  ['HelixCo PARTNER', 'CFNet.affiliations', ABSENT],
  ['HelixCo PARTNER', 'node(A)', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'affiliation(A)', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'affiliations(stakeholderId: CFNet)', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'CFNet.affiliations', ABSENT],
  ['HelixCo EM (RESEARCH_DESIGN)', 'node(A)', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'affiliation(A)', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'affiliations(stakeholderId: CFNet)', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'CFNet.affiliations', ABSENT],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'node(A)', ABSENT],
  ['CFNet EM', 'affiliation(A)', VISIBLE],
  ['CFNet EM', 'affiliations(stakeholderId: CFNet)', VISIBLE],
  ['CFNet EM', 'CFNet.affiliations', VISIBLE],
  ['CFNet EM', 'node(A)', VISIBLE],
  ['CFNet PARTNER', 'affiliation(A)', VISIBLE],
  ['CFNet PARTNER', 'affiliations(stakeholderId: CFNet)', VISIBLE],
  ['CFNet PARTNER', 'CFNet.affiliations', VISIBLE],
  ['CFNet PARTNER', 'node(A)', VISIBLE],
  ['NorthCo EM', 'affiliation(A)', ABSENT],
  ['NorthCo EM', 'affiliations(stakeholderId: CFNet)', ABSENT],
  ['NorthCo EM', 'CFNet.affiliations', ABSENT],
  ['NorthCo EM', 'node(A)', ABSENT],
  ['NorthCo PARTNER', 'affiliation(A)', ABSENT],
  ['NorthCo PARTNER', 'affiliations(stakeholderId: CFNet)', ABSENT],
  ['NorthCo PARTNER', 'CFNet.affiliations', ABSENT],
  ['NorthCo PARTNER', 'node(A)', ABSENT],
  ['PATIENT P1', 'affiliation(A)', VISIBLE],
  ['PATIENT P1', 'affiliations(stakeholderId: CFNet)', VISIBLE],
  ['PATIENT P1', 'CFNet.affiliations', VISIBLE],
  ['PATIENT P1', 'node(A)', VISIBLE],
  ['PATIENT P2', 'affiliation(A)', ABSENT],
  ['PATIENT P2', 'affiliations(stakeholderId: CFNet)', ABSENT],
  ['PATIENT P2', 'CFNet.affiliations', ABSENT],
  ['PATIENT P2', 'node(A)', ABSENT],
  ['ANALYST', 'affiliation(A)', FORBIDDEN],
  ['ANALYST', 'affiliations(stakeholderId: CFNet)', FORBIDDEN],
  ['ANALYST', 'CFNet.affiliations', FORBIDDEN],
  ['ANALYST', 'node(A)', FORBIDDEN],
];

describe('records, by viewer and path', () => {
  it('the table covers every viewer on every path', () => {
    const rows = new Set(RECORD_TABLE.map(([viewer, path]) => `${viewer} / ${path}`));
    expect(rows.size).toBe(RECORD_TABLE.length);
    expect(rows.size).toBe(Object.keys(w.viewers).length * Object.keys(RECORD_PATHS).length);
  });

  it.each(RECORD_TABLE)('%s via %s: %s', async (viewer, pathName, outcome) => {
    const path: RecordPath = RECORD_PATHS[pathName];
    const result = await run(viewer, path.query, path.vars(viewer));
    if (outcome === FORBIDDEN) {
      expect(errorCodes(result)).toContain('FORBIDDEN');
      expect(text(result)).not.toContain(path.trace());
      return;
    }
    // A hidden record is no error: it is simply not there.
    expect(path.read(dataOf(result))).toEqual(outcome === VISIBLE ? path.visible(viewer) : path.absent());
    if (outcome === ABSENT) expect(text(result)).not.toContain(path.trace());
  });
});

const CONTRACT_TERMS = `query ($id: ID!) { contract(id: $id) { id value { amount currency } redactedFields } }`;
const VALUE_TABLE: [ViewerName, 'sees the value' | 'value redacted' | 'no contract' | typeof FORBIDDEN][] = [
  ['ADMIN', 'sees the value'],
  ['HelixCo EM', 'sees the value'],
  ['HelixCo PARTNER', 'value redacted'],
  ['HelixCo EM (RESEARCH_DESIGN)', 'sees the value'],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'value redacted'],
  ['CFNet EM', 'no contract'],
  ['CFNet PARTNER', 'no contract'],
  ['NorthCo EM', 'no contract'],
  ['NorthCo PARTNER', 'no contract'],
  ['PATIENT P1', 'sees the value'],
  ['PATIENT P2', 'no contract'],
  ['ANALYST', FORBIDDEN],
];

describe("K's value (contract terms)", () => {
  it.each(VALUE_TABLE)('%s: %s', async (viewer, outcome) => {
    const result = await run(viewer, CONTRACT_TERMS, { id: ctid(w.k) });
    if (outcome === FORBIDDEN) {
      expect(errorCodes(result)).toContain('FORBIDDEN');
      return;
    }
    const expected = {
      'sees the value': { id: ctid(w.k), value: { ...K_VALUE }, redactedFields: [] },
      'value redacted': { id: ctid(w.k), value: null, redactedFields: ['value'] },
      'no contract': null,
    }[outcome];
    expect(dataOf(result)).toEqual({ contract: expected });
  });
});

const NOTES = `query ($id: ID!) { interaction(id: $id) { id summary notes redactedFields } }`;
const NOTES_TABLE: [ViewerName, 'sees the notes' | 'notes redacted' | 'no interaction' | typeof FORBIDDEN][] = [
  ['ADMIN', 'sees the notes'],
  ['HelixCo EM', 'sees the notes'],
  ['HelixCo PARTNER', 'sees the notes'],
  ['HelixCo EM (RESEARCH_DESIGN)', 'sees the notes'],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', 'sees the notes'],
  // I is in no partnership, so only its participants (HelixCo, P1) and its recorder (HelixCo) see
  // it; its notes (and who recorded it) are the recording organisation's.
  ['CFNet EM', 'no interaction'],
  ['CFNet PARTNER', 'no interaction'],
  ['NorthCo EM', 'no interaction'],
  ['NorthCo PARTNER', 'no interaction'],
  ['PATIENT P1', 'notes redacted'],
  ['PATIENT P2', 'no interaction'],
  ['ANALYST', FORBIDDEN],
];

describe("I's notes (interaction notes)", () => {
  it.each(NOTES_TABLE)('%s: %s', async (viewer, outcome) => {
    const result = await run(viewer, NOTES, { id: iid(w.i) });
    if (outcome === FORBIDDEN) {
      expect(errorCodes(result)).toContain('FORBIDDEN');
      return;
    }
    if (outcome === 'no interaction') {
      expect(dataOf(result)).toEqual({ interaction: null });
      expect(text(result)).not.toContain(I_NOTES);
      return;
    }
    const visible = outcome === 'sees the notes';
    expect(dataOf(result)).toEqual({
      interaction: {
        id: iid(w.i),
        summary: 'Kick-off',
        notes: visible ? I_NOTES : null,
        redactedFields: visible ? [] : ['notes', 'recordedByUser'],
      },
    });
    if (!visible) expect(text(result)).not.toContain(I_NOTES);
  });
});

// ─── Filters on fields the viewer cannot read ─────────────────────────────────────────────────

const BY_CONDITION = `{ stakeholders(filter: { conditions: ["cystic fibrosis"] }) { totalCount nodes { ... on Patient { pseudonym } } } }`;
const CONDITION_FILTER_TABLE: [ViewerName, 'finds P1' | typeof FORBIDDEN][] = [
  ['ADMIN', 'finds P1'],
  ['HelixCo EM', FORBIDDEN],
  ['HelixCo PARTNER', FORBIDDEN],
  ['HelixCo EM (RESEARCH_DESIGN)', FORBIDDEN],
  ['HelixCo PARTNER (RESEARCH_DESIGN)', FORBIDDEN],
  // CFNet may read P1's conditions, but not those of every other patient the filter would probe.
  ['CFNet EM', FORBIDDEN],
  ['CFNet PARTNER', FORBIDDEN],
  ['NorthCo EM', FORBIDDEN],
  ['NorthCo PARTNER', FORBIDDEN],
  ['PATIENT P1', FORBIDDEN],
  ['PATIENT P2', FORBIDDEN],
  ['ANALYST', FORBIDDEN],
];

describe('stakeholders filtered by conditions', () => {
  it.each(CONDITION_FILTER_TABLE)('%s: %s', async (viewer, outcome) => {
    const result = await run(viewer, BY_CONDITION);
    if (outcome === 'finds P1') {
      expect(dataOf(result)).toEqual({ stakeholders: { totalCount: 1, nodes: [{ pseudonym: w.p1.pseudonym }] } });
      return;
    }
    expect(errorCodes(result)).toEqual([FORBIDDEN]);
    expect(result.data?.stakeholders ?? null).toBeNull();
    expect(text(result)).not.toContain(w.p1.pseudonym);
  });
});

// ─── Nothing leaks through errors ──────────────────────────────────────────────────────────────

describe('errors tell a NorthCo partner nothing about P1', () => {
  /** P1's real id, pseudonym, contact, name and health, none of which NorthCo may learn. */
  const secrets = (): string[] => [
    gid(w.p1),
    w.p1.id,
    p1Pseudonym(),
    P1_SECRETS.email,
    P1_SECRETS.displayName,
    P1_SECRETS.phone,
    P1_SECRETS.conditions[0],
  ];
  const expectNoSecrets = (result: GqlResult<unknown>) => {
    const raw = text(result);
    for (const secret of secrets()) expect(raw).not.toContain(secret);
  };

  it('reading hidden fields and hidden records gives no errors at all', async () => {
    const northP1 = redactedPatientId(w.viewers['NorthCo PARTNER'], w.p1.id);
    const result = await run<{
      stakeholder: { id: string; affiliations: unknown[]; contracts: unknown[] };
      contract: unknown;
      affiliation: unknown;
      contracts: { totalCount: number };
    }>(
      'NorthCo PARTNER',
      `query ($p1: ID!, $k: ID!, $a: ID!, $pa: ID!, $helix: ID!) {
        stakeholder(id: $p1) { id ... on Patient { displayName birthYear email phone conditions redactedFields affiliations { id } contracts { id } } }
        contract(id: $k) { id value { amount } }
        affiliation(id: $a) { id }
        partnership(id: $pa) { members { stakeholder { id ... on Patient { displayName email conditions } } } }
        shortestPath(from: $helix, to: $p1) { steps { relation via { id } } }
        contracts(filter: { partyId: $p1 }) { totalCount }
      }`,
      { p1: northP1, k: ctid(w.k), a: aid(w.affiliation), pa: pid(w.pa), helix: gid(w.helix) },
    );
    expect(result.errors).toBeUndefined();
    const data = dataOf(result);
    expect(data.stakeholder).toMatchObject({ id: northP1, affiliations: [], contracts: [] });
    expect(data.contract).toBeNull();
    expect(data.affiliation).toBeNull();
    expect(data.contracts.totalCount).toBe(0);
    expectNoSecrets(result);
  });

  it('a bad cursor is refused without a trace of P1', async () => {
    const result = await run('NorthCo PARTNER', `{ stakeholders(first: 5, after: "not-a-cursor") { nodes { id } } }`);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expectNoSecrets(result);
  });

  it("a cursor of another viewer's list is refused without a trace of P1", async () => {
    const page = dataOf(
      await run<{ stakeholders: { edges: { cursor: string }[] } }>('ADMIN', `query ($s: String!) { stakeholders(first: 1, filter: { search: $s }) { edges { cursor } } }`, { s: w.p1.pseudonym }),
    );
    const result = await run('NorthCo PARTNER', `query ($after: String!) { contracts(first: 5, after: $after) { nodes { id } } }`, {
      after: page.stakeholders.edges[0].cursor,
    });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expectNoSecrets(result);
  });

  it('unknown ids and ids sealed for someone else are just unknown', async () => {
    const forHelix = redactedPatientId(w.viewers['HelixCo PARTNER (RESEARCH_DESIGN)'], w.p1.id);
    const result = await run(
      'NorthCo PARTNER',
      `query ($unknown: ID!, $foreign: ID!, $north: ID!) {
        a: stakeholder(id: $unknown) { id }
        b: stakeholder(id: $foreign) { id }
        c: node(id: $foreign) { id }
        d: shortestPath(from: $north, to: $foreign) { length }
      }`,
      { unknown: toGlobalId('Stakeholder', '00000000-0000-0000-0000-000000000000'), foreign: forHelix, north: gid(w.north) },
    );
    expect(dataOf(result)).toEqual({ a: null, b: null, c: null, d: null });
    expectNoSecrets(result);
  });

  it('a mutation naming P1 by an id sealed for someone else is NOT_FOUND, without a trace of P1', async () => {
    const forHelix = redactedPatientId(w.viewers['HelixCo PARTNER (RESEARCH_DESIGN)'], w.p1.id);
    const result = await run(
      'NorthCo EM',
      `mutation ($input: MakeCommitmentInput!) { makeCommitment(input: $input) { commitment { id } userErrors { code field message } } }`,
      { input: { title: 'Probe', committerId: gid(w.north), beneficiaryId: forHelix } },
    );
    expect(dataOf(result)).toEqual({
      makeCommitment: { commitment: null, userErrors: [{ code: 'NOT_FOUND', field: 'input.beneficiaryId', message: expect.any(String) }] },
    });
    expectNoSecrets(result);
    const [{ n }] = (await app.db.query(`SELECT count(*)::int AS n FROM commitment WHERE title = 'Probe'`)) as { n: number }[];
    expect(n).toBe(0);
  });

  it('the FORBIDDEN filter on conditions says nothing about P1', async () => {
    const result = await run('NorthCo PARTNER', BY_CONDITION);
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expectNoSecrets(result);
  });
});
