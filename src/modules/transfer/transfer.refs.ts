import { fromGlobalId } from '../../graphql/global-id';
import { notFound, userError, UserErrorCode } from '../../shared/mutation';
import type { StakeholderKind } from '../stakeholder/stakeholder.entity';
import { resolveStakeholderRefs } from '../stakeholder/stakeholder.service';
import { ownedBy, reject, type ImportRun, type Rejection, type StakeholderReference } from './transfer.rows';

/** A stakeholder a row names, as found. */
export interface Found {
  id: string;
  kind: StakeholderKind;
}

export interface Wanted {
  row: number;
  column: string;
  ref: StakeholderReference;
}

/**
 * The stakeholders a batch's rows name, in two statements whatever the batch: external ids (yours,
 * as imported by your organisation) through the stakeholder's record rule, global ids through
 * `resolveStakeholderRefs`, the mutations' own resolution (a redacted patient's sealed id opens
 * for your organisation only; an unknown or hidden id is NOT_FOUND; an archived stakeholder
 * cannot enter a new record). Returns what each wanted reference found, or its rejection.
 */
export async function resolveReferences(run: ImportRun, wanted: readonly Wanted[]): Promise<(Found | Rejection)[]> {
  const { ctx, tx, owner } = run;
  const out: (Found | Rejection)[] = new Array<Found | Rejection>(wanted.length);
  const externals = [...new Set(wanted.flatMap((w) => ('externalId' in w.ref ? [w.ref.externalId] : [])))];
  const rows = externals.length
    ? await ctx.scope.sql<{ id: string; external_id: string; kind: StakeholderKind; archived_at: Date | null }>(
        `SELECT s.id, s.external_id, s.kind, s.archived_at FROM stakeholder s
          WHERE ${ctx.scope.rule('Stakeholder', 's')} AND ${ownedBy('s', owner)} AND s.external_id = ANY(:ids)`,
        { owner, ids: externals },
        tx,
      )
    : [];
  const byExternal = new Map(rows.map((r) => [r.external_id, r]));
  const byGlobal: number[] = [];
  wanted.forEach((w, i) => {
    if (!('externalId' in w.ref)) {
      byGlobal.push(i);
      return;
    }
    const found = byExternal.get(w.ref.externalId);
    out[i] = !found
      ? reject(w.row, UserErrorCode.NOT_FOUND, `No stakeholder was imported by your organisation under externalId ${JSON.stringify(w.ref.externalId)}.`, w.column)
      : found.archived_at
        ? // Not its name: a patient's is their pseudonym, which the viewer may not be allowed to read.
          reject(w.row, UserErrorCode.BAD_USER_INPUT, 'This stakeholder is archived: it cannot enter a new record.', w.column)
        : { id: found.id, kind: found.kind };
  });
  // Global ids: the mutations' resolution. It answers all or errors; the errors name their references, the rest is asked again.
  let pending = byGlobal;
  for (let attempt = 0; attempt < 2 && pending.length > 0; attempt += 1) {
    const refs = pending.map((i) => ({ globalId: (wanted[i].ref as { id: string }).id, field: String(i) }));
    const resolved = await resolveStakeholderRefs(ctx, tx, refs);
    if ('ids' in resolved) {
      const kinds = await ctx.scope.sql<{ id: string; kind: StakeholderKind }>(`SELECT s.id, s.kind FROM stakeholder s WHERE s.id = ANY(:ids)`, { ids: resolved.ids }, tx);
      const kindOf = new Map(kinds.map((k) => [k.id, k.kind]));
      pending.forEach((i, j) => (out[i] = { id: resolved.ids[j], kind: kindOf.get(resolved.ids[j]) as StakeholderKind }));
      pending = [];
      break;
    }
    const failed = new Set<number>();
    for (const error of resolved.errors) {
      const i = Number(error.field);
      failed.add(i);
      out[i] = reject(wanted[i].row, error.code, error.message, wanted[i].column);
    }
    pending = pending.filter((i) => !failed.has(i));
  }
  // Still pending after two rounds cannot happen (the second round's failures are new ones); be safe.
  for (const i of pending) out[i] = reject(wanted[i].row, UserErrorCode.NOT_FOUND, notFound('stakeholder', wanted[i].column).message, wanted[i].column);
  return out;
}

export const isRejection = (value: Found | Rejection): value is Rejection => 'reason' in value;

/** A user error of a service, as a rejection of `row`. */
export const fromUserError = (row: number, error: ReturnType<typeof userError>, column: string | null): Rejection =>
  reject(row, error.code, error.message, column);

/** A partnership a row names, as found, with its current members. */
export interface FoundPartnership {
  id: string;
  status: string;
  memberIds: string[];
}

export interface WantedPartnership {
  row: number;
  column: string;
  ref: { externalId: string } | { id: string };
}

/**
 * The partnerships a batch's rows name, in two statements: by the external id your organisation
 * imported them under, or by global id, through the partnership's record rule (hidden: NOT_FOUND,
 * as `resolveVisiblePartnershipRef` answers), each with its current members.
 */
export async function resolvePartnerships(run: ImportRun, wanted: readonly WantedPartnership[]): Promise<(FoundPartnership | Rejection)[]> {
  const { ctx, tx, owner } = run;
  if (wanted.length === 0) return [];
  const externals = [...new Set(wanted.flatMap((w) => ('externalId' in w.ref ? [w.ref.externalId] : [])))];
  const ids = [...new Set(wanted.flatMap((w) => ('id' in w.ref ? [fromGlobalId(w.ref.id, 'Partnership')?.id ?? null] : []).filter((id): id is string => id !== null)))];
  const mine = `(${ownedBy('p', owner)} AND p.external_id = ANY(:externals))`;
  const rows = await ctx.scope.sql<{ id: string; external_id: string | null; mine: boolean; status: string; member_ids: string[] }>(
    `SELECT p.id, p.external_id, ${mine} AS mine, p.status,
            ARRAY(SELECT m.stakeholder_id::text FROM partnership_member m WHERE m.partnership_id = p.id AND m.left_at IS NULL) AS member_ids
       FROM partnership p
      WHERE ${ctx.scope.rule('Partnership', 'p')}
        AND (${mine} OR p.id = ANY(CAST(:ids AS uuid[])))`,
    { owner, externals, ids },
    tx,
  );
  const byExternal = new Map(rows.filter((r) => r.mine).map((r) => [r.external_id as string, r]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return wanted.map((w) => {
    const found = 'externalId' in w.ref ? byExternal.get(w.ref.externalId) : byId.get(fromGlobalId(w.ref.id, 'Partnership')?.id ?? '');
    return found ? { id: found.id, status: found.status, memberIds: found.member_ids } : reject(w.row, UserErrorCode.NOT_FOUND, 'No such partnership.', w.column);
  });
}
