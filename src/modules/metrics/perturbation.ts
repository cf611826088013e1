import { SMALL_CELL, type ReportingScope } from '../../access/scope';
import { SuppressedCount } from './metrics.types';

/**
 * Statistical disclosure control of the patient-related counts of `metrics` (docs/metrics.md,
 * Suppression and perturbation): the cell-key method of the Australian Bureau of Statistics'
 * TableBuilder and Eurostat's census recommendations, on top of small-cell suppression.
 *
 * Every record a patient-related count is made of (a patient, a partnership, an interaction, a
 * commitment) carries a fixed random record key in [0, 1) (column `record_key`, migration
 * AddRecordKeys). A cell's key is the fractional part of the sum of its records' keys, computed in
 * SQL next to the count (`cellKey`); the published count is the true count plus the entry of
 * `PERTURBATION_TABLE` at (count, cell key). The same records always make the same cell, so
 * asking again (or asking a question that selects the same records) gives the same answer, and
 * differences of overlapping cells carry the noise of both.
 *
 * A `SuppressedCount` can only be built here (its constructor takes `ISSUED`), so a
 * patient-related figure cannot reach the API without going through `publishCells`.
 */
const ISSUED: unique symbol = Symbol('issued by perturbation.ts');
/** The token `SuppressedCount`'s constructor asks for: only this module holds one. */
export type Issued = typeof ISSUED;

/** The cell key is read in twentieths: the table's columns. */
export const KEY_BUCKETS = 20;

const repeat = (value: number, times: number): number[] => Array<number>(times).fill(value);

/**
 * The perturbation table: a row per true count (the last row holds for every larger count), a
 * column per twentieth of the cell key. Rows keep every published count at SMALL_CELL or above
 * (a shown count of 3 would read as "suppression failed"); from 6 on each row has mean 0.
 *
 * | count | −2 | −1 | 0 | +1 | +2 | mean | variance |
 * | 5     |    |    | 12/20 | 6/20 | 2/20 | +0.5 | 0.45 |
 * | 6     |    | 6/20 | 9/20 | 4/20 | 1/20 | 0 | 0.7 |
 * | ≥ 7   | 1/20 | 4/20 | 10/20 | 4/20 | 1/20 | 0 | 0.8 |
 */
export const PERTURBATION_TABLE: readonly { readonly count: number; readonly perturbations: readonly number[] }[] = [
  { count: 5, perturbations: [...repeat(0, 12), ...repeat(1, 6), ...repeat(2, 2)] },
  { count: 6, perturbations: [...repeat(-1, 6), ...repeat(0, 9), ...repeat(1, 4), ...repeat(2, 1)] },
  { count: 7, perturbations: [...repeat(-2, 1), ...repeat(-1, 4), ...repeat(0, 10), ...repeat(1, 4), ...repeat(2, 1)] },
];

/** The largest perturbation, either way. */
export const MAX_PERTURBATION = 2;

/** The entry of the table for a true count `n` (SMALL_CELL or more) and a cell key in [0, 1). */
export function perturbation(n: number, key: number): number {
  const row = PERTURBATION_TABLE.findLast((r) => r.count <= n) ?? PERTURBATION_TABLE[0];
  const bucket = Math.min(KEY_BUCKETS - 1, Math.max(0, Math.floor(key * KEY_BUCKETS)));
  return row.perturbations[bucket];
}

/**
 * SQL: the cell key of an aggregate's records, the fractional part of the sum of their record
 * keys (`keys`, e.g. `i.record_key`, over the rows `filter` keeps). Summed as numeric, so the
 * result does not depend on the order the rows come in; 0 for no row.
 */
export const cellKey = (keys: string, filter?: string): string =>
  `(COALESCE(sum(${keys}::numeric)${filter ? ` FILTER (WHERE ${filter})` : ''}, 0) % 1)::float8`;

/** A figure of a breakdown that concerns patients. */
export interface PatientCell {
  value: number;
  /** The published count it is a part of (the partnerships of which `value` involve patients); omitted when none is. */
  of?: number;
}

/** A patient cell as counted in SQL: with its cell key (`cellKey`). */
export interface KeyedCell extends PatientCell {
  key: number;
}

/** Suppression applies to counts of 1 to SMALL_CELL - 1 (for everyone but ADMIN, who gets exact figures). */
const small = (n: number): boolean => n > 0 && n < SMALL_CELL;

