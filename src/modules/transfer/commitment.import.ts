import { authorize } from '../../access/actions';
import { UserErrorCode } from '../../shared/mutation';
import { COMMITMENT_TRANSITIONS, CommitmentStatus } from '../commitment/commitment.entity';
import { MakeCommitmentInput } from '../commitment/commitment.inputs';
import { PartnershipStatus } from '../partnership/partnership.entity';
import { csvCell } from './transfer.formats';
import { isRejection, resolvePartnerships, resolveReferences, type FoundPartnership, type Wanted, type WantedPartnership } from './transfer.refs';
import {
  allowed,
  coerceAs,
  externalIdOf,
  fieldsOf,
  firstOccurrences,
  ownedBy,
  referenceOf,
  reject,
  validateAs,
  type ImportHandler,
  type Plan,
  type Rejection,
  type StakeholderReference,
} from './transfer.rows';
import { changedProps, insertRows, updateRows, type ColumnSpec } from './transfer.sql';

const COLUMNS: readonly ColumnSpec[] = [
  { prop: 'title', column: 'title', type: 'text' },
  { prop: 'description', column: 'description', type: 'text' },
  { prop: 'committerId', column: 'committer_id', type: 'uuid' },
  { prop: 'beneficiaryId', column: 'beneficiary_id', type: 'uuid' },
  { prop: 'partnershipId', column: 'partnership_id', type: 'uuid' },
  { prop: 'dueDate', column: 'due_date', type: 'date' },
  { prop: 'status', column: 'status', type: 'text' },
  { prop: 'fulfilledAt', column: 'fulfilled_at', type: 'timestamptz' },
  { prop: 'evidence', column: 'evidence', type: 'text' },
];
/** What a known commitment may change: its text and due date (as its committer's managers may), its status along COMMITMENT_TRANSITIONS. */
const FIELDS = COLUMNS.filter((c) => ['title', 'description', 'dueDate'].includes(c.prop));
/** Who and where never change: another committer or partnership is another commitment. */
const FIXED = COLUMNS.filter((c) => ['committerId', 'beneficiaryId', 'partnershipId'].includes(c.prop));

/** The columns of a commitment file. */
export const COMMITMENT_IMPORT_COLUMNS = [
  'externalId',
  'title',
  'description',
  'committerExternalId',
  'committerId',
  'beneficiaryExternalId',
  'beneficiaryId',
  'partnershipExternalId',
  'partnershipId',
  'dueDate',
  'status',
  'evidence',
];

interface Write {
  externalId: string;
  values: Record<string, unknown>;
  id?: string;
  changed: string[];
}

/** A row that passed the checks needing no database. */
type Prepared = {
  row: number;
  externalId: string;
  input: MakeCommitmentInput;
  status: CommitmentStatus;
  evidence: string | null;
  committer: StakeholderReference;
  beneficiary: StakeholderReference | null;
  partnership: WantedPartnership['ref'] | null;
};

/**
 * Commitments, as makeCommitment makes them (new external ids), with the status they have
 * elsewhere (FULFILLED ones dated by the import, with their evidence); a known one takes changes
 * of its title, description and due date, and a status change along COMMITMENT_TRANSITIONS, as
 * changeCommitmentStatus allows them.
 */
