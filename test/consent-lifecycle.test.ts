import { redactedPatientId } from '../src/access/patient-ids';
import { Role, type Viewer } from '../src/access/viewer';
import { fromGlobalId } from '../src/graphql/global-id';
import { ConsentPurpose } from '../src/modules/consent/consent.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { createTestApp, dataOf, viewerOf, type TestApp } from './support/app';
import { gid, makeStakeholder } from './support/factories';
import { makePartnership, pid } from './support/partnership.factories';

/**
 * A consent's life as the grantee sees it (DESIGN §3): granted through the API by the patient,
 * it shows the fields of its scopes to its grantee for its purposes only; expired or withdrawn,
 * it hides them again from the next request on. Expected outcomes are written out by hand.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const NAME = 'Mira Lund';
const EMAIL = 'mira.lund@example.org';

interface World {
  patient: Stakeholder;
  /** Alpha, Beta: two member organisations; X: an ALLIANCE partnership of both and the patient. */
  alpha: Stakeholder;
  beta: Stakeholder;
  x: string;
  asPatient: Viewer;
  alpha_: Record<'coordination' | 'research' | 'hta', Viewer>;
  beta_: Record<'coordination' | 'hta', Viewer>;
}

async function makeWorld(): Promise<World> {
  const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, { displayName: NAME, email: EMAIL, birthYear: 1990, phone: '+32 2 555 0101' });
  const alpha = await makeStakeholder(app.db, StakeholderKind.COMPANY);
  const beta = await makeStakeholder(app.db, StakeholderKind.COMPANY);
  const { partnership } = await makePartnership(app.db, [{ stakeholder: alpha }, { stakeholder: beta }, { stakeholder: patient }]);
  const partner = (org: Stakeholder, purpose: ConsentPurpose) => viewerOf(Role.PARTNER, { orgId: org.id, purpose });
  return {
    patient,
    alpha,
    beta,
    x: pid(partnership),
    asPatient: viewerOf(Role.PATIENT, { patientId: patient.id }),
    alpha_: {
      coordination: partner(alpha, ConsentPurpose.PARTNERSHIP_COORDINATION),
      research: partner(alpha, ConsentPurpose.RESEARCH_DESIGN),
      hta: partner(alpha, ConsentPurpose.REGULATORY_HTA),
    },
    beta_: {
      coordination: partner(beta, ConsentPurpose.PARTNERSHIP_COORDINATION),
      hta: partner(beta, ConsentPurpose.REGULATORY_HTA),
    },
  };
}

interface Look {
  id: string;
  pseudonym: string | null;
  displayName: string | null;
  email: string | null;
  redactedFields: string[];
}

/**
 * The patient as `viewer` sees them in one request, by id and as a member of X (the two must
 * agree: a list reads the same consents as a lookup). The member is the patient shown under
 * one of the ids it may be shown under: its real id, or the id sealed for the viewer. Where it
 * is shown sealed, its real id opens nothing for the viewer.
 */
async function look(w: World, viewer: Viewer): Promise<Look> {
  const real = gid(w.patient);
  const sealed = redactedPatientId(viewer, w.patient.id);
  const data = dataOf<{ real: Look | null; sealed: Look | null; partnership: { members: { stakeholder: Look }[] } }>(
    await app.run(
      `query ($real: ID!, $sealed: ID!, $x: ID!) {
        real: stakeholder(id: $real) { id ... on Patient { pseudonym displayName email redactedFields } }
        sealed: stakeholder(id: $sealed) { id ... on Patient { pseudonym displayName email redactedFields } }
        partnership(id: $x) { members { stakeholder { id ... on Patient { pseudonym displayName email redactedFields } } } }
      }`,
      { real, sealed, x: w.x },
      viewer,
    ),
  );
  const member = data.partnership.members.find((m) => m.stakeholder.id === real || m.stakeholder.id === sealed);
  expect(member).toBeDefined();
  const byId = member?.stakeholder.id === real ? data.real : data.sealed;
  if (member?.stakeholder.id === sealed) expect(data.real).toBeNull();
  expect(member?.stakeholder).toEqual(byId);
  return byId as Look;
}

const redacted = (id: string): Look => ({
  id,
  pseudonym: null,
  displayName: null,
  email: null,
  redactedFields: ['pseudonym', 'displayName', 'birthYear', 'email', 'phone', 'conditions'],
});

interface Granted {
  id: string;
  version: number;
}

async function grant(w: World, input: { granteeId?: string; scopes: string[]; purposes: string[]; expiresAt?: string }): Promise<Granted> {
  const data = dataOf<{ grantConsent: { consent: (Granted & { active: boolean }) | null; userErrors: unknown[] } }>(
    await app.run(
      `mutation ($input: GrantConsentInput!) { grantConsent(input: $input) { consent { id version active } userErrors { code field message } } }`,
      { input: { patientId: gid(w.patient), ...input } },
      w.asPatient,
    ),
  );
  expect(data.grantConsent.userErrors).toEqual([]);
  expect(data.grantConsent.consent?.active).toBe(true);
  return data.grantConsent.consent as Granted;
}

