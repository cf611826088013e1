import { stringify } from 'csv-stringify/sync';
import { reportSubjectId } from '../../access/patient-ids';
import type { Context } from '../../graphql/context';
import { badInput } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { RecipientGroup, type TransferOfValueLine, type TransferOfValueReport } from './disclosure.types';
import { cellKey, notAboutPatients, publishCell } from './perturbation';


interface LineRow {
  company_id: string;
  company_name: string;
  company_country: string | null;
  grp: RecipientGroup;
  recipient_id: string | null;
  name: string | null;
  country: string | null;
  currency: string;
  recipients: number;
  /** The cell key of the distinct recipients (perturbation.ts), for the patients line. */
  recipients_key: number;
  grants: number;
  sponsorship: number;
  fees: number;
  other: number;
  total: number;
}

/**
 * One statement: the disclosable contracts of the year (ACTIVE, TERMINATED or EXPIRED, with a
 * value) by sponsoring company; each contract's value split evenly over its RECIPIENT and
 * SERVICE_PROVIDER parties (the remainder cent by cent to the first by id, so the shares add up
 * to the value); summed per company, recipient (patients together) and currency.
 */
const LINES = `
WITH c AS (
  SELECT c.id, c.kind, c.value_amount, c.value_currency, sp.stakeholder_id AS company_id
  FROM contract c
  JOIN contract_party sp ON sp.contract_id = c.id AND sp.role = 'SPONSOR'
  JOIN stakeholder co ON co.id = sp.stakeholder_id AND co.kind = 'COMPANY'
  WHERE c.disclosable AND c.status IN ('ACTIVE', 'TERMINATED', 'EXPIRED') AND c.value_amount IS NOT NULL
    AND COALESCE(c.effective_from, (c.created_at AT TIME ZONE 'UTC')::date) >= CAST(:yearStart AS date)
    AND COALESCE(c.effective_from, (c.created_at AT TIME ZONE 'UTC')::date) < CAST(:yearEnd AS date)
    AND (CAST(:company AS uuid) IS NULL OR sp.stakeholder_id = CAST(:company AS uuid))
    AND (CAST(:org AS uuid) IS NULL OR sp.stakeholder_id = CAST(:org AS uuid))
), share AS (
  SELECT c.company_id, c.kind, c.value_currency AS currency, rp.stakeholder_id AS recipient_id,
    c.value_amount / count(*) OVER w
      + CASE WHEN row_number() OVER (w ORDER BY rp.stakeholder_id) <= c.value_amount % count(*) OVER w THEN 1 ELSE 0 END AS amount
  FROM c JOIN contract_party rp ON rp.contract_id = c.id AND rp.role IN ('RECIPIENT', 'SERVICE_PROVIDER')
  WINDOW w AS (PARTITION BY c.id, c.company_id)
), line AS (
  SELECT share.*, CASE r.kind WHEN 'PATIENT' THEN 'PATIENTS' WHEN 'PATIENT_ORGANISATION' THEN 'PATIENT_ORGANISATION' ELSE 'OTHER' END AS grp,
    r.kind = 'PATIENT' AS is_patient, r.name AS recipient_name, r.country::text AS recipient_country
  FROM share JOIN stakeholder r ON r.id = share.recipient_id
)
SELECT l.company_id, co.name AS company_name, co.country::text AS company_country, l.grp,
  CASE WHEN l.is_patient THEN NULL ELSE l.recipient_id END AS recipient_id,
  CASE WHEN l.is_patient THEN NULL ELSE l.recipient_name END AS name,
  CASE WHEN l.is_patient THEN NULL ELSE l.recipient_country END AS country,
  l.currency,
  count(DISTINCT l.recipient_id)::int AS recipients,
  (SELECT ${cellKey('rk.record_key')} FROM stakeholder rk WHERE rk.id = ANY(array_agg(DISTINCT l.recipient_id))) AS recipients_key,
  COALESCE(sum(l.amount) FILTER (WHERE l.kind = 'GRANT'), 0)::float8 AS grants,
  COALESCE(sum(l.amount) FILTER (WHERE l.kind = 'SPONSORSHIP'), 0)::float8 AS sponsorship,
  COALESCE(sum(l.amount) FILTER (WHERE l.kind IN ('CONSULTANCY', 'ADVISORY_BOARD', 'SPEAKER')), 0)::float8 AS fees,
  COALESCE(sum(l.amount) FILTER (WHERE l.kind IN ('COLLABORATION', 'DATA_SHARING')), 0)::float8 AS other,
  sum(l.amount)::float8 AS total
FROM line l JOIN stakeholder co ON co.id = l.company_id
GROUP BY l.company_id, co.name, co.country, l.grp, 5, 6, 7, l.currency
ORDER BY co.name, l.company_id, l.grp, 6, 5, l.currency`;

