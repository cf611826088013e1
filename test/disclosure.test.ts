import { Role } from '../src/access/viewer';
import { type Contract, ContractKind, ContractPartyRole, ContractStatus } from '../src/modules/contract/contract.entity';
import { perturbation } from '../src/modules/metrics/perturbation';
import { StakeholderKind, type Stakeholder } from '../src/modules/stakeholder/stakeholder.entity';
import { admin, createTestApp, dataOf, errorCodes, viewerOf, type TestApp } from './support/app';
import { makeContract } from './support/contract.factories';
import { gid, makeStakeholder } from './support/factories';

let app: TestApp;
const analyst = () => viewerOf(Role.ANALYST);
const manager = (org: Stakeholder) => viewerOf(Role.ENGAGEMENT_MANAGER, { orgId: org.id });

/**
 * The hand-built world (2025 is the reported year):
 * - companies Acme (DE) and Beta (FR); patient organisations `Lung "Air", e.V.` (DE) and Zeta
 *   Patients (FR); Research Inst (NL); 4 patients paid by Acme, 5 by Beta.
 * - Acme, disclosable and ACTIVE/TERMINATED/EXPIRED, in 2025: to Lung a GRANT of 1000.00 EUR
 *   (effective 1 Jan), a SPONSORSHIP of 250.50 EUR (effective 31 Dec, EXPIRED), a CONSULTANCY of
 *   100.00 EUR (TERMINATED), a SPEAKER fee of 50.00 USD; an ADVISORY_BOARD of 30.00 EUR shared by
 *   Research and Zeta; a DATA_SHARING of 4.00 EUR to Zeta without effective date (created in
 *   2025); a COLLABORATION of 70.00 EUR and a SPEAKER fee of 50000 JPY to Research; a CONSULTANCY
 *   of 20.00 EUR to each of its 4 patients.
 * - Left out: a non-disclosable GRANT, a DRAFT and an AWAITING_SIGNATURES GRANT, GRANTs effective
 *   31 Dec 2024 and 1 Jan 2026, a GRANT without value, a GRANT created in 2025 but effective 2026,
 *   and a GRANT sponsored by Research (not a company).
 * - Beta in 2025: a GRANT of 500.00 EUR to Zeta; one SPEAKER contract of 50.03 EUR shared by its
 *   5 patients.
 */
let acme: Stakeholder;
let beta: Stakeholder;
let lung: Stakeholder;
let zeta: Stakeholder;
let research: Stakeholder;
let betaPatients: Stakeholder[];

