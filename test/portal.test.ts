import { Role } from '../src/access/viewer';
import { MemberRole } from '../src/modules/partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { admin, createTestApp, dataOf, viewerOf, type TestApp } from './support/app';
import { makeAffiliation } from './support/affiliation.factories';
import { makeStakeholder } from './support/factories';
import { makePartnership } from './support/partnership.factories';

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

      // One statement per level plus the root list, however long the lists are. The stated
      // constant: the affiliations' targets (`to { name }`) are one more batch, and the viewer's
      // consents for the patients on the page are read once per request (one batch).
      expect(large.statements.length).toBe(small.statements.length);
      expect(small.statements.length).toBeLessThanOrEqual(1 + LEVELS + 2);
    }
  });
});
