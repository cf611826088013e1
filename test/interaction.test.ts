import { Role } from '../src/access/viewer';
import { toGlobalId } from '../src/graphql/global-id';
import { CommitmentStatus } from '../src/modules/commitment/commitment.entity';
import { InteractionKind } from '../src/modules/interaction/interaction.entity';
import { PartnershipVisibility } from '../src/modules/partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { cid, makeCommitment } from './support/commitment.factories';
import { gid, makeStakeholder } from './support/factories';
import { iid, makeInteraction } from './support/interaction.factories';
import { makePartnership, pid } from './support/partnership.factories';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const company = (fields: Partial<Stakeholder> = {}) => makeStakeholder(app.db, StakeholderKind.COMPANY, fields);
const patientOrg = (fields: Partial<Stakeholder> = {}) => makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, fields);
const manager = (org: Stakeholder) => viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id });
const UNKNOWN_STAKEHOLDER = toGlobalId('Stakeholder', '00000000-0000-0000-0000-000000000000');
const UNKNOWN_PARTNERSHIP = toGlobalId('Partnership', '00000000-0000-0000-0000-000000000000');
/** A partnership only its current members see. */
const closedPartnership = (members: Stakeholder[]) =>
  makePartnership(app.db, members.map((stakeholder) => ({ stakeholder })), { visibility: PartnershipVisibility.MEMBERS });
/** Distinct instants, so that orders by time do not fall back on random ids. */
const at = (day: number) => new Date(Date.UTC(2025, 0, day, 9, 0, 0));

async function counts(): Promise<number[]> {
  const [row] = (await app.db.query(
    `SELECT (SELECT count(*) FROM interaction)::int AS i, (SELECT count(*) FROM interaction_participant)::int AS p, (SELECT count(*) FROM commitment)::int AS c`,
  )) as { i: number; p: number; c: number }[];
  return [row.i, row.p, row.c];
}

const INTERACTION = `
  query ($id: ID!) {
    interaction(id: $id) {
      id kind occurredAt durationMinutes summary notes redactedFields recordedByUser version
      participants { id name }
      partnership { id }
      recordedByOrg { id }
      followUps { id title status }
    }
  }`;

describe('interaction(id)', () => {
  it('returns an interaction with participants, partnership, recording organisation, notes and follow-ups', async () => {
    const org = await company({ name: 'Beta Pharma' });
    const patients = await patientOrg({ name: 'Alpha Patients' });
    const { partnership } = await makePartnership(app.db, [{ stakeholder: org }, { stakeholder: patients }]);
    const interaction = await makeInteraction(app.db, [org, patients], {
      kind: InteractionKind.WORKSHOP,
      occurredAt: new Date('2025-02-03T14:00:00.000Z'),
      durationMinutes: 90,
      summary: 'Protocol review',
      notes: 'Burden of visits is the main concern',
      partnershipId: partnership.id,
      recordedByUser: 'user-7',
      recordedByOrgId: org.id,
    });
    const followUp = await makeCommitment(app.db, org, { title: 'Send revised schedule', interactionId: interaction.id });
    const data = dataOf(await app.run(INTERACTION, { id: iid(interaction) }, manager(org)));
    expect(data.interaction).toEqual({
      id: iid(interaction),
      kind: 'WORKSHOP',
      occurredAt: '2025-02-03T14:00:00.000Z',
      durationMinutes: 90,
      summary: 'Protocol review',
      notes: 'Burden of visits is the main concern',
      redactedFields: [],
      recordedByUser: 'user-7',
      version: 1,
      // By name.
      participants: [
        { id: gid(patients), name: 'Alpha Patients' },
        { id: gid(org), name: 'Beta Pharma' },
      ],
      partnership: { id: pid(partnership) },
      recordedByOrg: { id: gid(org) },
      followUps: [{ id: cid(followUp), title: 'Send revised schedule', status: 'OPEN' }],
    });
  });

  it('hides the notes from everyone but the recording organisation and ADMIN, without an error', async () => {
    const org = await company();
    const other = await patientOrg();
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    // Recorded by an organisation that did not take part: it still reads its notes.
    const recorder = await company();
    const interaction = await makeInteraction(app.db, [org, other, patient], { notes: 'private', recordedByOrgId: recorder.id });
    const query = `query ($id: ID!) { interaction(id: $id) { notes redactedFields } }`;
    const visible = { notes: 'private', redactedFields: [] };
    // recordedByUser is classified like the notes, so it is listed with them.
    const hidden = { notes: null, redactedFields: ['notes', 'recordedByUser'] };
    const cases = [
      [admin(), visible],
      [manager(recorder), visible],
      [viewerOf(Role.PARTNER, { orgId: recorder.id }), visible],
      [manager(org), hidden],
      [viewerOf(Role.PARTNER, { orgId: other.id }), hidden],
      [viewerOf(Role.PATIENT, { patientId: patient.id }), hidden],
    ] as const;
    for (const [viewer, expected] of cases) {
      const result = await app.run(query, { id: iid(interaction) }, viewer);
      expect(result.errors).toBeUndefined();
      expect(result.data?.interaction).toEqual(expected);
    }
  });

  it('is null for an unknown, malformed or foreign-type id; UNAUTHENTICATED without a token, FORBIDDEN for an analyst', async () => {
    const org = await company();
    for (const id of [toGlobalId('Interaction', '00000000-0000-0000-0000-000000000000'), 'nonsense', gid(org)]) {
      expect(dataOf(await app.run(INTERACTION, { id }, admin())).interaction).toBeNull();
    }
    const interaction = await makeInteraction(app.db, [org]);
    expect(errorCodes(await app.run(INTERACTION, { id: iid(interaction) }, null))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await app.run(INTERACTION, { id: iid(interaction) }, viewerOf(Role.ANALYST)))).toEqual(['FORBIDDEN']);
  });
});

