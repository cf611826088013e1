import { authorize } from '../../access/actions';
import { UserErrorCode } from '../../shared/mutation';
import type { AffiliationKind } from '../affiliation/affiliation.entity';
import { AddAffiliationInput } from '../affiliation/affiliation.inputs';
import { today } from '../affiliation/affiliation.service';
import { csvCell } from './transfer.formats';
import { isRejection, resolveReferences, type Wanted } from './transfer.refs';
import {
  allowed,
  coerceAs,
  externalIdOf,
  fieldsOf,
  firstOccurrences,
  referenceOf,
  reject,
  validateAs,
  type ImportHandler,
  type Plan,
  type Rejection,
  type StakeholderReference,
  ownedBy,
} from './transfer.rows';
import { changedProps, insertRows, updateRows, type ColumnSpec } from './transfer.sql';

const COLUMNS: readonly ColumnSpec[] = [
  { prop: 'kind', column: 'kind', type: 'text' },
  { prop: 'fromId', column: 'from_id', type: 'uuid' },
  { prop: 'toId', column: 'to_id', type: 'uuid' },
  { prop: 'since', column: 'since', type: 'date' },
  { prop: 'until', column: 'until', type: 'date' },
];
/** Its dates are all an imported affiliation may change: another kind or other ends are another affiliation. */
const DATES = COLUMNS.filter((c) => c.prop === 'since' || c.prop === 'until');

/** The columns of an affiliation file. */
export const AFFILIATION_IMPORT_COLUMNS = ['externalId', 'kind', 'fromExternalId', 'fromId', 'toExternalId', 'toId', 'since', 'until'];

interface Write {
  externalId: string;
  values: { kind: AffiliationKind; fromId: string; toId: string; since: string | null; until: string | null };
  id?: string;
  changed: string[];
}

interface Stored extends Record<string, unknown> {
  id: string;
  external_id: string;
  kind: AffiliationKind;
  from_id: string;
  to_id: string;
}

/** A row that passed the checks needing no database. */
type Prepared = { row: number; externalId: string; input: AddAffiliationInput; from: StakeholderReference; to: StakeholderReference };