describe('consent lifecycle, as the grantee sees the patient', () => {
  it('without any consent, every organisation sees the patient redacted under an id of its own', async () => {
    const w = await makeWorld();
    const alpha = await look(w, w.alpha_.coordination);
    const beta = await look(w, w.beta_.coordination);
    expect(alpha).toEqual(redacted(alpha.id));
    expect(beta).toEqual(redacted(beta.id));
    expect(new Set([alpha.id, beta.id, gid(w.patient)]).size).toBe(3);
    // The same organisation sees the same id, whatever the purpose.
    expect(await look(w, w.alpha_.research)).toEqual(redacted(alpha.id));
  });

  it('a grant shows the fields of its scopes to its grantee, for its purposes only', async () => {
    const w = await makeWorld();
    const alphaBefore = (await look(w, w.alpha_.coordination)).id;
    const betaBefore = (await look(w, w.beta_.coordination)).id;

    await grant(w, { granteeId: gid(w.alpha), scopes: ['IDENTITY'], purposes: ['PARTNERSHIP_COORDINATION'] });

    // The grantee, for the granted purpose: identity, not contact.
    expect(await look(w, w.alpha_.coordination)).toEqual({
      id: gid(w.patient),
      pseudonym: w.patient.pseudonym,
      displayName: NAME,
      email: null,
      redactedFields: ['email', 'phone', 'conditions'],
    });
    // Another organisation: still redacted, under its own id.
    expect(await look(w, w.beta_.coordination)).toEqual(redacted(betaBefore));
    // The grantee with a token of another purpose: redacted.
    expect(await look(w, w.alpha_.research)).toEqual(redacted(alphaBefore));
  });

  it('an alliance-wide grant (no grantee) shows its scopes to every organisation, for its purposes only', async () => {
    const w = await makeWorld();
    const alphaBefore = (await look(w, w.alpha_.coordination)).id;
    const betaBefore = (await look(w, w.beta_.coordination)).id;

    await grant(w, { scopes: ['IDENTITY', 'CONTACT'], purposes: ['REGULATORY_HTA'] });

    const identified = { id: gid(w.patient), pseudonym: w.patient.pseudonym, displayName: NAME, email: EMAIL, redactedFields: ['conditions'] };
    expect(await look(w, w.alpha_.hta)).toEqual(identified);
    expect(await look(w, w.beta_.hta)).toEqual(identified);
    expect(await look(w, w.alpha_.coordination)).toEqual(redacted(alphaBefore));
    expect(await look(w, w.beta_.coordination)).toEqual(redacted(betaBefore));
  });

  it('an expired consent hides the fields again on the next request', async () => {
    const w = await makeWorld();
    const before = (await look(w, w.alpha_.coordination)).id;
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const consent = await grant(w, { granteeId: gid(w.alpha), scopes: ['IDENTITY'], purposes: ['PARTNERSHIP_COORDINATION'], expiresAt: tomorrow });
    expect((await look(w, w.alpha_.coordination)).displayName).toBe(NAME);

    // Time passes: the consent ran out a minute ago.
    await app.db.query(`UPDATE consent SET granted_at = now() - interval '2 days', expires_at = now() - interval '1 minute' WHERE id = $1`, [
      consentIdOf(consent),
    ]);

    expect(await look(w, w.alpha_.coordination)).toEqual(redacted(before));
  });

  it('a withdrawn consent hides the fields on the very next request, and the redacted id comes back', async () => {
    const w = await makeWorld();
    const before = (await look(w, w.alpha_.coordination)).id;
    const coordination = await grant(w, { granteeId: gid(w.alpha), scopes: ['IDENTITY', 'CONTACT'], purposes: ['PARTNERSHIP_COORDINATION'] });
    await grant(w, { scopes: ['IDENTITY'], purposes: ['REGULATORY_HTA'] });
    expect(await look(w, w.alpha_.coordination)).toEqual({
      id: gid(w.patient),
      pseudonym: w.patient.pseudonym,
      displayName: NAME,
      email: EMAIL,
      redactedFields: ['conditions'],
    });

    const withdrawn = dataOf<{ withdrawConsent: { consent: { id: string; active: boolean; withdrawnAt: string | null } | null; userErrors: unknown[] } }>(
      await app.run(
        `mutation ($input: WithdrawConsentInput!) { withdrawConsent(input: $input) { consent { id active withdrawnAt } userErrors { code field message } } }`,
        { input: { id: coordination.id, version: coordination.version } },
        w.asPatient,
      ),
    );
    expect(withdrawn.withdrawConsent.userErrors).toEqual([]);
    expect(withdrawn.withdrawConsent.consent).toMatchObject({ id: coordination.id, active: false });
    expect(withdrawn.withdrawConsent.consent?.withdrawnAt).not.toBeNull();

    // The same organisation's very next request: redacted, under the id it saw before the grant.
    expect(await look(w, w.alpha_.coordination)).toEqual(redacted(before));
    // The other consent (alliance-wide, another purpose) still holds.
    expect(await look(w, w.alpha_.hta)).toEqual({
      id: gid(w.patient),
      pseudonym: w.patient.pseudonym,
      displayName: NAME,
      email: null,
      redactedFields: ['email', 'phone', 'conditions'],
    });
  });
});

/** The database id of a consent the API returned. */
function consentIdOf(consent: Granted): string {
  const decoded = fromGlobalId(consent.id, 'Consent');
  if (!decoded) throw new Error(`not a consent id: ${consent.id}`);
  return decoded.id;
}