beforeAll(async () => {
  app = await createTestApp();
  acme = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'Acme', country: 'DE' });
  beta = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'Beta', country: 'FR' });
  lung = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: 'Lung "Air", e.V.', country: 'DE' });
  zeta = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: 'Zeta Patients', country: 'FR' });
  research = await makeStakeholder(app.db, StakeholderKind.RESEARCH_ORGANISATION, { name: 'Research Inst', country: 'NL' });

  const paid = (kind: ContractKind, amount: number | null, fields: Partial<Contract> = {}): Partial<Contract> => ({
    kind,
    status: ContractStatus.ACTIVE,
    disclosable: true,
    valueAmount: amount,
    valueCurrency: amount === null ? null : 'EUR',
    effectiveFrom: '2025-06-01',
    ...fields,
  });
  const from = (sponsor: Stakeholder, ...recipients: Stakeholder[]) => [{ stakeholder: sponsor }, ...recipients.map((stakeholder) => ({ stakeholder }))];

  await makeContract(app.db, from(acme, lung), paid(ContractKind.GRANT, 100000, { effectiveFrom: '2025-01-01' }));
  await makeContract(app.db, from(acme, lung), paid(ContractKind.SPONSORSHIP, 25050, { effectiveFrom: '2025-12-31', status: ContractStatus.EXPIRED }));
  await makeContract(app.db, from(acme, lung), paid(ContractKind.CONSULTANCY, 10000, { status: ContractStatus.TERMINATED }));
  await makeContract(app.db, from(acme, lung), paid(ContractKind.SPEAKER, 5000, { valueCurrency: 'USD' }));
  await makeContract(app.db, from(acme, research, zeta), paid(ContractKind.ADVISORY_BOARD, 3000));
  const undated = await makeContract(app.db, from(acme, zeta), paid(ContractKind.DATA_SHARING, 400, { effectiveFrom: null }));
  await app.db.query(`UPDATE contract SET created_at = '2025-03-01T00:00:00Z' WHERE id = $1`, [undated.id]);
  await makeContract(app.db, from(acme, research), paid(ContractKind.COLLABORATION, 7000));
  await makeContract(app.db, from(acme, research), paid(ContractKind.SPEAKER, 50000, { valueCurrency: 'JPY' }));
  for (let i = 0; i < 4; i++) {
    const patient = await makeStakeholder(app.db, StakeholderKind.PATIENT, { country: 'DE' });
    await makeContract(app.db, [{ stakeholder: acme }, { stakeholder: patient, role: ContractPartyRole.SERVICE_PROVIDER }], paid(ContractKind.CONSULTANCY, 2000));
  }

  await makeContract(app.db, from(acme, lung), paid(ContractKind.GRANT, 999999, { disclosable: false }));
  await makeContract(app.db, from(acme, lung), paid(ContractKind.GRANT, 999999, { status: ContractStatus.DRAFT }));
  await makeContract(app.db, from(acme, lung), paid(ContractKind.GRANT, 999999, { status: ContractStatus.AWAITING_SIGNATURES }));
  await makeContract(app.db, from(acme, lung), paid(ContractKind.GRANT, 999999, { effectiveFrom: '2024-12-31' }));
  await makeContract(app.db, from(acme, lung), paid(ContractKind.GRANT, 999999, { effectiveFrom: '2026-01-01' }));
  await makeContract(app.db, from(acme, lung), paid(ContractKind.GRANT, null));
  const late = await makeContract(app.db, from(acme, lung), paid(ContractKind.GRANT, 999999, { effectiveFrom: '2026-02-01' }));
  await app.db.query(`UPDATE contract SET created_at = '2025-03-01T00:00:00Z' WHERE id = $1`, [late.id]);
  await makeContract(app.db, from(research, lung), paid(ContractKind.GRANT, 999999));

  await makeContract(app.db, from(beta, zeta), paid(ContractKind.GRANT, 50000));
  betaPatients = [];
  for (let i = 0; i < 5; i++) betaPatients.push(await makeStakeholder(app.db, StakeholderKind.PATIENT, { country: 'FR' }));
  await makeContract(app.db, from(beta, ...betaPatients), paid(ContractKind.SPEAKER, 5003));
});

afterAll(() => app.close());

const QUERY = `query ($year: Int!, $companyId: ID) { metrics { transferOfValue(year: $year, companyId: $companyId) {
  companyId companyName companyCountry year
  patientOrganisations { ...line } otherRecipients { ...line } patients { ...line }
} } }
fragment line on TransferOfValueLine {
  group recipientId name country recipients { value suppressed } currency
  donationsAndGrants sponsorship feesForServiceAndConsultancy other total suppressed
}`;
const CSV = `query ($year: Int!, $companyId: ID) { metrics { transferOfValueCsv(year: $year, companyId: $companyId) } }`;

interface Line {
  group: string;
  recipientId: string | null;
  name: string | null;
  country: string | null;
  recipients: { value: number | null; suppressed: boolean };
  currency: string;
  donationsAndGrants: number | null;
  sponsorship: number | null;
  feesForServiceAndConsultancy: number | null;
  other: number | null;
  total: number | null;
  suppressed: boolean;
}
interface Report {
  companyId: string;
  companyName: string;
  companyCountry: string | null;
  year: number;
  patientOrganisations: Line[];
  otherRecipients: Line[];
  patients: Line[];
}

async function reports(viewer: ReturnType<typeof admin>, year = 2025, companyId?: string): Promise<Report[]> {
  const result = await app.run<{ metrics: { transferOfValue: Report[] } }>(QUERY, { year, companyId }, viewer);
  return dataOf(result).metrics.transferOfValue;
}