describe('who sees an interaction', () => {
  const SEEN = `
    query ($id: ID!, $partnershipId: ID!, $lead: ID!) {
      interaction(id: $id) { id }
      node(id: $id) { id }
      inPartnership: interactions(first: 10, filter: { partnershipId: $partnershipId }) { totalCount nodes { summary } }
      byLead: interactions(first: 10, filter: { participantId: $lead }) { totalCount nodes { summary } }
      lead: stakeholder(id: $lead) { interactions { summary } }
    }`;

  it("of a MEMBERS-only partnership: its members', participants' and the recording organisation's only (and ADMIN's)", async () => {
    const [lead, member, guest, recorder, outsider] = [await company(), await patientOrg(), await company(), await company(), await company()];
    const { partnership } = await closedPartnership([lead, member]);
    const p = partnership.id;
    const closed = await makeInteraction(app.db, [lead, member], { summary: 'closed', occurredAt: at(4), partnershipId: p, recordedByOrgId: lead.id });
    await makeInteraction(app.db, [lead, guest], { summary: 'with guest', occurredAt: at(3), partnershipId: p, recordedByOrgId: lead.id });
    await makeInteraction(app.db, [lead], { summary: 'recorded by other', occurredAt: at(2), partnershipId: p, recordedByOrgId: recorder.id });
    // In no partnership: only its participant (the lead) and ADMIN see it.
    await makeInteraction(app.db, [lead], { summary: 'open', occurredAt: at(1) });
    const variables = { id: iid(closed), partnershipId: pid(partnership), lead: gid(lead) };
    const list = (summaries: string[]) => ({ totalCount: summaries.length, nodes: summaries.map((summary) => ({ summary })) });
    const seenBy = (summaries: string[], sees: boolean) => ({
      interaction: sees ? { id: iid(closed) } : null,
      node: sees ? { id: iid(closed) } : null,
      inPartnership: list(summaries.filter((s) => s !== 'open')),
      byLead: list(summaries),
      lead: { interactions: summaries.map((summary) => ({ summary })) },
    });
    const everything = seenBy(['closed', 'with guest', 'recorded by other', 'open'], true);
    const cases = [
      ['ADMIN', admin(), everything],
      ["the lead's engagement manager", manager(lead), everything],
      ["the other member's partner", viewerOf(Role.PARTNER, { orgId: member.id }), seenBy(['closed', 'with guest', 'recorded by other'], true)],
      ["a participating guest's engagement manager", manager(guest), seenBy(['with guest'], false)],
      ["the recording organisation's partner", viewerOf(Role.PARTNER, { orgId: recorder.id }), seenBy(['recorded by other'], false)],
      ["an outsider's engagement manager", manager(outsider), seenBy([], false)],
    ] as const;
    for (const [who, viewer, expected] of cases) {
      expect({ who, ...dataOf(await app.run(SEEN, variables, viewer)) }).toEqual({ who, ...expected });
    }
    // The guest sees the interaction it took part in, but not the partnership it belongs to.
    const withGuest = `query ($filter: InteractionFilter) { interactions(first: 1, filter: $filter) { nodes { summary partnership { id } } } }`;
    const filter = { participantId: gid(guest) };
    expect(dataOf(await app.run(withGuest, { filter }, manager(guest)))).toEqual({ interactions: { nodes: [{ summary: 'with guest', partnership: null }] } });
    expect(dataOf(await app.run(withGuest, { filter }, manager(lead)))).toEqual({
      interactions: { nodes: [{ summary: 'with guest', partnership: { id: pid(partnership) } }] },
    });
  });

  it("keeps hidden interactions out of a stakeholder's most recent ones: they take no place in the limit", async () => {
    const [lead, member, outsider] = [await company(), await company(), await company()];
    const { partnership } = await closedPartnership([lead, member]);
    // Open to every reader through an ALLIANCE partnership (an interaction in none is its participants' only).
    const { partnership: open } = await makePartnership(app.db, [{ stakeholder: lead }], { visibility: PartnershipVisibility.ALLIANCE });
    for (let day = 1; day <= 3; day++) await makeInteraction(app.db, [lead], { summary: `open ${day}`, occurredAt: at(day), partnershipId: open.id });
    for (let day = 4; day <= 6; day++) await makeInteraction(app.db, [lead], { summary: `closed ${day}`, occurredAt: at(day), partnershipId: partnership.id });
    const query = `query ($id: ID!) { stakeholder(id: $id) { interactions(first: 2) { summary } } }`;
    type Recent = { stakeholder: { interactions: { summary: string }[] } };
    const recent = async (viewer: ReturnType<typeof manager>) =>
      dataOf<Recent>(await app.run(query, { id: gid(lead) }, viewer)).stakeholder.interactions.map((i) => i.summary);
    expect(await recent(manager(member))).toEqual(['closed 6', 'closed 5']);
    expect(await recent(manager(outsider))).toEqual(['open 3', 'open 2']);
  });

  it("shows a participant the follow-ups of a partnership hidden from them only when they are the committer's or beneficiary's", async () => {
    const [lead, member, guest] = [await company(), await company(), await company()];
    const { partnership } = await closedPartnership([lead, member]);
    const interaction = await makeInteraction(app.db, [lead, guest], { partnershipId: partnership.id, recordedByOrgId: lead.id });
    const p = partnership.id;
    await makeCommitment(app.db, lead, { title: 'internal', interactionId: interaction.id, partnershipId: p, dueDate: '2025-01-01' });
    await makeCommitment(app.db, lead, { title: 'for the guest', interactionId: interaction.id, partnershipId: p, beneficiaryId: guest.id, dueDate: '2025-01-02' });
    await makeCommitment(app.db, guest, { title: "the guest's", interactionId: interaction.id, partnershipId: p, dueDate: '2025-01-03' });
    const query = `query ($id: ID!) { interaction(id: $id) { followUps { title } } }`;
    const followUps = async (viewer: ReturnType<typeof manager>) =>
      dataOf<{ interaction: { followUps: { title: string }[] } }>(await app.run(query, { id: iid(interaction) }, viewer)).interaction.followUps.map((c) => c.title);
    expect(await followUps(manager(member))).toEqual(['internal', 'for the guest', "the guest's"]);
    expect(await followUps(manager(guest))).toEqual(['for the guest', "the guest's"]);
  });

  it("filters by a patient participant's redacted id, which opens only for the organisation it was shown to", async () => {
    const [org, other] = [await company(), await company()];
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    // ALLIANCE-wide through its partnership, so that both organisations see it.
    const { partnership } = await makePartnership(app.db, [{ stakeholder: org }, { stakeholder: other }]);
    const interaction = await makeInteraction(app.db, [org, patient], { summary: 'with a patient', partnershipId: partnership.id });
    // Found by type: without identity a patient's name is the neutral label, not the pseudonym.
    const SHOWN = `query ($id: ID!) { interaction(id: $id) { participants { __typename id } } }`;
    type Shown = { interaction: { participants: { __typename: string; id: string }[] } };
    const patientIdFor = async (viewer: ReturnType<typeof manager>) =>
      dataOf<Shown>(await app.run(SHOWN, { id: iid(interaction) }, viewer)).interaction.participants.find((s) => s.__typename === 'Patient')?.id as string;
    const forOrg = await patientIdFor(manager(org));
    expect(forOrg).toMatch(/^rp_/);
    expect(await patientIdFor(manager(other))).not.toBe(forOrg);
    expect(await patientIdFor(admin())).toBe(gid(patient));
    const LIST = `query ($filter: InteractionFilter) { interactions(first: 10, filter: $filter) { nodes { summary } } }`;
    const matches = async (filter: Record<string, unknown>, viewer: ReturnType<typeof manager>) =>
      dataOf<{ interactions: { nodes: { summary: string }[] } }>(await app.run(LIST, { filter }, viewer)).interactions.nodes.map((n) => n.summary);
    expect(await matches({ participantId: forOrg }, manager(org))).toEqual(['with a patient']);
    expect(await matches({ participantId: forOrg }, manager(other))).toEqual([]);

    // It names the patient in a new record too, as participant and as committer of a follow-up.
    const input = (patientId: string) => ({
      kind: 'CALL',
      occurredAt: '2025-05-01T10:00:00Z',
      summary: 'recorded with a redacted id',
      partnershipId: pid(partnership),
      participantIds: [gid(org), patientId],
      followUps: [{ title: 'patient follow-up', committerId: patientId, beneficiaryId: gid(org) }],
    });
    const before = await counts();
    const foreign = dataOf<RecordData>(await app.run(RECORD, { input: input(await patientIdFor(manager(other))) }, manager(org)));
    expect(errorsOf(foreign.recordInteraction.userErrors)).toEqual([
      { field: 'input.participantIds.1', code: 'NOT_FOUND' },
      { field: 'input.followUps.0.committerId', code: 'NOT_FOUND' },
    ]);
    expect(await counts()).toEqual(before);
    // The patient is no member of the partnership, so ADMIN makes them one first: follow-ups need a current member.
    await app.db.query(`INSERT INTO partnership_member (partnership_id, stakeholder_id, role) VALUES ($1, $2, 'PATIENT_PARTNER')`, [partnership.id, patient.id]);
    const recorded = dataOf<RecordData>(await app.run(RECORD, { input: input(forOrg) }, manager(org)));
    expect(recorded.recordInteraction.userErrors).toEqual([]);
    expect(recorded.recordInteraction.interaction?.participants).toEqual(expect.arrayContaining([{ id: gid(org) }, { id: forOrg }]));
    const where = `interaction_id = (SELECT id FROM interaction WHERE summary = 'recorded with a redacted id')`;
    const participants = (await app.db.query(`SELECT stakeholder_id FROM interaction_participant WHERE ${where}`)) as { stakeholder_id: string }[];
    expect(participants.map((p) => p.stakeholder_id).sort()).toEqual([org.id, patient.id].sort());
    expect(await app.db.query(`SELECT committer_id FROM commitment WHERE ${where}`)).toEqual([{ committer_id: patient.id }]);
  });
});