/**
 * The suppression rule, for one breakdown (see docs/metrics.md, Suppression): the indexes of the
 * cells to withhold from everyone but ADMIN.
 * - Primary: a value of 1–4; and any value whose published total (`of`) is 1–4, since that total
 *   would bound it (a total of 1 and "suppressed" would mean 1), so 0 is withheld there as well.
 * - Secondary, when the breakdown's sum is known (published, or derivable from another published
 *   breakdown of the same records): one withheld cell would be that sum minus the shown ones, so
 *   the smallest other cell is withheld too, preferring non-zero ones and never a cell that is zero
 *   by construction (its total is 0), which would give nothing away. Perturbation already blurs
 *   that difference; the rule stays so that it does not narrow a withheld 1–4 to one or two values.
 */
export function suppressedCells(cells: readonly PatientCell[], sumKnown: boolean): Set<number> {
  const hidden = new Set(cells.flatMap((c, i) => (small(c.value) || (c.of !== undefined && small(c.of)) ? [i] : [])));
  if (sumKnown && hidden.size === 1) {
    const [next] = cells
      .map((c, i) => ({ ...c, i }))
      .filter((c) => !hidden.has(c.i) && (c.of ?? c.value) > 0)
      .sort((a, b) => Number(a.value === 0) - Number(b.value === 0) || a.value - b.value || a.i - b.i);
    if (next) hidden.add(next.i);
  }
  return hidden;
}

const withheld = (): SuppressedCount => new SuppressedCount(ISSUED, null, true);

/**
 * The value published for a shown cell: 0 stays 0 (an empty cell has no records to perturb),
 * otherwise the true count plus its perturbation, never above its published total.
 */
function perturbed(cell: KeyedCell): number {
  if (cell.value === 0) return 0;
  const value = cell.value + perturbation(cell.value, cell.key);
  return cell.of === undefined ? value : Math.min(value, cell.of);
}

/**
 * The cells of one breakdown as published to this viewer: exact for ADMIN; for everyone else
 * withheld by `suppressedCells` or perturbed.
 */
export function publishCells(reporting: ReportingScope, cells: readonly KeyedCell[], sumKnown: boolean): SuppressedCount[] {
  if (reporting.exact) return cells.map((c) => new SuppressedCount(ISSUED, c.value, false));
  const hidden = suppressedCells(cells, sumKnown);
  return cells.map((c, i) => (hidden.has(i) ? withheld() : new SuppressedCount(ISSUED, perturbed(c), false)));
}

/** One patient cell published on its own (no breakdown sum is known). */
export const publishCell = (reporting: ReportingScope, cell: KeyedCell): SuppressedCount => publishCells(reporting, [cell], false)[0];

/**
 * A published sum of published parts (the early involvement = DISCOVERY + PROTOCOL_DESIGN): the
 * sum of the parts as shown, so that it adds up and is no new measurement of the same records.
 * Withheld when a part is (the sum minus the shown part would give it) and by the rule on `total`
 * itself (its true value and published total).
 */
export function publishSum(reporting: ReportingScope, parts: readonly SuppressedCount[], total: PatientCell): SuppressedCount {
  if (!reporting.exact && (parts.some((p) => p.suppressed) || suppressedCells([total], false).size > 0)) return withheld();
  return new SuppressedCount(
    ISSUED,
    parts.reduce((sum, p) => sum + (p.value ?? 0), 0),
    false,
  );
}

/**
 * A count in a patient-count field that is not patient-related (another kind's row of
 * `stakeholdersByKind`, interactions without a patient participant): shown as it is.
 */
export const notAboutPatients = (n: number): SuppressedCount => new SuppressedCount(ISSUED, n, false);

/** The first instant of the UTC month `months` after that of `d` (setUTCFullYear: Date.UTC reads years 0–99 as 1900–1999). */
function monthStart(d: Date, months = 0): Date {
  const start = new Date(0);
  start.setUTCFullYear(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
  return start;
}

/**
 * The period of a question for everyone but ADMIN: widened to whole UTC months (`from` back to the
 * first of its month, `to` on to the first of the next month unless it is one), so that two
 * periods a second apart select the same records, and so the same cells.
 */
export function coarsePeriod(reporting: ReportingScope, from: Date | null, to: Date | null): { from: Date | null; to: Date | null } {
  if (reporting.exact) return { from, to };
  const snappedTo = to && (monthStart(to).getTime() === to.getTime() ? to : monthStart(to, 1));
  return { from: from && monthStart(from), to: snappedTo };
}
