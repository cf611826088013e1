import { redactedPatientId } from '../src/access/patient-ids';
import { Role } from '../src/access/viewer';
import { toGlobalId } from '../src/graphql/global-id';
import { ContractKind, ContractPartyRole, ContractStatus } from '../src/modules/contract/contract.entity';
import { MAX_CONTRACT_AMOUNT } from '../src/modules/contract/contract.inputs';
import { PartnershipVisibility } from '../src/modules/partnership/partnership.entity';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { ctid, makeContract } from './support/contract.factories';
import { gid, makeStakeholder } from './support/factories';
import { makePartnership, pid } from './support/partnership.factories';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const company = (fields: Partial<Stakeholder> = {}) => makeStakeholder(app.db, StakeholderKind.COMPANY, fields);
const patientOrg = () => makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION);
const manager = (org: Stakeholder) => viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id });
/** Distinct creation times, so that orders by creation do not fall back on random ids. */
const at = (i: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, i));
const UNKNOWN_CONTRACT = toGlobalId('Contract', '00000000-0000-0000-0000-000000000000');
const UNKNOWN_PARTNERSHIP = toGlobalId('Partnership', '00000000-0000-0000-0000-000000000000');
const patient = () => makeStakeholder(app.db, StakeholderKind.PATIENT);

async function count(table: string): Promise<number> {
  const [{ n }] = (await app.db.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[];
  return n;
}
async function contractRow(id: string): Promise<Record<string, unknown>> {
  const [row] = (await app.db.query(
    'SELECT status, version, terminated_at, termination_reason FROM contract WHERE id = $1',
    [id],
  )) as Record<string, unknown>[];
  return row;
}
async function signatures(contractId: string): Promise<Record<string, boolean>> {
  const rows = (await app.db.query('SELECT stakeholder_id, signed_at IS NOT NULL AS signed FROM contract_party WHERE contract_id = $1', [
    contractId,
  ])) as { stakeholder_id: string; signed: boolean }[];
  return Object.fromEntries(rows.map((r) => [r.stakeholder_id, r.signed]));
}

const CONTRACT = `
  query ($id: ID!) {
    contract(id: $id) {
      id title kind status effectiveFrom effectiveTo fairMarketValueAssessed conflictOfInterestDeclared disclosable version
      value { amount currency }
      redactedFields
      partnership { id title }
      parties { id role signedAt stakeholder { id name } contract { id } }
    }
  }`;

describe('contract(id)', () => {
  it('returns a contract with its parties, partnership and value', async () => {
    const sponsor = await company({ name: 'Aster Pharma' });
    const recipient = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: 'Breathe Europe' });
    const { partnership } = await makePartnership(app.db, [{ stakeholder: sponsor }, { stakeholder: recipient }], { title: 'Asthma panel' });
    const signedAt = new Date('2025-01-02T03:04:05.000Z');
    const contract = await makeContract(
      app.db,
      [
        { stakeholder: recipient, role: ContractPartyRole.RECIPIENT },
        { stakeholder: sponsor, role: ContractPartyRole.SPONSOR, signedAt },
      ],
      {
        title: 'Advisory fees 2025',
        kind: ContractKind.ADVISORY_BOARD,
        status: ContractStatus.AWAITING_SIGNATURES,
        partnershipId: partnership.id,
        effectiveFrom: '2025-01-01',
        effectiveTo: '2025-12-31',
        valueAmount: 1250000,
        valueCurrency: 'EUR',
        disclosable: true,
      },
    );
    const data = dataOf(await app.run(CONTRACT, { id: ctid(contract) }, admin()));
    const parties = [
      { role: 'SPONSOR', signedAt: signedAt.toISOString(), stakeholder: { id: gid(sponsor), name: 'Aster Pharma' }, contract: { id: ctid(contract) } },
      { role: 'RECIPIENT', signedAt: null, stakeholder: { id: gid(recipient), name: 'Breathe Europe' }, contract: { id: ctid(contract) } },
    ];
    expect(data.contract).toEqual({
      id: ctid(contract),
      title: 'Advisory fees 2025',
      kind: 'ADVISORY_BOARD',
      status: 'AWAITING_SIGNATURES',
      effectiveFrom: '2025-01-01',
      effectiveTo: '2025-12-31',
      fairMarketValueAssessed: false,
      conflictOfInterestDeclared: false,
      disclosable: true,
      version: 1,
      value: { amount: 1250000, currency: 'EUR' },
      redactedFields: [],
      partnership: { id: pid(partnership), title: 'Asthma panel' },
      // By party name.
      parties: parties.map((p) => ({ ...p, id: expect.any(String) })),
    });
  });

  it('is null for an unknown, malformed or foreign-type id', async () => {
    const org = await company();
    for (const id of [UNKNOWN_CONTRACT, 'nonsense', gid(org)]) {
      expect(dataOf(await app.run(CONTRACT, { id }, admin())).contract).toBeNull();
    }
  });

  it("shows the value to the parties' engagement managers, the patient party and ADMIN; a party's PARTNER gets null and redactedFields", async () => {
    const sponsor = await company();
    const recipient = await patientOrg();
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    const contract = await makeContract(app.db, [{ stakeholder: sponsor }, { stakeholder: recipient }, { stakeholder: patient }], {
      valueAmount: 500,
      valueCurrency: 'GBP',
    });
    const query = `query ($id: ID!) { contract(id: $id) { value { amount currency } redactedFields } }`;
    const visible = { value: { amount: 500, currency: 'GBP' }, redactedFields: [] };
    const hidden = { value: null, redactedFields: ['value'] };
    const cases = [
      [admin(), visible],
      [manager(sponsor), visible],
      [manager(recipient), visible],
      [viewerOf(Role.PATIENT, { patientId: patient.id }), visible],
      [viewerOf(Role.PARTNER, { orgId: sponsor.id }), hidden],
      [viewerOf(Role.PARTNER, { orgId: recipient.id }), hidden],
    ] as const;
    for (const [viewer, expected] of cases) {
      const result = await app.run(query, { id: ctid(contract) }, viewer);
      expect(result.errors).toBeUndefined();
      expect(result.data?.contract).toEqual(expected);
    }
  });

  it('answers UNAUTHENTICATED without a token and FORBIDDEN for an analyst', async () => {
    const contract = await makeContract(app.db, [{ stakeholder: await company() }, { stakeholder: await company() }]);
    expect(errorCodes(await app.run(CONTRACT, { id: ctid(contract) }, null))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await app.run(CONTRACT, { id: ctid(contract) }, viewerOf(Role.ANALYST)))).toEqual(['FORBIDDEN']);
  });
});