const named = (group: string, s: Stakeholder, name: string, country: string, currency: string, amounts: number[]): Line => {
  const [donationsAndGrants, sponsorship, feesForServiceAndConsultancy, other] = amounts;
  return {
    group,
    recipientId: gid(s),
    name,
    country,
    recipients: { value: 1, suppressed: false },
    currency,
    donationsAndGrants,
    sponsorship,
    feesForServiceAndConsultancy,
    other,
    total: donationsAndGrants + sponsorship + feesForServiceAndConsultancy + other,
    suppressed: false,
  };
};
const patientsLine = (count: number, currency: string, fees: number): Line => ({
  group: 'PATIENTS',
  recipientId: null,
  name: null,
  country: null,
  recipients: { value: count, suppressed: false },
  currency,
  donationsAndGrants: 0,
  sponsorship: 0,
  feesForServiceAndConsultancy: fees,
  other: 0,
  total: fees,
  suppressed: false,
});
const suppressedPatientsLine = (currency: string): Line => ({
  group: 'PATIENTS',
  recipientId: null,
  name: null,
  country: null,
  recipients: { value: null, suppressed: true },
  currency,
  donationsAndGrants: null,
  sponsorship: null,
  feesForServiceAndConsultancy: null,
  other: null,
  total: null,
  suppressed: true,
});

const acmeReport = (patients: Line[]): Report => ({
  companyId: gid(acme),
  companyName: 'Acme',
  companyCountry: 'DE',
  year: 2025,
  patientOrganisations: [
    named('PATIENT_ORGANISATION', lung, 'Lung "Air", e.V.', 'DE', 'EUR', [100000, 25050, 10000, 0]),
    named('PATIENT_ORGANISATION', lung, 'Lung "Air", e.V.', 'DE', 'USD', [0, 0, 5000, 0]),
    named('PATIENT_ORGANISATION', zeta, 'Zeta Patients', 'FR', 'EUR', [0, 0, 1500, 400]),
  ],
  otherRecipients: [
    named('OTHER', research, 'Research Inst', 'NL', 'EUR', [0, 0, 1500, 7000]),
    named('OTHER', research, 'Research Inst', 'NL', 'JPY', [0, 0, 50000, 0]),
  ],
  patients,
});
/**
 * The recipients count of Beta's patients line as everyone but ADMIN reads it: 5 plus the
 * perturbation table's entry at the cell key of the 5 patients (perturbation.ts); 5 to 7.
 */
async function betaPatientsShown(): Promise<number> {
  const [{ key }] = (await app.db.query(`SELECT (sum(record_key::numeric) % 1)::float8 AS key FROM stakeholder WHERE id = ANY($1)`, [
    betaPatients.map((p) => p.id),
  ])) as { key: number }[];
  return 5 + perturbation(5, key);
}

const betaReport = (patients = 5): Report => ({
  companyId: gid(beta),
  companyName: 'Beta',
  companyCountry: 'FR',
  year: 2025,
  patientOrganisations: [named('PATIENT_ORGANISATION', zeta, 'Zeta Patients', 'FR', 'EUR', [50000, 0, 0, 0])],
  otherRecipients: [],
  // 50.03 EUR split over 5 patients: the shares (10.01, 10.01, 10.01, 10.00, 10.00) add up to the value.
  patients: [patientsLine(patients, 'EUR', 5003)],
});