const INTERACTIONS = `
  query ($first: Int, $after: String, $filter: InteractionFilter, $orderBy: InteractionOrder) {
    interactions(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      edges { cursor node { id summary } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;
interface InteractionsData {
  interactions: {
    totalCount: number;
    edges: { cursor: string; node: { id: string; summary: string } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}
async function summaries(filter: Record<string, unknown>, orderBy?: Record<string, unknown>): Promise<string[]> {
  const data = dataOf<InteractionsData>(await app.run(INTERACTIONS, { filter, orderBy, first: 100 }, admin()));
  expect(data.interactions.totalCount).toBe(data.interactions.edges.length);
  return data.interactions.edges.map((e) => e.node.summary);
}

describe('interactions', () => {
  it('filters by kind, participant, partnership, recording organisation and time range', async () => {
    const a = await company();
    const b = await company();
    const c = await patientOrg();
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    const p = partnership.id;
    await makeInteraction(app.db, [a, b], { summary: 'i1', kind: InteractionKind.CALL, occurredAt: at(1), partnershipId: p, recordedByOrgId: a.id });
    await makeInteraction(app.db, [a, c], { summary: 'i2', kind: InteractionKind.MEETING, occurredAt: at(2), partnershipId: p, recordedByOrgId: b.id });
    await makeInteraction(app.db, [b, c], { summary: 'i3', kind: InteractionKind.CALL, occurredAt: at(3), partnershipId: p });
    await makeInteraction(app.db, [a], { summary: 'i4', occurredAt: at(4), recordedByOrgId: a.id });

    const inP = { partnershipId: pid(partnership) };
    expect(await summaries(inP)).toEqual(['i3', 'i2', 'i1']);
    expect(await summaries({ ...inP, kinds: ['CALL'] })).toEqual(['i3', 'i1']);
    expect(await summaries({ participantId: gid(a) })).toEqual(['i4', 'i2', 'i1']);
    expect(await summaries({ participantId: gid(c) })).toEqual(['i3', 'i2']);
    expect(await summaries({ recordedByOrgId: gid(a) })).toEqual(['i4', 'i1']);
    expect(await summaries({ participantId: gid(a), from: at(2).toISOString() })).toEqual(['i4', 'i2']);
    // `to` is exclusive.
    expect(await summaries({ participantId: gid(a), from: at(1).toISOString(), to: at(4).toISOString() })).toEqual(['i2', 'i1']);
    expect(await summaries({ participantId: 'nonsense' })).toEqual([]);
    expect(await summaries({ partnershipId: gid(a) })).toEqual([]);
    expect(await summaries({ recordedByOrgId: UNKNOWN_STAKEHOLDER })).toEqual([]);
  });

  it('pages with cursors and counts over all pages, newest first by default', async () => {
    const a = await company();
    // Recorded in the reverse order of occurrence.
    for (const [day, summary] of [[3, 'c'], [1, 'a'], [5, 'e'], [2, 'b'], [4, 'd']] as const) {
      await makeInteraction(app.db, [a], { summary, occurredAt: at(day), createdAt: at(20 - day) });
    }
    const filter = { participantId: gid(a) };
    const page1 = dataOf<InteractionsData>(await app.run(INTERACTIONS, { filter, first: 2 }, admin()));
    expect(page1.interactions.totalCount).toBe(5);
    expect(page1.interactions.edges.map((e) => e.node.summary)).toEqual(['e', 'd']);
    expect(page1.interactions.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: page1.interactions.edges[0].cursor,
      endCursor: page1.interactions.edges[1].cursor,
    });
    const page2 = dataOf<InteractionsData>(await app.run(INTERACTIONS, { filter, first: 2, after: page1.interactions.pageInfo.endCursor }, admin()));
    expect(page2.interactions.edges.map((e) => e.node.summary)).toEqual(['c', 'b']);
    const page3 = dataOf<InteractionsData>(await app.run(INTERACTIONS, { filter, first: 2, after: page2.interactions.pageInfo.endCursor }, admin()));
    expect(page3.interactions.edges.map((e) => e.node.summary)).toEqual(['a']);
    expect(page3.interactions.pageInfo.hasNextPage).toBe(false);

    expect(await summaries(filter, { field: 'OCCURRED_AT', direction: 'ASC' })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await summaries(filter, { field: 'CREATED_AT' })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(errorCodes(await app.run(INTERACTIONS, { after: 'garbage' }, admin()))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('Stakeholder.interactions', () => {
  it("lists a stakeholder's most recent interactions, newest first, each alias with its own size", async () => {
    const a = await company();
    const b = await company();
    for (let day = 1; day <= 5; day++) await makeInteraction(app.db, [a, b], { summary: `day ${day}`, occurredAt: at(day) });
    await makeInteraction(app.db, [b], { summary: 'b only', occurredAt: at(9) });
    const query = `
      query ($a: ID!, $b: ID!) {
        a: stakeholder(id: $a) { recent: interactions(first: 2) { summary } all: interactions { summary } }
        b: stakeholder(id: $b) { recent: interactions(first: 2) { summary } }
      }`;
    const data = dataOf(await app.run(query, { a: gid(a), b: gid(b) }, admin()));
    expect(data).toEqual({
      a: {
        recent: [{ summary: 'day 5' }, { summary: 'day 4' }],
        all: ['day 5', 'day 4', 'day 3', 'day 2', 'day 1'].map((summary) => ({ summary })),
      },
      b: { recent: [{ summary: 'b only' }, { summary: 'day 5' }] },
    });
    const none = `query ($id: ID!) { stakeholder(id: $id) { interactions { summary } } }`;
    expect(dataOf(await app.run(none, { id: gid(await company()) }, admin())).stakeholder).toEqual({ interactions: [] });
    expect(errorCodes(await app.run(`query ($id: ID!) { stakeholder(id: $id) { interactions(first: 101) { id } } }`, { id: gid(a) }, admin()))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('costs the same number of statements for 2 or 10 stakeholders, with one LATERAL query for all of them', async () => {
    const query = `
      query ($tag: String!) {
        stakeholders(first: 50, filter: { tags: [$tag] }) {
          nodes {
            id
            interactions(first: 3) {
              id notes participants { id } partnership { id } recordedByOrg { id } followUps { id }
            }
          }
        }
      }`;
    const run = async (n: number) => {
      const tag = `interactions-${n}`;
      const hub = await patientOrg();
      const { partnership } = await makePartnership(app.db, [{ stakeholder: hub }]);
      for (let i = 0; i < n; i++) {
        const org = await company({ tags: [tag] });
        for (let day = 1; day <= 4; day++) {
          const interaction = await makeInteraction(app.db, [org, hub], { occurredAt: at(day), partnershipId: partnership.id, recordedByOrgId: org.id });
          await makeCommitment(app.db, org, { interactionId: interaction.id });
        }
      }
      const { result, statements } = await app.runCounted<{ stakeholders: { nodes: { interactions: { participants: unknown[]; followUps: unknown[] }[] }[] } }>(
        query,
        { tag },
        viewerOf(Role.PARTNER, { orgId: hub.id }),
      );
      const nodes = dataOf(result).stakeholders.nodes;
      expect(nodes).toHaveLength(n);
      for (const node of nodes) {
        expect(node.interactions).toHaveLength(3);
        for (const interaction of node.interactions) {
          expect(interaction.participants).toHaveLength(2);
          expect(interaction.followUps).toHaveLength(1);
        }
      }
      expect(statements.filter((sql) => sql.includes('LATERAL'))).toHaveLength(1);
      return statements.length;
    };
    expect(await run(10)).toBe(await run(2));
  });
});

const RECORD = `
  mutation ($input: RecordInteractionInput!) {
    recordInteraction(input: $input) {
      interaction {
        id kind occurredAt durationMinutes summary notes recordedByUser
        participants { id }
        partnership { id }
        recordedByOrg { id }
        followUps { title status dueDate }
      }
      userErrors { field message code }
    }
  }`;
interface RecordData {
  recordInteraction: { interaction: { id: string; [field: string]: unknown } | null; userErrors: { field: string | null; message: string; code: string }[] };
}
const errorsOf = (errors: { field: string | null; code: string }[]) => errors.map(({ field, code }) => ({ field, code }));

describe('recordInteraction', () => {
  it('records the interaction, its participants and its follow-ups for an engagement manager of a participant', async () => {
    const org = await company({ name: 'Aa org' });
    const patients = await patientOrg({ name: 'Bb patients' });
    const { partnership } = await makePartnership(app.db, [{ stakeholder: org }, { stakeholder: patients }]);
    const viewer = manager(org);
    const input = {
      kind: 'CONSULTATION',
      occurredAt: '2025-04-01T10:30:00.000Z',
      durationMinutes: 60,
      partnershipId: pid(partnership),
      summary: ' Consent form wording ',
      notes: 'Form too long',
      participantIds: [gid(org), gid(patients)],
      followUps: [
        { title: 'Shorten the form', committerId: gid(org), beneficiaryId: gid(patients), dueDate: '2025-05-01' },
        { title: 'Review the draft', committerId: gid(patients) },
      ],
    };
    const data = dataOf<RecordData>(await app.run(RECORD, { input }, viewer));
    expect(data.recordInteraction).toEqual({
      interaction: {
        id: expect.any(String),
        kind: 'CONSULTATION',
        occurredAt: '2025-04-01T10:30:00.000Z',
        durationMinutes: 60,
        summary: 'Consent form wording',
        notes: 'Form too long',
        recordedByUser: viewer.userId,
        participants: [{ id: gid(org) }, { id: gid(patients) }],
        partnership: { id: pid(partnership) },
        recordedByOrg: { id: gid(org) },
        followUps: [
          { title: 'Shorten the form', status: 'OPEN', dueDate: '2025-05-01' },
          { title: 'Review the draft', status: 'OPEN', dueDate: null },
        ],
      },
      userErrors: [],
    });
    const rows = (await app.db.query(
      `SELECT c.title, c.status, c.committer_id, c.beneficiary_id, c.partnership_id, i.recorded_by_org_id, i.recorded_by_user
         FROM commitment c JOIN interaction i ON i.id = c.interaction_id WHERE i.partnership_id = $1 ORDER BY c.title`,
      [partnership.id],
    )) as Record<string, unknown>[];
    const common = { status: CommitmentStatus.OPEN, partnership_id: partnership.id, recorded_by_org_id: org.id, recorded_by_user: viewer.userId };
    expect(rows).toEqual([
      { ...common, title: 'Review the draft', committer_id: patients.id, beneficiary_id: null },
      { ...common, title: 'Shorten the form', committer_id: org.id, beneficiary_id: patients.id },
    ]);
  });

  it('records an interaction of an ADMIN without an organisation, without partnership or follow-ups', async () => {
    const a = await company();
    const data = dataOf<RecordData>(await app.run(RECORD, { input: { kind: 'EMAIL', occurredAt: '2025-04-02T08:00:00Z', participantIds: [gid(a)] } }, admin()));
    expect(data.recordInteraction.userErrors).toEqual([]);
    expect(data.recordInteraction.interaction).toMatchObject({ participants: [{ id: gid(a) }], partnership: null, recordedByOrg: null, notes: null, followUps: [] });
  });

  it('refuses invalid input before running: no participant, a duration over a week, an empty follow-up title', async () => {
    const a = await company();
    const before = await counts();
    const base = { kind: 'CALL', occurredAt: '2025-04-01T10:00:00Z', participantIds: [gid(a)] };
    for (const input of [
      { ...base, participantIds: [] },
      { ...base, durationMinutes: 10081 },
      { ...base, followUps: [{ title: '', committerId: gid(a) }] },
      { ...base, occurredAt: 'yesterday' },
    ]) {
      expect(errorCodes(await app.run(RECORD, { input }, admin()))).toEqual(['BAD_USER_INPUT']);
    }
    expect(await counts()).toEqual(before);
  });

  it('returns userErrors for bad participants, partnership and follow-ups, and records nothing at all', async () => {
    const a = await company();
    const b = await company();
    const archived = await company({ archivedAt: new Date() });
    const { partnership: ofAOnly } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: await company() }]);
    const before = await counts();
    const base = { kind: 'MEETING', occurredAt: '2025-04-01T10:00:00Z', participantIds: [gid(a), gid(b)] };
    const cases: [Record<string, unknown>, { field: string; code: string }[]][] = [
      [{ participantIds: [gid(a), gid(a)] }, [{ field: 'input.participantIds', code: 'BAD_USER_INPUT' }]],
      [{ participantIds: [gid(a), UNKNOWN_STAKEHOLDER] }, [{ field: 'input.participantIds.1', code: 'NOT_FOUND' }]],
      [{ participantIds: [gid(a), 'nonsense'] }, [{ field: 'input.participantIds.1', code: 'NOT_FOUND' }]],
      [{ participantIds: [gid(archived), gid(a)] }, [{ field: 'input.participantIds.0', code: 'BAD_USER_INPUT' }]],
      [{ partnershipId: toGlobalId('Partnership', '00000000-0000-0000-0000-000000000000') }, [{ field: 'input.partnershipId', code: 'NOT_FOUND' }]],
      // One bad follow-up among good ones: neither the interaction nor any follow-up is recorded.
      [
        { followUps: [{ title: 'ok', committerId: gid(a) }, { title: 'bad', committerId: UNKNOWN_STAKEHOLDER }] },
        [{ field: 'input.followUps.1.committerId', code: 'NOT_FOUND' }],
      ],
      [{ followUps: [{ title: 'self', committerId: gid(a), beneficiaryId: gid(a) }] }, [{ field: 'input.followUps.0.beneficiaryId', code: 'BAD_USER_INPUT' }]],
      [{ followUps: [{ title: 'to archived', committerId: gid(a), beneficiaryId: gid(archived) }] }, [{ field: 'input.followUps.0.beneficiaryId', code: 'BAD_USER_INPUT' }]],
      [{ followUps: [{ title: '   ', committerId: gid(a) }] }, [{ field: 'input.followUps.0.title', code: 'BAD_USER_INPUT' }]],
      // Follow-ups belong to the interaction's partnership: only its current members commit.
      [
        { partnershipId: pid(ofAOnly), followUps: [{ title: 'member', committerId: gid(a) }, { title: 'outsider', committerId: gid(b) }] },
        [{ field: 'input.followUps.1.committerId', code: 'BAD_USER_INPUT' }],
      ],
    ];
    for (const [overrides, expected] of cases) {
      const data = dataOf<RecordData>(await app.run(RECORD, { input: { ...base, ...overrides } }, manager(a)));
      expect(data.recordInteraction.interaction).toBeNull();
      expect(errorsOf(data.recordInteraction.userErrors)).toEqual(expected);
    }
    expect(await counts()).toEqual(before);
  });

  it('is NOT_FOUND for a partnership the viewer may not see, exactly as for an unknown one; its members record in it', async () => {
    const [a, b, outsider] = [await company(), await company(), await company()];
    const { partnership } = await closedPartnership([a, b]);
    const input = (partnershipId: string) => ({ kind: 'CALL', occurredAt: '2025-04-01T10:00:00Z', participantIds: [gid(outsider), gid(a)], partnershipId });
    const before = await counts();
    const hidden = dataOf<RecordData>(await app.run(RECORD, { input: input(pid(partnership)) }, manager(outsider)));
    const unknown = dataOf<RecordData>(await app.run(RECORD, { input: input(UNKNOWN_PARTNERSHIP) }, manager(outsider)));
    expect(hidden).toEqual(unknown);
    expect(hidden.recordInteraction).toEqual({
      interaction: null,
      userErrors: [{ field: 'input.partnershipId', code: 'NOT_FOUND', message: 'No such partnership.' }],
    });
    expect(await counts()).toEqual(before);
    const byMember = dataOf<RecordData>(await app.run(RECORD, { input: input(pid(partnership)) }, manager(a)));
    expect(byMember.recordInteraction.userErrors).toEqual([]);
    expect(byMember.recordInteraction.interaction?.partnership).toEqual({ id: pid(partnership) });
  });

  it('is FORBIDDEN for an engagement manager whose organisation did not take part, and for a partner; nothing is written', async () => {
    const a = await company();
    const b = await company();
    const input = { kind: 'CALL', occurredAt: '2025-04-01T10:00:00Z', participantIds: [gid(a)], followUps: [{ title: 'x', committerId: gid(a) }] };
    const before = await counts();
    expect(errorCodes(await app.run(RECORD, { input }, manager(b)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(RECORD, { input }, viewerOf(Role.PARTNER, { orgId: a.id })))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(RECORD, { input }, null))).toEqual(['UNAUTHENTICATED']);
    expect(await counts()).toEqual(before);
  });

  it('replays an idempotent record and refuses the same key with another input', async () => {
    const a = await company();
    const viewer = manager(a);
    const input = {
      kind: 'CALL',
      occurredAt: '2025-04-01T10:00:00Z',
      participantIds: [gid(a)],
      followUps: [{ title: 'Call back', committerId: gid(a) }],
      idempotencyKey: 'call-1',
    };
    const first = dataOf<RecordData>(await app.run(RECORD, { input }, viewer));
    expect(first.recordInteraction.userErrors).toEqual([]);
    const before = await counts();
    const again = dataOf<RecordData>(await app.run(RECORD, { input }, viewer));
    expect(again.recordInteraction).toEqual(first.recordInteraction);
    expect(await counts()).toEqual(before);
    const other = dataOf<RecordData>(await app.run(RECORD, { input: { ...input, kind: 'MEETING' } }, viewer));
    expect(other.recordInteraction).toEqual({ interaction: null, userErrors: [{ field: 'input.idempotencyKey', code: 'CONFLICT', message: expect.any(String) }] });
    expect(await counts()).toEqual(before);
  });
});