describe('who sees a contract', () => {
  const SEEN = `
    query ($id: ID!, $partyId: ID!) {
      contract(id: $id) { id }
      node(id: $id) { id }
      contracts(first: 10, filter: { partyId: $partyId }) { totalCount nodes { id } }
      stakeholder(id: $partyId) { contracts { id } }
    }`;

  it('only its parties and ADMIN: for anyone else it is null by id and node(id), and absent from contracts, totalCount and Stakeholder.contracts', async () => {
    const sponsor = await company();
    const party = await patient();
    const outsider = await company();
    const contract = await makeContract(app.db, [{ stakeholder: sponsor }, { stakeholder: party }]);
    const id = ctid(contract);
    const seen = { contract: { id }, node: { id }, contracts: { totalCount: 1, nodes: [{ id }] }, stakeholder: { contracts: [{ id }] } };
    const unseen = { contract: null, node: null, contracts: { totalCount: 0, nodes: [] }, stakeholder: { contracts: [] } };
    const cases = [
      ['ADMIN', admin(), seen],
      ["the sponsor's engagement manager", manager(sponsor), seen],
      ["the sponsor's partner", viewerOf(Role.PARTNER, { orgId: sponsor.id }), seen],
      ['the patient party', viewerOf(Role.PATIENT, { patientId: party.id }), seen],
      ["an outsider's engagement manager", manager(outsider), unseen],
      ["an outsider's partner", viewerOf(Role.PARTNER, { orgId: outsider.id }), unseen],
      ['another patient', viewerOf(Role.PATIENT, { patientId: (await patient()).id }), unseen],
    ] as const;
    for (const [who, viewer, expected] of cases) {
      const data = dataOf(await app.run(SEEN, { id, partyId: gid(sponsor) }, viewer));
      expect({ who, ...data }).toEqual({ who, ...expected });
    }
  });

  it('shows a party outside a MEMBERS-only partnership the contract, but its partnership as null', async () => {
    const [member, other, outside] = [await company(), await company(), await company()];
    const { partnership } = await makePartnership(app.db, [{ stakeholder: member }, { stakeholder: other }], { visibility: PartnershipVisibility.MEMBERS });
    const contract = await makeContract(app.db, [{ stakeholder: member }, { stakeholder: outside }], { partnershipId: partnership.id });
    const query = `query ($id: ID!) { contract(id: $id) { id partnership { id } } }`;
    expect(dataOf(await app.run(query, { id: ctid(contract) }, manager(member))).contract).toEqual({ id: ctid(contract), partnership: { id: pid(partnership) } });
    expect(dataOf(await app.run(query, { id: ctid(contract) }, manager(outside))).contract).toEqual({ id: ctid(contract), partnership: null });
  });

  it("lists and counts only the viewer's own contracts, whatever the filter, order or page", async () => {
    const mine = await company();
    const other = await company();
    const own = await makeContract(app.db, [{ stakeholder: mine }, { stakeholder: other }], { title: 'own', createdAt: at(1) });
    await makeContract(app.db, [{ stakeholder: other }, { stakeholder: await company() }], { title: 'not ours', createdAt: at(2) });
    const viewer = manager(mine);
    for (const variables of [{}, { filter: { partyId: gid(other) } }, { orderBy: { field: 'TITLE', direction: 'DESC' } }, { first: 1 }]) {
      const data = dataOf<ContractsData>(await app.run(CONTRACTS, variables, viewer));
      expect(data.contracts.totalCount).toBe(1);
      expect(data.contracts.edges.map((e) => e.node.id)).toEqual([ctid(own)]);
      expect(data.contracts.pageInfo.hasNextPage).toBe(false);
    }
    const ofOther = dataOf(await app.run(`query ($id: ID!) { stakeholder(id: $id) { contracts { title } } }`, { id: gid(other) }, viewer));
    expect(ofOther.stakeholder).toEqual({ contracts: [{ title: 'own' }] });
  });

  it("shows a patient party to an engagement manager without consent under an id of the organisation's own, which opens only for that organisation", async () => {
    const sponsor = await company();
    const recipient = await company();
    const party = await patient();
    const contract = await makeContract(app.db, [{ stakeholder: sponsor }, { stakeholder: recipient }, { stakeholder: party }]);
    const PARTIES = `query ($id: ID!) { contract(id: $id) { parties { stakeholder { id name } } } }`;
    // Without the patient's identity a viewer sees the neutral label as the patient's name, not the pseudonym.
    const patientIdFor = async (viewer: ReturnType<typeof viewerOf>, patientName = 'Patient partner'): Promise<string> => {
      const data = dataOf<{ contract: { parties: { stakeholder: { id: string; name: string } }[] } }>(await app.run(PARTIES, { id: ctid(contract) }, viewer));
      const parties = data.contract.parties.map((p) => p.stakeholder);
      // The organisations keep their global ids and names.
      expect(parties).toEqual(
        expect.arrayContaining([
          { id: gid(sponsor), name: sponsor.name },
          { id: gid(recipient), name: recipient.name },
          { id: expect.any(String), name: patientName },
        ]),
      );
      return parties.find((p) => p.name === patientName)?.id as string;
    };
    const forSponsor = await patientIdFor(manager(sponsor));
    const forRecipient = await patientIdFor(manager(recipient));
    expect(forSponsor).toMatch(/^rp_/);
    expect(forRecipient).toMatch(/^rp_/);
    expect(forSponsor).not.toBe(forRecipient);
    // Stable for the organisation: another of its users, on another request, sees the same id.
    expect(await patientIdFor(viewerOf(Role.PARTNER, { orgId: sponsor.id }))).toBe(forSponsor);
    // ADMIN and the patient themself see the real global id.
    expect(await patientIdFor(admin(), party.name)).toBe(gid(party));
    expect(await patientIdFor(viewerOf(Role.PATIENT, { patientId: party.id }), party.name)).toBe(gid(party));

    // The id opens in filters for the organisation it was shown to, and matches nothing for another one.
    const byParty = async (partyId: string, viewer: ReturnType<typeof viewerOf>) =>
      dataOf<ContractsData>(await app.run(CONTRACTS, { filter: { partyId } }, viewer)).contracts.edges.map((e) => e.node.id);
    expect(await byParty(forSponsor, manager(sponsor))).toEqual([ctid(contract)]);
    expect(await byParty(forSponsor, manager(recipient))).toEqual([]);
    expect(await byParty(forRecipient, manager(recipient))).toEqual([ctid(contract)]);

    // In mutations too: it names the patient, for whom an engagement manager may not sign; sealed for another organisation it names nobody.
    const sign = (partyId: string) => ({ input: { id: ctid(contract), version: 1, partyId } });
    expect(errorCodes(await app.run(SIGN, sign(forSponsor), manager(sponsor)))).toEqual(['FORBIDDEN']);
    const foreign = dataOf<SignData>(await app.run(SIGN, sign(forRecipient), manager(sponsor)));
    expect(errorsOf(foreign.signContract.userErrors)).toEqual([{ field: 'input.partyId', code: 'NOT_FOUND' }]);
    expect(await signatures(contract.id)).toEqual({ [sponsor.id]: false, [recipient.id]: false, [party.id]: false });

    // And as a party of a new contract: the row names the patient.
    const draft = (partyId: string) => ({
      input: {
        title: 'With a redacted patient',
        kind: 'CONSULTANCY',
        parties: [{ stakeholderId: gid(sponsor), role: 'SPONSOR' }, { stakeholderId: partyId, role: 'SERVICE_PROVIDER' }],
      },
    });
    const before = await count('contract');
    const refused = dataOf<DraftData>(await app.run(DRAFT, draft(forRecipient), manager(sponsor)));
    expect(errorsOf(refused.draftContract.userErrors)).toEqual([{ field: 'input.parties.1.stakeholderId', code: 'NOT_FOUND' }]);
    expect(await count('contract')).toBe(before);
    const drafted = dataOf<DraftData>(await app.run(DRAFT, draft(forSponsor), manager(sponsor)));
    expect(drafted.draftContract.userErrors).toEqual([]);
    expect(drafted.draftContract.contract?.parties).toEqual([
      { role: 'SPONSOR', signedAt: null, stakeholder: { id: gid(sponsor) } },
      { role: 'SERVICE_PROVIDER', signedAt: null, stakeholder: { id: forSponsor } },
    ]);
    const rows = (await app.db.query(
      `SELECT p.stakeholder_id FROM contract_party p JOIN contract c ON c.id = p.contract_id WHERE c.title = 'With a redacted patient' ORDER BY p.role`,
    )) as { stakeholder_id: string }[];
    expect(rows.map((r) => r.stakeholder_id)).toEqual([party.id, sponsor.id]);
  });
});