/** Affiliations, as addAffiliation takes them (new external ids); a known one may change its dates, as endAffiliation does. */
export const affiliationImport: ImportHandler<Prepared, Write> = {
  recordType: 'Affiliation',
  fromCsv: (values) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, csvCell.text(v)])),

  async prepare(run, batch) {
    const { schema } = run;
    const rejections: Rejection[] = [];
    const valid: Prepared[] = [];
    for (const { row, values } of batch) {
      const id = externalIdOf(row, values);
      if ('rejection' in id) {
        rejections.push(id.rejection);
        continue;
      }
      const from = referenceOf(row, values, 'from');
      const to = referenceOf(row, values, 'to');
      if ('rejection' in from || 'rejection' in to) {
        rejections.push('rejection' in from ? from.rejection : (to as { rejection: Rejection }).rejection);
        continue;
      }
      if (!from.ref || !to.ref) {
        rejections.push(reject(row, UserErrorCode.BAD_USER_INPUT, 'An affiliation needs both ends (fromExternalId or fromId, toExternalId or toId).', from.ref ? 'toId' : 'fromId'));
        continue;
      }
      // The mutation's input type checks kind and dates; the ends are resolved below, for the whole batch.
      const fields = fieldsOf(values, ['fromExternalId', 'toExternalId', 'fromId', 'toId', 'idempotencyKey']);
      const coerced = coerceAs<AddAffiliationInput>(schema, 'AddAffiliationInput', row, { ...fields, fromId: '-', toId: '-' });
      if ('rejection' in coerced) {
        rejections.push(coerced.rejection);
        continue;
      }
      const invalid = await validateAs(Object.assign(new AddAffiliationInput(), coerced.value), row);
      if (invalid) {
        rejections.push(invalid);
        continue;
      }
      const { since, until } = coerced.value;
      if (since && until && until < since) {
        rejections.push(reject(row, UserErrorCode.BAD_USER_INPUT, 'until must not be before since.', 'until'));
        continue;
      }
      valid.push({ row, externalId: id.externalId, input: coerced.value, from: from.ref, to: to.ref });
    }
    return { prepared: firstOccurrences(valid, rejections), rejections };
  },

  async resolve(run, rows) {
    const { ctx, tx, owner } = run;
    const rejections: Rejection[] = [];
    const wanted: Wanted[] = rows.flatMap((r) => [
      { row: r.row, column: 'externalId' in r.from ? 'fromExternalId' : 'fromId', ref: r.from },
      { row: r.row, column: 'externalId' in r.to ? 'toExternalId' : 'toId', ref: r.to },
    ]);
    const found = await resolveReferences(run, wanted);
    const stored = rows.length
      ? await ctx.scope.sql<Stored>(
          `SELECT a.id, a.external_id, a.kind, a.from_id, a.to_id, a.since, a.until FROM affiliation a
            WHERE ${ctx.scope.rule('Affiliation', 'a')} AND ${ownedBy('a', owner)} AND a.external_id = ANY(:ids)`,
          { owner, ids: rows.map((r) => r.externalId) },
          tx,
        )
      : [];
    const byExternalId = new Map(stored.map((s) => [s.external_id, s]));
    const day = today();
    const resolved: { row: number; externalId: string; values: Write['values'] }[] = [];
    rows.forEach((r, i) => {
      const [from, to] = [found[2 * i], found[2 * i + 1]];
      if (isRejection(from) || isRejection(to)) {
        rejections.push(isRejection(from) ? from : (to as Rejection));
        return;
      }
      if (from.id === to.id) {
        rejections.push(reject(r.row, UserErrorCode.BAD_USER_INPUT, 'A stakeholder cannot be affiliated to itself.', 'toId'));
        return;
      }
      resolved.push({
        row: r.row,
        externalId: r.externalId,
        values: { kind: r.input.kind, fromId: from.id, toId: to.id, since: r.input.since ?? null, until: r.input.until ?? null },
      });
    });
    // "Two stakeholders have at most one current affiliation of a kind": against the database, in one statement, and within the batch.
    const isCurrent = (v: Write['values']): boolean => v.until === null || v.until >= day;
    const fresh = resolved.filter((r) => !byExternalId.has(r.externalId) && isCurrent(r.values));
    const taken = fresh.length
      ? await ctx.scope.sql<{ kind: string; from_id: string; to_id: string }>(
          `SELECT a.kind, a.from_id::text, a.to_id::text FROM affiliation a
             JOIN jsonb_to_recordset(CAST(:links AS jsonb)) AS l(kind text, from_id uuid, to_id uuid) ON (a.kind, a.from_id, a.to_id) = (l.kind, l.from_id, l.to_id)
            WHERE a.until IS NULL OR a.until >= CAST(:day AS date)`,
          { links: JSON.stringify(fresh.map((r) => ({ kind: r.values.kind, from_id: r.values.fromId, to_id: r.values.toId }))), day },
          tx,
        )
      : [];
    const current = new Set(taken.map((t) => `${t.kind}:${t.from_id}:${t.to_id}`));
    const plans: Plan<Write>[] = [];
    for (const r of resolved) {
      const existing = byExternalId.get(r.externalId);
      const { fromId, toId } = r.values;
      if (!existing) {
        const refused = await allowed(r.row, () => authorize(ctx.scope, 'affiliation:add', { fromId, toId }));
        if (refused) {
          rejections.push(refused);
          continue;
        }
        const link = `${r.values.kind}:${fromId}:${toId}`;
        if (isCurrent(r.values)) {
          if (current.has(link)) {
            rejections.push(reject(r.row, UserErrorCode.CONFLICT, `These stakeholders already have a current ${r.values.kind} affiliation.`, 'kind'));
            continue;
          }
          current.add(link);
        }
        plans.push({ row: r.row, op: 'create', write: { ...r, changed: COLUMNS.map((c) => c.prop) } });
        continue;
      }
      if (existing.kind !== r.values.kind || existing.from_id !== fromId || existing.to_id !== toId) {
        rejections.push(
          reject(r.row, UserErrorCode.BAD_USER_INPUT, 'An affiliation keeps its kind and its ends; import another affiliation under a new externalId.', 'externalId'),
        );
        continue;
      }
      const changed = changedProps(DATES, existing, r.values);
      if (changed.length > 0) {
        const refused = await allowed(r.row, () => authorize(ctx.scope, 'affiliation:end', { fromId, toId }));
        if (refused) {
          rejections.push(refused);
          continue;
        }
      }
      plans.push({ row: r.row, op: changed.length ? 'update' : 'unchanged', write: { ...r, id: existing.id, changed } });
    }
    return { plans, rejections };
  },

  async write(run, plans) {
    const creates = plans.filter((p) => p.op === 'create');
    const updates = plans.filter((p) => p.op === 'update');
    const ids = await insertRows(
      run.tx,
      'affiliation',
      COLUMNS,
      creates.map((p) => ({ ...p.write.values, externalId: p.write.externalId })),
      run.owner,
    );
    await updateRows(run.tx, 'affiliation', DATES, updates.map((p) => ({ ...p.write.values, id: p.write.id as string })));
    const rejections: Rejection[] = [];
    const audit = [];
    for (const p of [...creates, ...updates]) {
      const id = p.write.id ?? ids.get(p.write.externalId);
      if (!id) {
        // Taken meanwhile, or taken by a record you may not see: either way, not yours to write.
        rejections.push(reject(p.row, UserErrorCode.CONFLICT, 'This externalId is already used by another affiliation.', 'externalId'));
        continue;
      }
      audit.push({ action: 'transfer:import', outcome: 'allowed' as const, targetType: 'Affiliation', targetId: id, fields: p.write.changed });
    }
    return { rejections, audit };
  },
};