describe('Metrics.transferOfValue', () => {
  it('gives ADMIN every company, exact sums per category and currency, patients counted', async () => {
    expect(await reports(admin())).toEqual([acmeReport([patientsLine(4, 'EUR', 8000)]), betaReport()]);
  });

  it('suppresses the patients line of fewer than 5 recipients, count and amounts, for ANALYST', async () => {
    // Beta's 5 patients: a count of 5 or more is perturbed for everyone but ADMIN (was exactly 5), its amounts exact.
    expect(await reports(analyst())).toEqual([acmeReport([suppressedPatientsLine('EUR')]), betaReport(await betaPatientsShown())]);
  });

  it('keeps to the year by effective date: 31 Dec 2024 only in 2024, 1 Jan and 1 Feb 2026 only in 2026', async () => {
    expect(await reports(admin(), 2024)).toEqual([
      {
        ...acmeReport([]),
        year: 2024,
        patientOrganisations: [named('PATIENT_ORGANISATION', lung, 'Lung "Air", e.V.', 'DE', 'EUR', [999999, 0, 0, 0])],
        otherRecipients: [],
      },
    ]);
    const in2026 = await reports(admin(), 2026);
    expect(in2026.map((r) => [r.companyName, r.patientOrganisations.map((l) => l.donationsAndGrants)])).toEqual([['Acme', [1999998]]]);
  });

  it('narrows to one company by companyId; an unknown or malformed id gives nothing', async () => {
    expect(await reports(analyst(), 2025, gid(beta))).toEqual([betaReport(await betaPatientsShown())]);
    expect(await reports(admin(), 2025, gid(lung))).toEqual([]);
    expect(await reports(admin(), 2025, 'nonsense')).toEqual([]);
  });

  it("gives an ENGAGEMENT_MANAGER their own company's report only", async () => {
    expect(await reports(manager(acme))).toEqual([acmeReport([suppressedPatientsLine('EUR')])]);
    expect(await reports(manager(acme), 2025, gid(beta))).toEqual([]);
    expect(await reports(manager(beta))).toEqual([betaReport(await betaPatientsShown())]);
    expect(await reports(manager(lung))).toEqual([]);
  });

  it('is one SQL statement, however many companies and lines', async () => {
    const { result, statements } = await app.runCounted(QUERY, { year: 2025 }, analyst());
    dataOf(result);
    expect(statements).toHaveLength(1);
  });

  it('reports a sum it cannot represent as its own failure (INTERNAL_SERVER_ERROR), never as bad input', async () => {
    // Beyond what the API accepts (MAX_CONTRACT_AMOUNT), written straight into the table: the
    // recipient's yearly sum is above 2^53 and no SafeInt can carry it.
    const sponsor = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: 'Overflow Pharma' });
    const recipient = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name: 'Overflow Org' });
    for (let i = 0; i < 2; i++) {
      await makeContract(
        app.db,
        [
          { stakeholder: sponsor, role: ContractPartyRole.SPONSOR, signedAt: new Date('2031-01-02T00:00:00Z') },
          { stakeholder: recipient, role: ContractPartyRole.RECIPIENT, signedAt: new Date('2031-01-02T00:00:00Z') },
        ],
        { kind: ContractKind.GRANT, status: ContractStatus.ACTIVE, disclosable: true, valueAmount: Number.MAX_SAFE_INTEGER, valueCurrency: 'EUR', effectiveFrom: '2031-02-01' },
      );
    }
    const result = await app.run(QUERY, { year: 2031, companyId: gid(sponsor) }, admin());
    expect(errorCodes(result)).toContain('INTERNAL_SERVER_ERROR');
    expect(errorCodes(result)).not.toContain('BAD_USER_INPUT');
    expect(JSON.stringify(result.errors)).not.toMatch(/SafeInt|cannot represent/);
  });

  it('refuses a year out of range', async () => {
    const result = await app.run(QUERY, { year: 20250 }, admin());
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('is FORBIDDEN to PARTNER and PATIENT, also as CSV', async () => {
    for (const query of [QUERY, CSV]) {
      expect(errorCodes(await app.run(query, { year: 2025 }, viewerOf(Role.PARTNER, { orgId: acme.id })))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await app.run(query, { year: 2025 }, viewerOf(Role.PATIENT)))).toEqual(['FORBIDDEN']);
    }
  });
});