export const commitmentImport: ImportHandler<Prepared, Write> = {
  recordType: 'Commitment',
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
      const committer = referenceOf(row, values, 'committer');
      const beneficiary = referenceOf(row, values, 'beneficiary');
      const partnership = referenceOf(row, values, 'partnership');
      const refused = [committer, beneficiary, partnership].find((r): r is { rejection: Rejection } => 'rejection' in r);
      if (refused) {
        rejections.push(refused.rejection);
        continue;
      }
      const committerRef = (committer as { ref: StakeholderReference | null }).ref;
      if (!committerRef) {
        rejections.push(reject(row, UserErrorCode.BAD_USER_INPUT, 'A commitment names its committer (committerExternalId or committerId).', 'committerId'));
        continue;
      }
      const status = values.status ?? CommitmentStatus.OPEN;
      if (typeof status !== 'string' || !(status in COMMITMENT_TRANSITIONS)) {
        rejections.push(reject(row, UserErrorCode.BAD_USER_INPUT, `status must be one of ${Object.keys(COMMITMENT_TRANSITIONS).join(', ')}.`, 'status'));
        continue;
      }
      const evidence = typeof values.evidence === 'string' && values.evidence.trim() !== '' ? values.evidence.trim() : null;
      // changeCommitmentStatus's rule: evidence only with FULFILLED.
      if (evidence !== null && status !== CommitmentStatus.FULFILLED) {
        rejections.push(reject(row, UserErrorCode.BAD_USER_INPUT, 'Evidence is recorded only when fulfilling.', 'evidence'));
        continue;
      }
      if (evidence !== null && evidence.length > 2000) {
        rejections.push(reject(row, UserErrorCode.BAD_USER_INPUT, 'evidence is longer than 2,000 characters.', 'evidence'));
        continue;
      }
      const fields = fieldsOf(values, [
        'committerExternalId',
        'committerId',
        'beneficiaryExternalId',
        'beneficiaryId',
        'partnershipExternalId',
        'partnershipId',
        'status',
        'evidence',
        'idempotencyKey',
      ]);
      const coerced = coerceAs<MakeCommitmentInput>(schema, 'MakeCommitmentInput', row, { ...fields, committerId: '-' });
      if ('rejection' in coerced) {
        rejections.push(coerced.rejection);
        continue;
      }
      const invalid = await validateAs(Object.assign(new MakeCommitmentInput(), coerced.value), row);
      if (invalid) {
        rejections.push(invalid);
        continue;
      }
      valid.push({
        row,
        externalId: id.externalId,
        input: coerced.value,
        status: status as CommitmentStatus,
        evidence,
        committer: committerRef,
        beneficiary: (beneficiary as { ref: StakeholderReference | null }).ref,
        partnership: (partnership as { ref: StakeholderReference | null }).ref,
      });
    }
    return { prepared: firstOccurrences(valid, rejections), rejections };
  },

  async resolve(run, rows) {
    const { ctx, tx, owner } = run;
    const rejections: Rejection[] = [];
    const wanted: Wanted[] = rows.flatMap((r) => [
      { row: r.row, column: 'externalId' in r.committer ? 'committerExternalId' : 'committerId', ref: r.committer },
      ...(r.beneficiary ? [{ row: r.row, column: 'externalId' in r.beneficiary ? 'beneficiaryExternalId' : 'beneficiaryId', ref: r.beneficiary }] : []),
    ]);
    const found = await resolveReferences(run, wanted);
    const wantedPartnerships: WantedPartnership[] = rows.flatMap((r) =>
      r.partnership ? [{ row: r.row, column: 'externalId' in r.partnership ? 'partnershipExternalId' : 'partnershipId', ref: r.partnership }] : [],
    );
    const partnerships = await resolvePartnerships(run, wantedPartnerships);
    const stored = rows.length
      ? await ctx.scope.sql<Record<string, unknown> & { id: string; external_id: string; status: CommitmentStatus }>(
          `SELECT c.id, c.external_id, ${COLUMNS.map((col) => `c.${col.column}`).join(', ')} FROM commitment c
            WHERE ${ctx.scope.rule('Commitment', 'c')} AND ${ownedBy('c', owner)} AND c.external_id = ANY(:ids)`,
          { owner, ids: rows.map((r) => r.externalId) },
          tx,
        )
      : [];
    const byExternalId = new Map(stored.map((s) => [s.external_id, s]));
    const plans: Plan<Write>[] = [];
    let next = 0;
    let nextPartnership = 0;
    for (const r of rows) {
      const committer = found[next];
      const beneficiary = r.beneficiary ? found[next + 1] : null;
      next += r.beneficiary ? 2 : 1;
      const partnership: FoundPartnership | Rejection | null = r.partnership ? partnerships[nextPartnership++] : null;
      const refused = [committer, beneficiary, partnership].find((x): x is Rejection => x !== null && 'reason' in x);
      if (refused) {
        rejections.push(refused);
        continue;
      }
      const committerId = (committer as Exclude<typeof committer, Rejection>).id;
      const beneficiaryId = beneficiary && !isRejection(beneficiary) ? beneficiary.id : null;
      const inPartnership = partnership as FoundPartnership | null;
      // makeCommitment's rules.
      if (beneficiaryId === committerId) {
        rejections.push(reject(r.row, UserErrorCode.BAD_USER_INPUT, 'A stakeholder cannot commit to itself.', 'beneficiaryId'));
        continue;
      }
      const values: Record<string, unknown> = {
        title: r.input.title.trim(),
        description: r.input.description ?? null,
        committerId,
        beneficiaryId,
        partnershipId: inPartnership?.id ?? null,
        dueDate: r.input.dueDate ?? null,
        status: r.status,
        evidence: r.evidence,
      };
      const existing = byExternalId.get(r.externalId);
      if (!existing) {
        if (inPartnership?.status === PartnershipStatus.CONCLUDED) {
          rejections.push(reject(r.row, UserErrorCode.BAD_USER_INPUT, 'This partnership is concluded.', 'partnershipId'));
          continue;
        }
        if (inPartnership && !inPartnership.memberIds.includes(committerId)) {
          rejections.push(reject(r.row, UserErrorCode.BAD_USER_INPUT, 'The committer is not a current member of this partnership.', 'committerId'));
          continue;
        }
        const denied = await allowed(r.row, () => authorize(ctx.scope, 'commitment:make', { committerId, partnershipId: inPartnership?.id ?? null }));
        if (denied) {
          rejections.push(denied);
          continue;
        }
        plans.push({ row: r.row, op: 'create', write: { externalId: r.externalId, values, changed: COLUMNS.map((c) => c.prop) } });
        continue;
      }
      if (changedProps(FIXED, existing, values).length > 0) {
        rejections.push(
          reject(r.row, UserErrorCode.BAD_USER_INPUT, 'A commitment keeps its committer, beneficiary and partnership; import another one under a new externalId.', 'externalId'),
        );
        continue;
      }
      const changed = changedProps(FIELDS, existing, values);
      if (existing.status !== r.status) {
        if (!COMMITMENT_TRANSITIONS[existing.status].includes(r.status)) {
          rejections.push(reject(r.row, UserErrorCode.BAD_USER_INPUT, `A ${existing.status} commitment cannot become ${r.status}.`, 'status'));
          continue;
        }
        changed.push('status', ...(r.evidence !== null ? ['evidence'] : []));
      } else if (r.evidence !== (existing.evidence ?? null)) {
        rejections.push(reject(r.row, UserErrorCode.BAD_USER_INPUT, 'Evidence is recorded once, when the commitment is fulfilled.', 'evidence'));
        continue;
      }
      if (changed.length > 0) {
        const denied = await allowed(r.row, () =>
          authorize(ctx.scope, 'commitment:changeStatus', { committerId, partnershipId: inPartnership?.id ?? null }),
        );
        if (denied) {
          rejections.push(denied);
          continue;
        }
      }
      // A fulfilment is dated by the import, as changeCommitmentStatus dates it.
      if (changed.includes('status') && r.status === CommitmentStatus.FULFILLED) values.fulfilledAt = new Date();
      else values.fulfilledAt = existing.fulfilled_at ?? null;
      plans.push({ row: r.row, op: changed.length > 0 ? 'update' : 'unchanged', write: { externalId: r.externalId, values, id: existing.id, changed } });
    }
    return { plans, rejections };
  },

  async write(run, plans) {
    const creates = plans.filter((p) => p.op === 'create');
    const updates = plans.filter((p) => p.op === 'update');
    const now = new Date();
    const ids = await insertRows(
      run.tx,
      'commitment',
      COLUMNS,
      creates.map((p) => ({ ...p.write.values, fulfilledAt: p.write.values.status === CommitmentStatus.FULFILLED ? now : null, externalId: p.write.externalId })),
      run.owner,
    );
    await updateRows(
      run.tx,
      'commitment',
      [...FIELDS, ...COLUMNS.filter((c) => ['status', 'fulfilledAt', 'evidence'].includes(c.prop))],
      updates.map((p) => ({ ...p.write.values, id: p.write.id as string })),
    );
    const rejections: Rejection[] = [];
    const audit = [];
    for (const p of [...creates, ...updates]) {
      const id = p.write.id ?? ids.get(p.write.externalId);
      if (!id) {
        rejections.push(reject(p.row, UserErrorCode.CONFLICT, 'This externalId is already used by another commitment.', 'externalId'));
        continue;
      }
      audit.push({ action: 'transfer:import', outcome: 'allowed' as const, targetType: 'Commitment', targetId: id, fields: p.write.changed });
    }
    return { rejections, audit };
  },
};
