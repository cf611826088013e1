import { authorize } from '../../access/actions';
import { UserErrorCode } from '../../shared/mutation';
import { violatedConstraint } from '../../shared/pg-errors';
import { StakeholderKind, type Stakeholder } from '../stakeholder/stakeholder.entity';
import { CreateStakeholderInput } from '../stakeholder/stakeholder.inputs';
import { fieldValues } from '../stakeholder/stakeholder.service';
import { csvCell } from './transfer.formats';
import {
  allowed,
  coerceAs,
  externalIdOf,
  fieldsOf,
  firstOccurrences,
  reject,
  validateAs,
  type ImportHandler,
  type Plan,
  type Rejection,
  ownedBy,
} from './transfer.rows';
import { changedProps, insertRows, updateRows, type ColumnSpec } from './transfer.sql';

/** Every column a stakeholder row sets: the row is the whole record, so a column left out is cleared. */
const COLUMNS: readonly ColumnSpec[] = [
  { prop: 'kind', column: 'kind', type: 'text' },
  { prop: 'name', column: 'name', type: 'text' },
  { prop: 'country', column: 'country', type: 'text' },
  { prop: 'description', column: 'description', type: 'text' },
  { prop: 'website', column: 'website', type: 'text' },
  { prop: 'tags', column: 'tags', type: 'text[]' },
  { prop: 'pseudonym', column: 'pseudonym', type: 'text' },
  { prop: 'displayName', column: 'display_name', type: 'text' },
  { prop: 'email', column: 'email', type: 'text' },
  { prop: 'phone', column: 'phone', type: 'text' },
  { prop: 'birthYear', column: 'birth_year', type: 'int' },
  { prop: 'conditions', column: 'conditions', type: 'text[]' },
  { prop: 'languages', column: 'languages', type: 'text[]' },
  { prop: 'expertise', column: 'expertise', type: 'text[]' },
  { prop: 'diseaseAreas', column: 'disease_areas', type: 'text[]' },
  { prop: 'umbrella', column: 'umbrella', type: 'text' },
  { prop: 'transparencyRegisterId', column: 'transparency_register_id', type: 'text' },
  { prop: 'companyType', column: 'company_type', type: 'text' },
  { prop: 'therapeuticAreas', column: 'therapeutic_areas', type: 'text[]' },
  { prop: 'efpiaMember', column: 'efpia_member', type: 'boolean' },
  { prop: 'jurisdiction', column: 'jurisdiction', type: 'text' },
  { prop: 'appraisalScope', column: 'appraisal_scope', type: 'text' },
  { prop: 'agencyType', column: 'agency_type', type: 'text' },
  { prop: 'researchKind', column: 'research_kind', type: 'text' },
];
const LISTS = new Set(COLUMNS.filter((c) => c.type === 'text[]').map((c) => c.prop));
/** What an update may change (the kind never changes). */
const UPDATABLE = COLUMNS.filter((c) => c.prop !== 'kind');

/** The columns of a stakeholder file (README "Import and export"). */
export const STAKEHOLDER_IMPORT_COLUMNS = ['externalId', ...COLUMNS.map((c) => c.prop)];

interface Write {
  externalId: string;
  values: Record<string, unknown>;
  /** Set for an update. */
  id?: string;
  changed: string[];
}

interface Stored extends Record<string, unknown> {
  id: string;
  external_id: string;
  kind: StakeholderKind;
  erased_at: Date | null;
}

function fromCsv(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = LISTS.has(key) ? csvCell.list(value) : key === 'birthYear' ? csvCell.int(value) : key === 'efpiaMember' ? csvCell.bool(value) : csvCell.text(value);
  }
  return out;
}

/** A row that passed the checks needing no database. */
type Prepared = { row: number; externalId: string; kind: StakeholderKind; values: Record<string, unknown> };