describe('Metrics.transferOfValueCsv', () => {
  const csv = async (viewer: ReturnType<typeof admin>, companyId?: string): Promise<string> =>
    dataOf(await app.run<{ metrics: { transferOfValueCsv: string } }>(CSV, { year: 2025, companyId }, viewer)).metrics.transferOfValueCsv;
  const HEADER =
    'company,company_country,year,recipient_group,recipient,recipient_country,recipients,currency,donations_and_grants,sponsorship,fees_for_service_and_consultancy,other,total\r\n';

  it('writes one RFC 4180 row per line, amounts in major units, suppressed cells empty', async () => {
    expect(await csv(analyst(), gid(acme))).toBe(
      HEADER +
        'Acme,DE,2025,PATIENT_ORGANISATION,"Lung ""Air"", e.V.",DE,1,EUR,1000.00,250.50,100.00,0.00,1350.50\r\n' +
        'Acme,DE,2025,PATIENT_ORGANISATION,"Lung ""Air"", e.V.",DE,1,USD,0.00,0.00,50.00,0.00,50.00\r\n' +
        'Acme,DE,2025,PATIENT_ORGANISATION,Zeta Patients,FR,1,EUR,0.00,0.00,15.00,4.00,19.00\r\n' +
        'Acme,DE,2025,OTHER,Research Inst,NL,1,EUR,0.00,0.00,15.00,70.00,85.00\r\n' +
        'Acme,DE,2025,OTHER,Research Inst,NL,1,JPY,0,0,50000,0,50000\r\n' +
        'Acme,DE,2025,PATIENTS,,,,EUR,,,,,\r\n',
    );
  });

  it('shows ADMIN the patients line and is scoped like the query', async () => {
    expect((await csv(admin(), gid(acme))).split('\r\n').at(-2)).toBe('Acme,DE,2025,PATIENTS,,,4,EUR,0.00,0.00,80.00,0.00,80.00');
    expect(await csv(manager(acme), gid(beta))).toBe(HEADER);
    expect(await csv(manager(beta))).toBe(
      HEADER +
        'Beta,FR,2025,PATIENT_ORGANISATION,Zeta Patients,FR,1,EUR,500.00,0.00,0.00,0.00,500.00\r\n' +
        `Beta,FR,2025,PATIENTS,,,${await betaPatientsShown()},EUR,0.00,0.00,50.03,0.00,50.03\r\n`,
    );
  });

  it('writes a cell a spreadsheet would run as a formula as text (a leading quote), and nothing else changes', async () => {
    const gamma = await makeStakeholder(app.db, StakeholderKind.COMPANY, { name: '@Gamma', country: 'IT' });
    const names = ['=HYPERLINK("http://evil.example","open")', '+1+cmd', '-2+3', '\tTabbed', 'Plain Org'];
    for (const name of names) {
      const recipient = await makeStakeholder(app.db, StakeholderKind.PATIENT_ORGANISATION, { name, country: 'IT' });
      await makeContract(app.db, [{ stakeholder: gamma }, { stakeholder: recipient }], {
        kind: ContractKind.GRANT,
        status: ContractStatus.ACTIVE,
        disclosable: true,
        valueAmount: 1000,
        valueCurrency: 'EUR',
        effectiveFrom: '2025-03-01',
      });
    }
    const lines = (await csv(admin(), gid(gamma))).split('\r\n').filter((l) => l.includes('PATIENT_ORGANISATION'));
    expect(lines.sort()).toEqual(
      [
        `'@Gamma,IT,2025,PATIENT_ORGANISATION,"'=HYPERLINK(""http://evil.example"",""open"")",IT,1,EUR,10.00,0.00,0.00,0.00,10.00`,
        `'@Gamma,IT,2025,PATIENT_ORGANISATION,'+1+cmd,IT,1,EUR,10.00,0.00,0.00,0.00,10.00`,
        `'@Gamma,IT,2025,PATIENT_ORGANISATION,'-2+3,IT,1,EUR,10.00,0.00,0.00,0.00,10.00`,
        `'@Gamma,IT,2025,PATIENT_ORGANISATION,'\tTabbed,IT,1,EUR,10.00,0.00,0.00,0.00,10.00`,
        `'@Gamma,IT,2025,PATIENT_ORGANISATION,Plain Org,IT,1,EUR,10.00,0.00,0.00,0.00,10.00`,
      ].sort(),
    );
  });
});
