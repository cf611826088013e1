import { Role } from '../src/access/viewer';
import { MemberRole } from '../src/modules/partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { admin, createTestApp, dataOf, viewerOf, type TestApp } from './support/app';
import { ConsentScope } from '../src/modules/consent/consent.entity';
import { makeAffiliation } from './support/affiliation.factories';
import { makeConsent } from './support/consent.factories';
import { makeStakeholder } from './support/factories';
import { makePartnership, pid } from './support/partnership.factories';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

/** The canonical partner-portal query: partnerships → members → stakeholder → affiliations. */
const PORTAL = `
  query ($area: String!) {
    partnerships(first: 100, filter: { therapeuticAreas: [$area] }) {
      edges { node { id title status
        members { role joinedAt stakeholder { id name kind
          ... on Patient { pseudonym displayName redactedFields }
          affiliations { kind since to { name } } } }
      } }
    }
  }`;
const LEVELS = 3;

/** A world of `partnerships` partnerships, each with `members` members that each have two affiliations. */
async function world(area: string, partnerships: number, members: number): Promise<void> {
  const hub = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: `hub ${area}` });
  for (let p = 0; p < partnerships; p++) {
    const people: Stakeholder[] = [];
    for (let m = 0; m < members; m++) {
      const kind = m % 3 === 0 ? StakeholderKind.PATIENT : StakeholderKind.COMPANY;
      const s = await makeStakeholder(app.db, kind);
      await makeAffiliation(app.db, s, hub);
      await makeAffiliation(app.db, s, hub, { kind: 'ADVISES' as never, since: '2025-01-01' });
      people.push(s);
    }
    await makePartnership(
      app.db,
      people.map((stakeholder, i) => ({ stakeholder, role: i === 0 ? MemberRole.LEAD : MemberRole.MEMBER })),
      { therapeuticArea: area },
    );
  }
}

describe('the 3-level portal query', () => {
  it('sends the same, small number of statements on a 5x larger world', async () => {
    await world('small-world', 2, 3);
    await world('large-world', 10, 6); // 5x the partnerships, 10x the members and affiliations

    // A patient's affiliation to the hub (a patient organisation) is health data: ADMIN sees it,
    // a partner without the patients' HEALTH consent does not.
    const partner = viewerOf(Role.PARTNER, { orgId: (await makeStakeholder(app.db, StakeholderKind.COMPANY)).id });
    for (const [viewer, patientAffiliations] of [
      [admin(), 2],
      [partner, 0],
    ] as const) {
      type Out = { partnerships: { edges: { node: { members: { stakeholder: { kind: string; affiliations: unknown[] } }[] } }[] } };
      const small = await app.runCounted<Out>(PORTAL, { area: 'small-world' }, viewer);
      const large = await app.runCounted<Out>(PORTAL, { area: 'large-world' }, viewer);
      // The worlds really are of the sizes asked for, fully resolved: each member's kind and number of affiliations.
      const shape = (r: typeof small.result) =>
        dataOf(r).partnerships.edges.map((e) => e.node.members.map((m) => `${m.stakeholder.kind}:${m.stakeholder.affiliations.length}`).sort());
      const patient = `PATIENT:${patientAffiliations}`;
      expect(shape(small.result)).toEqual(Array(2).fill(['COMPANY:2', 'COMPANY:2', patient]));
      expect(shape(large.result)).toEqual(Array(10).fill(['COMPANY:2', 'COMPANY:2', 'COMPANY:2', 'COMPANY:2', patient, patient]));

      // One statement per list level plus the root list, however long the lists are: a
      // membership's stakeholder, an affiliation's other end and the viewer's consents for the
      // patients on the page come in the statement of their level.
      expect(large.statements.length).toBe(small.statements.length);
      expect(small.statements.length).toBeLessThanOrEqual(1 + LEVELS);
    }
  });

  it('sends at most 1 + list levels statements at first 5, 20 and 100, as ADMIN and as a PARTNER holding some consents', async () => {
    const area = 'paged-world';
    const partnerOrg = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'paged partner' });
    const hub = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: 'paged hub' });
    const consenting = new Set<string>();
    const withConsent = new Set<string>();
    for (let p = 0; p < 105; p++) {
      const people: Stakeholder[] = [];
      for (let m = 0; m < 3; m++) {
        const s = await makeStakeholder(app.db, m === 0 ? StakeholderKind.PATIENT : StakeholderKind.COMPANY);
        await makeAffiliation(app.db, s, hub);
        await makeAffiliation(app.db, s, hub, { kind: 'ADVISES' as never, since: '2025-01-01' });
        people.push(s);
      }
      // Every other patient consented to the partner reading their identity and health.
      if (p % 2 === 0) {
        await makeConsent(app.db, people[0], { granteeId: partnerOrg.id, scopes: [ConsentScope.IDENTITY, ConsentScope.HEALTH] });
        consenting.add(people[0].pseudonym as string);
      }
      const { partnership } = await makePartnership(app.db, people.map((stakeholder) => ({ stakeholder })), { therapeuticArea: area });
      if (p % 2 === 0) withConsent.add(pid(partnership));
    }
    const partner = viewerOf(Role.PARTNER, { orgId: partnerOrg.id });
    const QUERY = PORTAL.replace('first: 100', 'first: $first').replace('($area: String!)', '($area: String!, $first: Int!)');
    type Member = { stakeholder: { kind: string; pseudonym?: string | null; redactedFields?: string[]; affiliations: { to: { name: string } }[] } };
    type Out = { partnerships: { edges: { node: { id: string; members: Member[] } }[] } };
    for (const first of [5, 20, 100]) {
      for (const [viewer, who] of [
        [admin(), 'ADMIN'],
        [partner, 'PARTNER'],
      ] as const) {
        const { result, statements } = await app.runCounted<Out>(QUERY, { area, first }, viewer);
        const edges = dataOf(result).partnerships.edges;
        expect(edges).toHaveLength(first);
        for (const { node } of edges) {
          expect(node.members).toHaveLength(3);
          for (const { stakeholder } of node.members) {
            expect(stakeholder.affiliations.map((a) => a.to.name)).toEqual(
              stakeholder.kind === 'PATIENT' && who === 'PARTNER' && !consenting.has(stakeholder.pseudonym ?? '') ? [] : ['paged hub', 'paged hub'],
            );
            if (stakeholder.kind !== 'PATIENT') continue;
            // The partner reads the pseudonym of a consenting patient only; a redacted one shows nothing.
            if (who === 'ADMIN') expect(stakeholder.redactedFields).toEqual([]);
            else if (stakeholder.pseudonym) expect(consenting.has(stakeholder.pseudonym)).toBe(true);
            else expect(stakeholder.redactedFields).toContain('pseudonym');
          }
        }
        if (who === 'PARTNER') {
          const shown = edges.filter(({ node }) => node.members.some((m) => m.stakeholder.pseudonym)).map(({ node }) => node.id);
          expect(shown).toEqual(edges.map(({ node }) => node.id).filter((id) => withConsent.has(id)));
          expect(shown.length).toBeGreaterThan(0);
        }
        expect({ first, who, statements: statements.length }).toEqual({ first, who, statements: Math.min(statements.length, 1 + LEVELS) });
      }
    }
  });
});