/** Stakeholders, as createStakeholder (new external ids) and updateStakeholder (known ones) take them. */
export const stakeholderImport: ImportHandler<Prepared, Write> = {
  recordType: 'Stakeholder',
  fromCsv,
  // As createStakeholder reports it.
  constraint: (error) =>
    violatedConstraint(error)?.constraint === 'stakeholder_pseudonym_uq'
      ? { column: 'pseudonym', code: UserErrorCode.CONFLICT, reason: 'Another patient already uses this pseudonym.' }
      : null,

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
      // The mutation's own input type and validators, then the service's rule of which fields a kind takes.
      const coerced = coerceAs<CreateStakeholderInput>(schema, 'CreateStakeholderInput', row, fieldsOf(values, ['idempotencyKey']));
      if ('rejection' in coerced) {
        rejections.push(coerced.rejection);
        continue;
      }
      const invalid = await validateAs(Object.assign(new CreateStakeholderInput(), coerced.value), row);
      if (invalid) {
        rejections.push(invalid);
        continue;
      }
      const { kind, ...fields } = coerced.value;
      const checked = fieldValues(kind, fields);
      if ('errors' in checked) {
        const [error] = checked.errors;
        rejections.push(reject(row, UserErrorCode.BAD_USER_INPUT, error.message, error.field?.replace(/^input\./, '') ?? null));
        continue;
      }
      const required = kind === StakeholderKind.PATIENT ? 'pseudonym' : 'name';
      if (!checked.values[required as keyof Stakeholder]) {
        rejections.push(reject(row, UserErrorCode.BAD_USER_INPUT, `A ${kind} needs a ${required}.`, required));
        continue;
      }
      const full: Record<string, unknown> = { kind };
      for (const c of COLUMNS) if (c.prop !== 'kind') full[c.prop] = (checked.values as Record<string, unknown>)[c.prop] ?? (LISTS.has(c.prop) ? [] : null);
      valid.push({ row, externalId: id.externalId, kind, values: full });
    }
    return { prepared: firstOccurrences(valid, rejections), rejections };
  },

  async resolve(run, rows) {
    const { ctx, tx, owner } = run;
    const rejections: Rejection[] = [];
    // The records these external ids name, as the viewer may see them (the record rule, in SQL).
    const stored = rows.length
      ? await ctx.scope.sql<Stored>(
          `SELECT s.id, s.external_id, s.erased_at, ${COLUMNS.map((c) => `s.${c.column}`).join(', ')} FROM stakeholder s
            WHERE ${ctx.scope.rule('Stakeholder', 's')} AND ${ownedBy('s', owner)} AND s.external_id = ANY(:ids)`,
          { owner, ids: rows.map((r) => r.externalId) },
          tx,
        )
      : [];
    const byExternalId = new Map(stored.map((s) => [s.external_id, s]));
    const plans: Plan<Write>[] = [];
    for (const r of rows) {
      const existing = byExternalId.get(r.externalId);
      if (!existing) {
        const refused = await allowed(r.row, () => authorize(ctx.scope, 'stakeholder:create', { kind: r.kind }));
        if (refused) rejections.push(refused);
        else plans.push({ row: r.row, op: 'create', write: { externalId: r.externalId, values: r.values, changed: COLUMNS.map((c) => c.prop) } });
        continue;
      }
      if (existing.kind !== r.kind) {
        rejections.push(reject(r.row, UserErrorCode.BAD_USER_INPUT, `This record is a ${existing.kind}; a stakeholder's kind cannot change.`, 'kind'));
        continue;
      }
      // An organisation's fields are public: a row equal to the record writes nothing and needs no right to write.
      // A patient's may be hidden from the viewer: the right is asked first, or "unchanged" would tell a hidden value.
      const changed = changedProps(UPDATABLE, existing, r.values);
      if (changed.length > 0 || existing.kind === StakeholderKind.PATIENT) {
        const refused = await allowed(r.row, () =>
          authorize(ctx.scope, 'stakeholder:update', { id: existing.id, kind: existing.kind, erasedAt: existing.erased_at }),
        );
        if (refused) {
          rejections.push(refused);
          continue;
        }
      }
      plans.push({ row: r.row, op: changed.length ? 'update' : 'unchanged', write: { externalId: r.externalId, values: r.values, id: existing.id, changed } });
    }
    return { plans, rejections };
  },

  async write(run, plans) {
    const creates = plans.filter((p) => p.op === 'create');
    const updates = plans.filter((p) => p.op === 'update');
    const ids = await insertRows(
      run.tx,
      'stakeholder',
      COLUMNS,
      creates.map((p) => ({ ...p.write.values, externalId: p.write.externalId })),
      run.owner,
    );
    await updateRows(
      run.tx,
      'stakeholder',
      UPDATABLE,
      updates.map((p) => ({ ...p.write.values, id: p.write.id as string })),
    );
    const rejections: Rejection[] = [];
    const audit = [];
    for (const p of [...creates, ...updates]) {
      const id = p.write.id ?? ids.get(p.write.externalId);
      if (!id) {
        rejections.push(reject(p.row, UserErrorCode.CONFLICT, 'This externalId was imported by another request at the same time; import the file again.', 'externalId'));
        continue;
      }
      const patientId = p.write.values.kind === StakeholderKind.PATIENT ? id : null;
      audit.push({ action: 'transfer:import', outcome: 'allowed' as const, targetType: 'Stakeholder', targetId: id, patientId, fields: p.write.changed });
    }
    return { rejections, audit };
  },
};

