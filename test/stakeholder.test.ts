import { Role } from '../src/access/viewer';
import { StakeholderKind } from '../src/modules/stakeholder/stakeholder.entity';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { gid, makeStakeholder } from './support/factories';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const STAKEHOLDER = `
  query ($id: ID!) {
    stakeholder(id: $id) {
      id kind name country tags version
      ... on Company { companyType therapeuticAreas efpiaMember }
      ... on Patient { pseudonym displayName email conditions redactedFields }
    }
  }`;

describe('stakeholder(id)', () => {
  it('returns a company with its kind-specific fields', async () => {
    const company = await makeStakeholder(app.db, StakeholderKind.COMPANY, {
      name: 'Helix Bio',
      country: 'DE',
      companyType: 'BIOTECH' as never,
      therapeuticAreas: ['oncology'],
      efpiaMember: true,
    });
    const data = dataOf(await app.run(STAKEHOLDER, { id: gid(company) }, admin()));
    expect(data.stakeholder).toEqual({
      id: gid(company),
      kind: 'COMPANY',
      name: 'Helix Bio',
      country: 'DE',
      tags: [],
      version: 1,
      companyType: 'BIOTECH',
      therapeuticAreas: ['oncology'],
      efpiaMember: true,
    });
  });

  it('is null for an unknown, malformed or foreign-type id', async () => {
    for (const id of ['U3Rha2Vob2xkZXI6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw', 'nonsense', Buffer.from('Partnership:00000000-0000-0000-0000-000000000000').toString('base64url')]) {
      const data = dataOf(await app.run(STAKEHOLDER, { id }, admin()));
      expect(data.stakeholder).toBeNull();
    }
  });

  it('answers UNAUTHENTICATED without a token and changes nothing', async () => {
    const company = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const result = await app.run(STAKEHOLDER, { id: gid(company) }, null);
    expect(result.data?.stakeholder ?? null).toBeNull();
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it("redacts a patient's identity, contact and health fields for a partner, without an error", async () => {
    const org = await makeStakeholder(app.db, StakeholderKind.COMPANY);
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, { pseudonym: 'blue-heron', email: 'heron@example.org' });
    const result = await app.run(STAKEHOLDER, { id: gid(patient) }, viewerOf(Role.PARTNER, { orgId: org.id }));
    expect(result.errors).toBeUndefined();
    expect(result.data?.stakeholder).toMatchObject({
      kind: 'PATIENT',
      name: 'blue-heron',
      pseudonym: 'blue-heron',
      displayName: null,
      email: null,
      conditions: null,
      redactedFields: ['displayName', 'birthYear', 'email', 'phone', 'conditions'],
    });
    const own = dataOf(await app.run(STAKEHOLDER, { id: gid(patient) }, viewerOf(Role.PATIENT, { patientId: patient.id })));
    expect(own.stakeholder).toMatchObject({ email: 'heron@example.org', conditions: ['asthma'], redactedFields: [] });
  });
});