function line(ctx: Context, r: LineRow): TransferOfValueLine {
  // The patients line counts patients: withheld at 1–4 (with its amounts) and perturbed from 5 for
  // everyone but ADMIN. The amounts stay exact: a company's transfers, of which no other published
  // figure is a part (one line per company, year and currency; no total across lines).
  const recipients =
    r.grp === RecipientGroup.PATIENTS ? publishCell(ctx.scope.reporting, { value: r.recipients, key: r.recipients_key }) : notAboutPatients(r.recipients);
  const hide = recipients.suppressed;
  const amount = (v: number): number | null => (hide ? null : v);
  return {
    group: r.grp,
    recipientId: r.recipient_id ? toGlobalId('Stakeholder', r.recipient_id) : null,
    name: r.name,
    country: r.country,
    recipients,
    currency: r.currency,
    donationsAndGrants: amount(r.grants),
    sponsorship: amount(r.sponsorship),
    feesForServiceAndConsultancy: amount(r.fees),
    other: amount(r.other),
    total: amount(r.total),
    suppressed: hide,
  };
}

export const disclosureService = {
  /**
   * The transfer-of-value reports of the year, one per sponsoring company with any disclosable
   * transfer, by company name. ADMIN and ANALYST: every company (disclosure reports are public);
   * ENGAGEMENT_MANAGER: their own organisation's only.
   */
  async transferOfValue(ctx: Context, year: number, companyId: string | null): Promise<TransferOfValueReport[]> {
    if (!Number.isInteger(year) || year < 1900 || year > 2100) throw badInput('year must be between 1900 and 2100.', 'year');
    const company = companyId == null ? null : reportSubjectId(ctx, companyId);
    if (companyId != null && company === null) return [];
    const whole = ctx.scope.reporting.whole;
    // An ENGAGEMENT_MANAGER without an organisation has no company to report on.
    if (!whole && !ctx.viewer?.orgId) return [];
    const params = {
      yearStart: `${year}-01-01`,
      yearEnd: `${year + 1}-01-01`,
      company,
      org: whole ? null : ctx.viewer?.orgId,
    };
    const found = await ctx.scope.sql<LineRow>(LINES, params);
    const reports: TransferOfValueReport[] = [];
    for (const r of found) {
      let report = reports.at(-1);
      if (report?.companyId !== toGlobalId('Stakeholder', r.company_id)) {
        report = {
          companyId: toGlobalId('Stakeholder', r.company_id),
          companyName: r.company_name,
          companyCountry: r.company_country,
          year,
          patientOrganisations: [],
          otherRecipients: [],
          patients: [],
        };
        reports.push(report);
      }
      const target = { PATIENT_ORGANISATION: report.patientOrganisations, OTHER: report.otherRecipients, PATIENTS: report.patients }[r.grp];
      target.push(line(ctx, r));
    }
    return reports;
  },

  async transferOfValueCsv(ctx: Context, year: number, companyId: string | null): Promise<string> {
    return toCsv(await this.transferOfValue(ctx, year, companyId));
  },
};

const HEADER = [
  'company',
  'company_country',
  'year',
  'recipient_group',
  'recipient',
  'recipient_country',
  'recipients',
  'currency',
  'donations_and_grants',
  'sponsorship',
  'fees_for_service_and_consultancy',
  'other',
  'total',
];

/** Minor units as a decimal in major units, with as many decimals as the currency has (ISO 4217). */
function major(minor: number | null, currency: string): string {
  if (minor === null) return '';
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  if (digits === 0) return String(minor);
  const s = String(minor).padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/**
 * The reports as CSV (RFC 4180: fields quoted where needed, CRLF line ends), a header then one row
 * per line. A cell that a spreadsheet would run as a formula (a recipient named `=HYPERLINK(…)`)
 * starts with `=`, `+`, `-`, `@`, a tab or a CR: csv-stringify's `escape_formulas` prefixes it
 * with a quote, so it opens as text (OWASP CSV injection). Amounts are never negative.
 */
function toCsv(reports: TransferOfValueReport[]): string {
  const rows = [HEADER];
  for (const r of reports) {
    for (const l of [...r.patientOrganisations, ...r.otherRecipients, ...r.patients]) {
      rows.push([
        r.companyName,
        r.companyCountry ?? '',
        String(r.year),
        l.group,
        l.name ?? '',
        l.country ?? '',
        l.recipients.value === null ? '' : String(l.recipients.value),
        l.currency,
        ...[l.donationsAndGrants, l.sponsorship, l.feesForServiceAndConsultancy, l.other, l.total].map((v) => major(v, l.currency)),
      ]);
    }
  }
  return stringify(rows, { record_delimiter: 'windows', escape_formulas: true });
}