const CONTRACTS = `
  query ($first: Int, $after: String, $filter: ContractFilter, $orderBy: ContractOrder) {
    contracts(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      edges { cursor node { id title } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;
interface ContractsData {
  contracts: {
    totalCount: number;
    edges: { cursor: string; node: { id: string; title: string } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}
async function contractTitles(filter: Record<string, unknown>, orderBy: Record<string, unknown> = { field: 'TITLE', direction: 'ASC' }): Promise<string[]> {
  const data = dataOf<ContractsData>(await app.run(CONTRACTS, { filter, orderBy, first: 100 }, admin()));
  expect(data.contracts.totalCount).toBe(data.contracts.edges.length);
  return data.contracts.edges.map((e) => e.node.title);
}

describe('contracts', () => {
  it('filters by status, kind, party, partnership, disclosability and effective dates (overlap)', async () => {
    const a = await company();
    const b = await company();
    const c = await patientOrg();
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    const { partnership: other } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    const inP = { partnershipId: partnership.id };
    await makeContract(app.db, [{ stakeholder: a }, { stakeholder: b }], {
      ...inP, title: 'k1', status: ContractStatus.ACTIVE, kind: ContractKind.GRANT, disclosable: true, effectiveFrom: '2025-01-01', effectiveTo: '2025-06-30',
    });
    await makeContract(app.db, [{ stakeholder: a }, { stakeholder: c }], {
      ...inP, title: 'k2', status: ContractStatus.DRAFT, kind: ContractKind.SPEAKER, effectiveFrom: '2025-07-01',
    });
    await makeContract(app.db, [{ stakeholder: b }, { stakeholder: c }], {
      ...inP, title: 'k3', status: ContractStatus.TERMINATED, kind: ContractKind.GRANT, effectiveTo: '2024-12-31',
    });
    await makeContract(app.db, [{ stakeholder: a }, { stakeholder: b }], { partnershipId: other.id, title: 'k4', status: ContractStatus.ACTIVE });

    const p = pid(partnership);
    expect(await contractTitles({ partnershipId: p })).toEqual(['k1', 'k2', 'k3']);
    expect(await contractTitles({ partnershipId: pid(other) })).toEqual(['k4']);
    expect(await contractTitles({ partnershipId: p, statuses: ['ACTIVE', 'TERMINATED'] })).toEqual(['k1', 'k3']);
    expect(await contractTitles({ partnershipId: p, kinds: ['GRANT'] })).toEqual(['k1', 'k3']);
    expect(await contractTitles({ partyId: gid(c) })).toEqual(['k2', 'k3']);
    expect(await contractTitles({ partyId: gid(a), partnershipId: p })).toEqual(['k1', 'k2']);
    expect(await contractTitles({ partnershipId: p, disclosable: true })).toEqual(['k1']);
    expect(await contractTitles({ partnershipId: p, disclosable: false })).toEqual(['k2', 'k3']);
    // k1 runs Jan–Jun 2025, k2 from Jul 2025 open-ended, k3 open start until end of 2024.
    expect(await contractTitles({ partnershipId: p, effectiveFrom: '2025-06-30' })).toEqual(['k1', 'k2']);
    expect(await contractTitles({ partnershipId: p, effectiveFrom: '2025-07-01' })).toEqual(['k2']);
    expect(await contractTitles({ partnershipId: p, effectiveTo: '2024-12-31' })).toEqual(['k3']);
    expect(await contractTitles({ partnershipId: p, effectiveFrom: '2025-03-01', effectiveTo: '2025-03-31' })).toEqual(['k1']);
    expect(await contractTitles({ partnershipId: p, effectiveFrom: '2024-06-01', effectiveTo: '2030-01-01' })).toEqual(['k1', 'k2', 'k3']);
    // Ids that do not decode, or name another type, match nothing.
    expect(await contractTitles({ partyId: 'nonsense' })).toEqual([]);
    expect(await contractTitles({ partnershipId: gid(a) })).toEqual([]);
  });

  it('pages with cursors and counts over all pages, in every order', async () => {
    const a = await company();
    const b = await company();
    const { partnership } = await makePartnership(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    const spec = [
      ['delta', '2025-02-01'],
      ['alpha', null],
      ['charlie', '2025-01-01'],
      ['bravo', '2025-03-01'],
      ['echo', null],
    ] as const;
    for (const [i, [title, effectiveFrom]] of spec.entries()) {
      await makeContract(app.db, [{ stakeholder: a }, { stakeholder: b }], { partnershipId: partnership.id, title, effectiveFrom, createdAt: at(i) });
    }
    const filter = { partnershipId: pid(partnership) };
    const page1 = dataOf<ContractsData>(await app.run(CONTRACTS, { filter, first: 2, orderBy: { field: 'TITLE', direction: 'ASC' } }, admin()));
    expect(page1.contracts.totalCount).toBe(5);
    expect(page1.contracts.edges.map((e) => e.node.title)).toEqual(['alpha', 'bravo']);
    expect(page1.contracts.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: page1.contracts.edges[0].cursor,
      endCursor: page1.contracts.edges[1].cursor,
    });
    const page2 = dataOf<ContractsData>(
      await app.run(CONTRACTS, { filter, first: 2, after: page1.contracts.pageInfo.endCursor, orderBy: { field: 'TITLE', direction: 'ASC' } }, admin()),
    );
    expect(page2.contracts.edges.map((e) => e.node.title)).toEqual(['charlie', 'delta']);
    const page3 = dataOf<ContractsData>(
      await app.run(CONTRACTS, { filter, first: 2, after: page2.contracts.pageInfo.endCursor, orderBy: { field: 'TITLE', direction: 'ASC' } }, admin()),
    );
    expect(page3.contracts.edges.map((e) => e.node.title)).toEqual(['echo']);
    expect(page3.contracts.pageInfo.hasNextPage).toBe(false);
    expect(page3.contracts.totalCount).toBe(5);

    expect(await contractTitles(filter, { field: 'TITLE', direction: 'DESC' })).toEqual(['echo', 'delta', 'charlie', 'bravo', 'alpha']);
    // Default order: newest first.
    const byDefault = dataOf<ContractsData>(await app.run(CONTRACTS, { filter }, admin()));
    expect(byDefault.contracts.edges.map((e) => e.node.title)).toEqual(['echo', 'bravo', 'charlie', 'alpha', 'delta']);
    expect(await contractTitles(filter, { field: 'CREATED_AT', direction: 'ASC' })).toEqual(['delta', 'alpha', 'charlie', 'bravo', 'echo']);
    // Contracts without a start date sort after every dated one (among themselves by id); pages continue across them.
    const ascending = await contractTitles(filter, { field: 'EFFECTIVE_FROM', direction: 'ASC' });
    expect(ascending.slice(0, 3)).toEqual(['charlie', 'delta', 'bravo']);
    expect(ascending.slice(3).sort()).toEqual(['alpha', 'echo']);
    const dated = dataOf<ContractsData>(await app.run(CONTRACTS, { filter, first: 3, orderBy: { field: 'EFFECTIVE_FROM', direction: 'ASC' } }, admin()));
    const undated = dataOf<ContractsData>(
      await app.run(CONTRACTS, { filter, first: 3, after: dated.contracts.pageInfo.endCursor, orderBy: { field: 'EFFECTIVE_FROM', direction: 'ASC' } }, admin()),
    );
    expect(undated.contracts.edges.map((e) => e.node.title)).toEqual(ascending.slice(3));
    expect(await contractTitles(filter, { field: 'EFFECTIVE_FROM', direction: 'DESC' })).toEqual([...ascending].reverse());
  });

  it('refuses a cursor that is not one and a page size over 100', async () => {
    expect(errorCodes(await app.run(CONTRACTS, { after: 'garbage' }, admin()))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await app.run(CONTRACTS, { first: 101 }, admin()))).toEqual(['BAD_USER_INPUT']);
  });

  it('costs the same number of statements for 2 or 10 contracts with parties, stakeholders, partnerships and values', async () => {
    const query = `
      query ($filter: ContractFilter) {
        contracts(first: 50, filter: $filter) {
          nodes { id value { amount } redactedFields partnership { id } parties { role stakeholder { id name } contract { id } } }
        }
      }`;
    const run = async (n: number) => {
      const sponsor = await company();
      const { partnership } = await makePartnership(app.db, [{ stakeholder: sponsor }]);
      for (let i = 0; i < n; i++) {
        await makeContract(app.db, [{ stakeholder: sponsor }, { stakeholder: await patientOrg() }], {
          partnershipId: partnership.id,
          valueAmount: 100 * i,
          valueCurrency: 'EUR',
        });
      }
      // A non-admin viewer: the value's field policy reads the parties too.
      const { result, statements } = await app.runCounted<{ contracts: { nodes: unknown[] } }>(query, { filter: { partnershipId: pid(partnership) } }, manager(sponsor));
      expect(dataOf(result).contracts.nodes).toHaveLength(n);
      return statements.length;
    };
    expect(await run(10)).toBe(await run(2));
  });
});

const STAKEHOLDER_CONTRACTS = `
  query ($id: ID!) {
    stakeholder(id: $id) {
      all: contracts { title }
      live: contracts(statuses: [ACTIVE, AWAITING_SIGNATURES]) { title }
      ended: contracts(statuses: [TERMINATED]) { title }
    }
  }`;

describe('Stakeholder.contracts', () => {
  it("lists the contracts a stakeholder is a party of, newest first, with each alias's own status filter", async () => {
    const org = await company();
    const other = await company();
    await makeContract(app.db, [{ stakeholder: org }, { stakeholder: other }], { title: 'first', status: ContractStatus.ACTIVE, createdAt: at(0) });
    await makeContract(app.db, [{ stakeholder: other }, { stakeholder: org }], { title: 'second', status: ContractStatus.TERMINATED, createdAt: at(1) });
    await makeContract(app.db, [{ stakeholder: org }, { stakeholder: other }], { title: 'third', status: ContractStatus.AWAITING_SIGNATURES, createdAt: at(2) });
    await makeContract(app.db, [{ stakeholder: other }, { stakeholder: await company() }], { title: 'not a party' });
    const data = dataOf(await app.run(STAKEHOLDER_CONTRACTS, { id: gid(org) }, admin()));
    expect(data.stakeholder).toEqual({
      all: [{ title: 'third' }, { title: 'second' }, { title: 'first' }],
      live: [{ title: 'third' }, { title: 'first' }],
      ended: [{ title: 'second' }],
    });
    const none = dataOf(await app.run(STAKEHOLDER_CONTRACTS, { id: gid(await company()) }, admin()));
    expect(none.stakeholder).toEqual({ all: [], live: [], ended: [] });
  });

  it('costs the same number of statements for 2 or 10 stakeholders', async () => {
    const query = `
      query ($tag: String!) {
        stakeholders(first: 50, filter: { tags: [$tag] }) {
          nodes { id contracts { id value { amount } parties { stakeholder { id } } } live: contracts(statuses: [ACTIVE]) { id } }
        }
      }`;
    const run = async (n: number) => {
      const tag = `contracts-${n}`;
      const hub = await company();
      for (let i = 0; i < n; i++) {
        const org = await company({ tags: [tag] });
        await makeContract(app.db, [{ stakeholder: org }, { stakeholder: hub }], { status: ContractStatus.ACTIVE });
        await makeContract(app.db, [{ stakeholder: hub }, { stakeholder: org }]);
      }
      // A party's engagement manager: the visibility predicates and the value's field policy run.
      const { result, statements } = await app.runCounted<{ stakeholders: { nodes: { contracts: unknown[]; live: unknown[] }[] } }>(query, { tag }, manager(hub));
      const nodes = dataOf(result).stakeholders.nodes;
      expect(nodes).toHaveLength(n);
      for (const node of nodes) {
        expect(node.contracts).toHaveLength(2);
        expect(node.live).toHaveLength(1);
      }
      return statements.length;
    };
    expect(await run(10)).toBe(await run(2));
  });
});

const DRAFT = `
  mutation ($input: DraftContractInput!) {
    draftContract(input: $input) {
      contract {
        id title kind status version effectiveFrom effectiveTo fairMarketValueAssessed conflictOfInterestDeclared disclosable
        value { amount currency }
        partnership { id }
        parties { role signedAt stakeholder { id } }
      }
      userErrors { field message code }
    }
  }`;
interface DraftData {
  draftContract: { contract: { id: string; [field: string]: unknown } | null; userErrors: { field: string | null; message: string; code: string }[] };
}

describe('draftContract', () => {
  it("drafts a contract for an engagement manager of a party, with value and parties", async () => {
    const sponsor = await company({ name: 'Aardvark Bio' });
    const recipient = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: 'Zebra Alliance' });
    const { partnership } = await makePartnership(app.db, [{ stakeholder: sponsor }]);
    const input = {
      title: '  Speaker fees  ',
      kind: 'SPEAKER',
      partnershipId: pid(partnership),
      effectiveFrom: '2025-01-01',
      effectiveTo: '2025-12-31',
      value: { amount: 250000, currency: 'EUR' },
      fairMarketValueAssessed: true,
      disclosable: true,
      parties: [
        { stakeholderId: gid(sponsor), role: 'SPONSOR' },
        { stakeholderId: gid(recipient), role: 'RECIPIENT' },
      ],
    };
    const data = dataOf<DraftData>(await app.run(DRAFT, { input }, manager(sponsor)));
    expect(data.draftContract.userErrors).toEqual([]);
    expect(data.draftContract.contract).toEqual({
      id: expect.any(String),
      title: 'Speaker fees',
      kind: 'SPEAKER',
      status: 'DRAFT',
      version: 1,
      effectiveFrom: '2025-01-01',
      effectiveTo: '2025-12-31',
      fairMarketValueAssessed: true,
      conflictOfInterestDeclared: false,
      disclosable: true,
      value: { amount: 250000, currency: 'EUR' },
      partnership: { id: pid(partnership) },
      parties: [
        { role: 'SPONSOR', signedAt: null, stakeholder: { id: gid(sponsor) } },
        { role: 'RECIPIENT', signedAt: null, stakeholder: { id: gid(recipient) } },
      ],
    });
    const [row] = (await app.db.query(
      `SELECT c.title, c.value_amount, c.value_currency, count(p.id)::int AS parties
         FROM contract c JOIN contract_party p ON p.contract_id = c.id WHERE c.title = 'Speaker fees' GROUP BY c.id`,
    )) as Record<string, unknown>[];
    expect(row).toEqual({ title: 'Speaker fees', value_amount: 250000, value_currency: 'EUR', parties: 2 });
  });

  it('accepts the largest amount and refuses one above it, so report sums stay exact', async () => {
    const parties = [
      { stakeholderId: gid(await company()), role: 'SPONSOR' },
      { stakeholderId: gid(await company()), role: 'RECIPIENT' },
    ];
    const largest = dataOf<DraftData>(await app.run(DRAFT, { input: { title: 'Largest', kind: 'GRANT', parties, value: { amount: MAX_CONTRACT_AMOUNT, currency: 'EUR' } } }, admin()));
    expect(largest.draftContract.contract?.value).toEqual({ amount: 1_000_000_000_000, currency: 'EUR' });
    const before = await count('contract');
    const over = await app.run(DRAFT, { input: { title: 'Over', kind: 'GRANT', parties, value: { amount: MAX_CONTRACT_AMOUNT + 1, currency: 'EUR' } } }, admin());
    expect(errorCodes(over)).toEqual(['BAD_USER_INPUT']);
    expect(await count('contract')).toBe(before);
  });

  it('refuses invalid input before running: one party, a negative amount, an unknown currency', async () => {
    const a = await company();
    const b = await company();
    const parties = [
      { stakeholderId: gid(a), role: 'SPONSOR' },
      { stakeholderId: gid(b), role: 'RECIPIENT' },
    ];
    const before = await count('contract');
    const bad = [
      { title: 'x', kind: 'GRANT', parties: parties.slice(0, 1) },
      { title: 'x', kind: 'GRANT', parties, value: { amount: -1, currency: 'EUR' } },
      { title: 'x', kind: 'GRANT', parties, value: { amount: 1, currency: 'XYZ' } },
      { title: '', kind: 'GRANT', parties },
    ];
    for (const input of bad) {
      const result = await app.run(DRAFT, { input }, admin());
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    }
    expect(await count('contract')).toBe(before);
  });

  it('returns userErrors for bad references and rules, and writes nothing', async () => {
    const a = await company();
    const b = await company();
    const archived = await company({ archivedAt: new Date() });
    const party = (s: Stakeholder | string, role = 'PARTNER') => ({ stakeholderId: typeof s === 'string' ? s : gid(s), role });
    const before = [await count('contract'), await count('contract_party')];
    const cases: [Record<string, unknown>, { field: string; code: string }[]][] = [
      [{ parties: [party(a), party(a)] }, [{ field: 'input.parties', code: 'BAD_USER_INPUT' }]],
      [{ parties: [party(a), party(toGlobalId('Stakeholder', '00000000-0000-0000-0000-000000000000'))] }, [{ field: 'input.parties.1.stakeholderId', code: 'NOT_FOUND' }]],
      [{ parties: [party('nonsense'), party(b)] }, [{ field: 'input.parties.0.stakeholderId', code: 'NOT_FOUND' }]],
      [{ parties: [party(a), party(archived)] }, [{ field: 'input.parties.1.stakeholderId', code: 'BAD_USER_INPUT' }]],
      [{ partnershipId: toGlobalId('Partnership', '00000000-0000-0000-0000-000000000000') }, [{ field: 'input.partnershipId', code: 'NOT_FOUND' }]],
      [{ effectiveFrom: '2025-02-01', effectiveTo: '2025-01-31' }, [{ field: 'input.effectiveTo', code: 'BAD_USER_INPUT' }]],
      [{ title: '   ' }, [{ field: 'input.title', code: 'BAD_USER_INPUT' }]],
    ];
    for (const [overrides, expected] of cases) {
      const input = { title: 'Consultancy', kind: 'CONSULTANCY', parties: [party(a), party(b)], ...overrides };
      const data = dataOf<DraftData>(await app.run(DRAFT, { input }, admin()));
      expect(data.draftContract.contract).toBeNull();
      expect(data.draftContract.userErrors.map(({ field, code }) => ({ field, code }))).toEqual(expected);
    }
    expect([await count('contract'), await count('contract_party')]).toEqual(before);
  });

  it('is NOT_FOUND for a partnership the viewer may not see, exactly as for an unknown one; its members may draft in it', async () => {
    const a = await company();
    const b = await company();
    const lead = await company();
    const { partnership } = await makePartnership(app.db, [{ stakeholder: lead }, { stakeholder: b }], { visibility: PartnershipVisibility.MEMBERS });
    const input = (partnershipId: string) => ({
      title: 'In a closed partnership',
      kind: 'GRANT',
      partnershipId,
      parties: [{ stakeholderId: gid(a), role: 'SPONSOR' }, { stakeholderId: gid(b), role: 'RECIPIENT' }],
    });
    const before = [await count('contract'), await count('contract_party')];
    const hidden = dataOf<DraftData>(await app.run(DRAFT, { input: input(pid(partnership)) }, manager(a)));
    const unknown = dataOf<DraftData>(await app.run(DRAFT, { input: input(UNKNOWN_PARTNERSHIP) }, manager(a)));
    expect(hidden).toEqual(unknown);
    expect(hidden.draftContract).toEqual({ contract: null, userErrors: [{ field: 'input.partnershipId', code: 'NOT_FOUND', message: 'No such partnership.' }] });
    expect([await count('contract'), await count('contract_party')]).toEqual(before);

    const byMember = dataOf<DraftData>(await app.run(DRAFT, { input: input(pid(partnership)) }, manager(b)));
    expect(byMember.draftContract.userErrors).toEqual([]);
    expect(byMember.draftContract.contract?.partnership).toEqual({ id: pid(partnership) });
  });

  it("is FORBIDDEN for an engagement manager whose organisation is not a party, and for a partner; nothing is written", async () => {
    const a = await company();
    const b = await company();
    const outsider = await company();
    const input = { title: 'Consultancy', kind: 'CONSULTANCY', parties: [{ stakeholderId: gid(a), role: 'SPONSOR' }, { stakeholderId: gid(b), role: 'RECIPIENT' }] };
    const before = await count('contract');
    expect(errorCodes(await app.run(DRAFT, { input }, manager(outsider)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(DRAFT, { input }, viewerOf(Role.PARTNER, { orgId: a.id })))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(DRAFT, { input }, viewerOf(Role.PATIENT, { patientId: a.id })))).toEqual(['FORBIDDEN']);
    expect(await count('contract')).toBe(before);
  });

  it('replays an idempotent draft and refuses the same key with another input', async () => {
    const a = await company();
    const b = await company();
    const viewer = manager(a);
    const input = {
      title: 'Grant',
      kind: 'GRANT',
      parties: [{ stakeholderId: gid(a), role: 'SPONSOR' }, { stakeholderId: gid(b), role: 'RECIPIENT' }],
      idempotencyKey: 'draft-grant-1',
    };
    const first = dataOf<DraftData>(await app.run(DRAFT, { input }, viewer));
    const before = await count('contract');
    const again = dataOf<DraftData>(await app.run(DRAFT, { input }, viewer));
    expect(again.draftContract).toEqual(first.draftContract);
    expect(again.draftContract.contract?.id).toEqual(expect.any(String));
    expect(await count('contract')).toBe(before);
    const other = dataOf<DraftData>(await app.run(DRAFT, { input: { ...input, title: 'Another grant' } }, viewer));
    expect(other.draftContract).toEqual({ contract: null, userErrors: [{ field: 'input.idempotencyKey', code: 'CONFLICT', message: expect.any(String) }] });
    expect(await count('contract')).toBe(before);
  });
});

const SIGN = `
  mutation ($input: SignContractInput!) {
    signContract(input: $input) {
      contract { id status version parties { signedAt stakeholder { id } } }
      userErrors { field message code }
    }
  }`;
interface SignData {
  signContract: {
    contract: { id: string; status: string; version: number; parties: { signedAt: string | null; stakeholder: { id: string } }[] } | null;
    userErrors: { field: string | null; message: string; code: string }[];
  };
}
const errorsOf = (errors: { field: string | null; code: string }[]) => errors.map(({ field, code }) => ({ field, code }));

describe('signContract', () => {
  it('awaits signatures after the first and is ACTIVE once every party signed', async () => {
    const org = await company({ name: 'A org' });
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, { pseudonym: 'zz-signing-patient' });
    const contract = await makeContract(app.db, [{ stakeholder: org }, { stakeholder: patient }]);

    const first = dataOf<SignData>(await app.run(SIGN, { input: { id: ctid(contract), version: 1, partyId: gid(org) } }, manager(org)));
    expect(first.signContract.userErrors).toEqual([]);
    expect(first.signContract.contract).toMatchObject({ status: 'AWAITING_SIGNATURES', version: 2 });
    // The manager holds no consent of the patient: the patient party shows under an id of the organisation's own.
    expect(first.signContract.contract?.parties).toEqual([
      { signedAt: expect.any(String), stakeholder: { id: gid(org) } },
      { signedAt: null, stakeholder: { id: expect.stringMatching(/^rp_/) } },
    ]);
    expect(JSON.stringify(first)).not.toContain(gid(patient));

    const patientViewer = viewerOf(Role.PATIENT, { patientId: patient.id });
    const second = dataOf<SignData>(await app.run(SIGN, { input: { id: ctid(contract), version: 2, partyId: gid(patient) } }, patientViewer));
    expect(second.signContract.userErrors).toEqual([]);
    expect(second.signContract.contract).toMatchObject({ status: 'ACTIVE', version: 3 });
    expect(await signatures(contract.id)).toEqual({ [org.id]: true, [patient.id]: true });
  });

  it('refuses a second signature of one party, a non-party, and an ended contract, changing nothing', async () => {
    const a = await company();
    const b = await company();
    const outsider = await company();
    const contract = await makeContract(app.db, [{ stakeholder: a, signedAt: new Date() }, { stakeholder: b }], { status: ContractStatus.AWAITING_SIGNATURES });
    const twice = dataOf<SignData>(await app.run(SIGN, { input: { id: ctid(contract), version: 1, partyId: gid(a) } }, admin()));
    expect(twice.signContract.contract).toBeNull();
    expect(errorsOf(twice.signContract.userErrors)).toEqual([{ field: 'input.partyId', code: 'BAD_USER_INPUT' }]);
    const stranger = dataOf<SignData>(await app.run(SIGN, { input: { id: ctid(contract), version: 1, partyId: gid(outsider) } }, admin()));
    expect(errorsOf(stranger.signContract.userErrors)).toEqual([{ field: 'input.partyId', code: 'NOT_FOUND' }]);
    expect(await contractRow(contract.id)).toMatchObject({ status: 'AWAITING_SIGNATURES', version: 1 });

    for (const status of [ContractStatus.TERMINATED, ContractStatus.EXPIRED, ContractStatus.ACTIVE]) {
      const ended = await makeContract(app.db, [{ stakeholder: a }, { stakeholder: b }], { status });
      const data = dataOf<SignData>(await app.run(SIGN, { input: { id: ctid(ended), version: 1, partyId: gid(b) } }, admin()));
      expect(errorsOf(data.signContract.userErrors)).toEqual([{ field: 'input.id', code: 'BAD_USER_INPUT' }]);
      expect(await signatures(ended.id)).toEqual({ [a.id]: false, [b.id]: false });
    }
  });

  it('is NOT_FOUND for an unknown contract or an undecodable party id', async () => {
    const a = await company();
    const unknown = dataOf<SignData>(await app.run(SIGN, { input: { id: UNKNOWN_CONTRACT, version: 1, partyId: gid(a) } }, admin()));
    expect(errorsOf(unknown.signContract.userErrors)).toEqual([{ field: 'input.id', code: 'NOT_FOUND' }]);
    const contract = await makeContract(app.db, [{ stakeholder: a }, { stakeholder: await company() }]);
    const badParty = dataOf<SignData>(await app.run(SIGN, { input: { id: ctid(contract), version: 1, partyId: 'nonsense' } }, admin()));
    expect(errorsOf(badParty.signContract.userErrors)).toEqual([{ field: 'input.partyId', code: 'NOT_FOUND' }]);
  });

  it('is NOT_FOUND, exactly as an unknown id, for a contract the viewer is not a party of; nothing changes', async () => {
    const a = await company();
    const b = await company();
    const contract = await makeContract(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    const outsider = await company();
    const stranger = await patient();
    const cases = [
      [manager(outsider), outsider],
      [viewerOf(Role.PATIENT, { patientId: stranger.id }), stranger],
    ] as const;
    for (const [viewer, self] of cases) {
      const hidden = dataOf<SignData>(await app.run(SIGN, { input: { id: ctid(contract), version: 1, partyId: gid(self) } }, viewer));
      const unknown = dataOf<SignData>(await app.run(SIGN, { input: { id: UNKNOWN_CONTRACT, version: 1, partyId: gid(self) } }, viewer));
      expect(hidden).toEqual(unknown);
      expect(hidden.signContract).toEqual({ contract: null, userErrors: [{ field: 'input.id', code: 'NOT_FOUND', message: 'No such contract.' }] });
    }
    expect(await signatures(contract.id)).toEqual({ [a.id]: false, [b.id]: false });
    expect(await contractRow(contract.id)).toMatchObject({ status: 'DRAFT', version: 1 });
  });

  it('answers CONFLICT on a stale version and keeps no signature', async () => {
    const a = await company();
    const b = await company();
    const contract = await makeContract(app.db, [{ stakeholder: a }, { stakeholder: b }]);
    await app.db.query('UPDATE contract SET version = 2 WHERE id = $1', [contract.id]);
    const data = dataOf<SignData>(await app.run(SIGN, { input: { id: ctid(contract), version: 1, partyId: gid(a) } }, manager(a)));
    expect(data.signContract.contract).toBeNull();
    expect(errorsOf(data.signContract.userErrors)).toEqual([{ field: 'input.version', code: 'CONFLICT' }]);
    expect(await signatures(contract.id)).toEqual({ [a.id]: false, [b.id]: false });
    expect(await contractRow(contract.id)).toMatchObject({ status: 'DRAFT', version: 2 });
  });

  it('lets an engagement manager sign only for their organisation and a patient only for themself', async () => {
    const a = await company();
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    const contract = await makeContract(app.db, [{ stakeholder: a }, { stakeholder: patient }]);
    const input = (party: Stakeholder) => ({ input: { id: ctid(contract), version: 1, partyId: gid(party) } });
    // The engagement manager names the patient by the id it is shown (the real id would be NOT_FOUND for it).
    const managerOfA = manager(a);
    const patientForA = { input: { id: ctid(contract), version: 1, partyId: redactedPatientId(managerOfA, patient.id) } };
    expect(errorCodes(await app.run(SIGN, patientForA, managerOfA))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(SIGN, input(a), viewerOf(Role.PATIENT, { patientId: patient.id })))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await app.run(SIGN, input(a), viewerOf(Role.PARTNER, { orgId: a.id })))).toEqual(['FORBIDDEN']);
    expect(await signatures(contract.id)).toEqual({ [a.id]: false, [patient.id]: false });
    expect(await contractRow(contract.id)).toMatchObject({ status: 'DRAFT', version: 1 });
  });
});

const TERMINATE = `
  mutation ($input: TerminateContractInput!) {
    terminateContract(input: $input) {
      contract { id status version terminatedAt terminationReason }
      userErrors { field message code }
    }
  }`;
interface TerminateData {
  terminateContract: { contract: Record<string, unknown> | null; userErrors: { field: string | null; message: string; code: string }[] };
}

describe('terminateContract', () => {
  it('terminates an ACTIVE contract, and one awaiting signatures, with the reason', async () => {
    const a = await company();
    const b = await company();
    for (const status of [ContractStatus.ACTIVE, ContractStatus.AWAITING_SIGNATURES]) {
      const contract = await makeContract(app.db, [{ stakeholder: a }, { stakeholder: b }], { status });
      const data = dataOf<TerminateData>(await app.run(TERMINATE, { input: { id: ctid(contract), version: 1, reason: ' Study stopped ' } }, manager(b)));
      expect(data.terminateContract).toEqual({
        contract: { id: ctid(contract), status: 'TERMINATED', version: 2, terminatedAt: expect.any(String), terminationReason: 'Study stopped' },
        userErrors: [],
      });
      expect(await contractRow(contract.id)).toMatchObject({ status: 'TERMINATED', termination_reason: 'Study stopped', terminated_at: expect.any(Date) });
    }
  });

  it('refuses a DRAFT, a TERMINATED and an EXPIRED contract', async () => {
    const a = await company();
    const b = await company();
    for (const status of [ContractStatus.DRAFT, ContractStatus.TERMINATED, ContractStatus.EXPIRED]) {
      const contract = await makeContract(app.db, [{ stakeholder: a }, { stakeholder: b }], { status });
      const data = dataOf<TerminateData>(await app.run(TERMINATE, { input: { id: ctid(contract), version: 1, reason: 'no' } }, admin()));
      expect(data.terminateContract.contract).toBeNull();
      expect(errorsOf(data.terminateContract.userErrors)).toEqual([{ field: 'input.id', code: 'BAD_USER_INPUT' }]);
      expect(await contractRow(contract.id)).toMatchObject({ status, version: 1, terminated_at: null });
    }
  });

  it('answers CONFLICT on a stale version, NOT_FOUND for an unknown id, BAD_USER_INPUT for a blank reason', async () => {
    const a = await company();
    const contract = await makeContract(app.db, [{ stakeholder: a }, { stakeholder: await company() }], { status: ContractStatus.ACTIVE });
    await app.db.query('UPDATE contract SET version = 3 WHERE id = $1', [contract.id]);
    const stale = dataOf<TerminateData>(await app.run(TERMINATE, { input: { id: ctid(contract), version: 2, reason: 'late' } }, admin()));
    expect(errorsOf(stale.terminateContract.userErrors)).toEqual([{ field: 'input.version', code: 'CONFLICT' }]);
    expect(await contractRow(contract.id)).toMatchObject({ status: 'ACTIVE', version: 3, terminated_at: null });
    const unknown = dataOf<TerminateData>(await app.run(TERMINATE, { input: { id: UNKNOWN_CONTRACT, version: 1, reason: 'x' } }, admin()));
    expect(errorsOf(unknown.terminateContract.userErrors)).toEqual([{ field: 'input.id', code: 'NOT_FOUND' }]);
    const blank = dataOf<TerminateData>(await app.run(TERMINATE, { input: { id: ctid(contract), version: 3, reason: '   ' } }, admin()));
    expect(errorsOf(blank.terminateContract.userErrors)).toEqual([{ field: 'input.reason', code: 'BAD_USER_INPUT' }]);
    expect(errorCodes(await app.run(TERMINATE, { input: { id: ctid(contract), version: 3, reason: '' } }, admin()))).toEqual(['BAD_USER_INPUT']);
    expect(await contractRow(contract.id)).toMatchObject({ status: 'ACTIVE', version: 3 });
  });

  it('is NOT_FOUND, exactly as an unknown id, for an engagement manager of a non-party; FORBIDDEN for a patient party; nothing changes', async () => {
    const a = await company();
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT);
    const contract = await makeContract(app.db, [{ stakeholder: a }, { stakeholder: patient }], { status: ContractStatus.ACTIVE });
    const outsider = manager(await company());
    const hidden = dataOf<TerminateData>(await app.run(TERMINATE, { input: { id: ctid(contract), version: 1, reason: 'x' } }, outsider));
    const unknown = dataOf<TerminateData>(await app.run(TERMINATE, { input: { id: UNKNOWN_CONTRACT, version: 1, reason: 'x' } }, outsider));
    expect(hidden).toEqual(unknown);
    expect(hidden.terminateContract).toEqual({ contract: null, userErrors: [{ field: 'input.id', code: 'NOT_FOUND', message: 'No such contract.' }] });
    const input = { input: { id: ctid(contract), version: 1, reason: 'x' } };
    expect(errorCodes(await app.run(TERMINATE, input, viewerOf(Role.PATIENT, { patientId: patient.id })))).toEqual(['FORBIDDEN']);
    expect(await contractRow(contract.id)).toMatchObject({ status: 'ACTIVE', version: 1, terminated_at: null });
  });
});
