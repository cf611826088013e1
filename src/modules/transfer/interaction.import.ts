import { authorize } from '../../access/actions';
import { UserErrorCode } from '../../shared/mutation';
import { RecordInteractionInput } from '../interaction/interaction.inputs';
import { csvCell } from './transfer.formats';
import { isRejection, resolvePartnerships, resolveReferences, type Found, type FoundPartnership, type Wanted, type WantedPartnership } from './transfer.refs';
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
import { insertRows, sameValue, type ColumnSpec } from './transfer.sql';

const COLUMNS: readonly ColumnSpec[] = [
  { prop: 'kind', column: 'kind', type: 'text' },
  { prop: 'occurredAt', column: 'occurred_at', type: 'timestamptz' },
  { prop: 'durationMinutes', column: 'duration_minutes', type: 'int' },
  { prop: 'partnershipId', column: 'partnership_id', type: 'uuid' },
  { prop: 'summary', column: 'summary', type: 'text' },
  { prop: 'notes', column: 'notes', type: 'text' },
  { prop: 'recordedByUser', column: 'recorded_by_user', type: 'text' },
  { prop: 'recordedByOrgId', column: 'recorded_by_org_id', type: 'uuid' },
];
/** What makes two imports of an interaction the same record (who recorded it is the importer, not the file). */
const COMPARED = COLUMNS.filter((c) => c.prop !== 'recordedByUser' && c.prop !== 'recordedByOrgId');

/** The columns of an interaction file; `participants` is `ext-1;ext-2` in CSV, a list of `{ stakeholderExternalId }` or `{ stakeholderId }` in JSONL. */
export const INTERACTION_IMPORT_COLUMNS = ['externalId', 'kind', 'occurredAt', 'durationMinutes', 'partnershipExternalId', 'partnershipId', 'summary', 'notes', 'participants'];

interface Write {
  externalId: string;
  values: Record<string, unknown>;
  participantIds: string[];
}

/** A row that passed the checks needing no database. */
type Prepared = {
  row: number;
  externalId: string;
  input: RecordInteractionInput;
  participants: StakeholderReference[];
  partnership: WantedPartnership['ref'] | null;
};

const trimmed = (text: string | null | undefined): string | null => text?.trim() || null;

function participantsOf(row: number, value: unknown): { refs: StakeholderReference[] } | { rejection: Rejection } {
  if (!Array.isArray(value)) return { rejection: reject(row, UserErrorCode.BAD_USER_INPUT, 'participants must be a list.', 'participants') };
  const refs: StakeholderReference[] = [];
  for (const [i, entry] of value.entries()) {
    const e = (entry ?? {}) as { stakeholderExternalId?: unknown; stakeholderId?: unknown };
    if (typeof e.stakeholderExternalId === 'string' && e.stakeholderExternalId !== '' && e.stakeholderId === undefined) refs.push({ externalId: e.stakeholderExternalId });
    else if (typeof e.stakeholderId === 'string' && e.stakeholderExternalId === undefined) refs.push({ id: e.stakeholderId });
    else return { rejection: reject(row, UserErrorCode.BAD_USER_INPUT, 'A participant is named by stakeholderExternalId or stakeholderId (one of them).', `participants.${i}`) };
  }
  return { refs };
}

/**
 * Interactions, as recordInteraction records them (without follow-ups: import those as
 * commitments), recorded by the importer. An interaction is a record of what happened and has no
 * update mutation: a known external id with the same values is unchanged, with others refused.
 */
export const interactionImport: ImportHandler<Prepared, Write> = {
  recordType: 'Interaction',
  fromCsv: (values) =>
    Object.fromEntries(
      Object.entries(values).map(([k, v]) => [
        k,
        k === 'participants' ? csvCell.list(v)?.map((id) => ({ stakeholderExternalId: id })) : k === 'durationMinutes' ? csvCell.int(v) : csvCell.text(v),
      ]),
    ),

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
      const participants = participantsOf(row, values.participants ?? []);
      const partnership = referenceOf(row, values, 'partnership');
      if ('rejection' in participants || 'rejection' in partnership) {
        rejections.push('rejection' in participants ? participants.rejection : (partnership as { rejection: Rejection }).rejection);
        continue;
      }
      const fields = fieldsOf(values, ['participants', 'partnershipExternalId', 'partnershipId', 'followUps', 'idempotencyKey']);
      const coerced = coerceAs<RecordInteractionInput>(schema, 'RecordInteractionInput', row, { ...fields, participantIds: participants.refs.map(() => '-') });
      if ('rejection' in coerced) {
        rejections.push(coerced.rejection);
        continue;
      }
      const invalid = await validateAs(Object.assign(new RecordInteractionInput(), coerced.value), row);
      if (invalid) {
        rejections.push({ ...invalid, column: invalid.column === 'participantIds' ? 'participants' : invalid.column });
        continue;
      }
      valid.push({ row, externalId: id.externalId, input: coerced.value, participants: participants.refs, partnership: partnership.ref });
    }
    return { prepared: firstOccurrences(valid, rejections), rejections };
  },

  async resolve(run, rows) {
    const { ctx, tx, owner } = run;
    const viewer = ctx.viewer;
    const rejections: Rejection[] = [];
    const wanted: Wanted[] = rows.flatMap((r) =>
      r.participants.map((ref, i) => ({ row: r.row, column: `participants.${i}.${'externalId' in ref ? 'stakeholderExternalId' : 'stakeholderId'}`, ref })),
    );
    const found = await resolveReferences(run, wanted);
    const partnerships = await resolvePartnerships(
      run,
      rows.flatMap((r) => (r.partnership ? [{ row: r.row, column: 'externalId' in r.partnership ? 'partnershipExternalId' : 'partnershipId', ref: r.partnership }] : [])),
    );
    const stored = rows.length
      ? await ctx.scope.sql<Record<string, unknown> & { id: string; external_id: string; participant_ids: string[] }>(
          `SELECT i.id, i.external_id, ${COLUMNS.map((c) => `i.${c.column}`).join(', ')},
                  ARRAY(SELECT p.stakeholder_id::text FROM interaction_participant p WHERE p.interaction_id = i.id ORDER BY 1) AS participant_ids
             FROM interaction i
            WHERE ${ctx.scope.rule('Interaction', 'i')} AND ${ownedBy('i', owner)} AND i.external_id = ANY(:ids)`,
          { owner, ids: rows.map((r) => r.externalId) },
          tx,
        )
      : [];
    const byExternalId = new Map(stored.map((s) => [s.external_id, s]));
    const plans: Plan<Write>[] = [];
    let next = 0;
    let nextPartnership = 0;
    for (const r of rows) {
      const mine = found.slice(next, next + r.participants.length);
      next += r.participants.length;
      const partnership: FoundPartnership | Rejection | null = r.partnership ? partnerships[nextPartnership++] : null;
      const refused = mine.find(isRejection) ?? (partnership && 'reason' in partnership ? partnership : undefined);
      if (refused) {
        rejections.push(refused);
        continue;
      }
      const participantIds = (mine as Found[]).map((f) => f.id);
      if (new Set(participantIds).size !== participantIds.length) {
        rejections.push(reject(r.row, UserErrorCode.BAD_USER_INPUT, 'A stakeholder takes part only once.', 'participants'));
        continue;
      }
      const values: Record<string, unknown> = {
        kind: r.input.kind,
        occurredAt: r.input.occurredAt,
        durationMinutes: r.input.durationMinutes ?? null,
        partnershipId: (partnership as FoundPartnership | null)?.id ?? null,
        summary: trimmed(r.input.summary),
        notes: trimmed(r.input.notes),
        recordedByUser: viewer?.userId ?? null,
        recordedByOrgId: viewer?.orgId ?? null,
      };
      const existing = byExternalId.get(r.externalId);
      if (existing) {
        const same = COMPARED.every((c) => sameValue(existing[c.column], values[c.prop])) && sameValue(existing.participant_ids, [...participantIds].sort());
        if (same) plans.push({ row: r.row, op: 'unchanged', write: { externalId: r.externalId, values, participantIds } });
        else rejections.push(reject(r.row, UserErrorCode.BAD_USER_INPUT, 'A recorded interaction does not change; import a correction under a new externalId.', 'externalId'));
        continue;
      }
      const denied = await allowed(r.row, () => authorize(ctx.scope, 'interaction:record', { participantIds }));
      if (denied) {
        rejections.push(denied);
        continue;
      }
      plans.push({ row: r.row, op: 'create', write: { externalId: r.externalId, values, participantIds } });
    }
    return { plans, rejections };
  },

  async write(run, plans) {
    const ids = await insertRows(run.tx, 'interaction', COLUMNS, plans.map((p) => ({ ...p.write.values, externalId: p.write.externalId })), run.owner);
    const rejections: Rejection[] = [];
    const audit = [];
    const participants: { interaction_id: string; stakeholder_id: string }[] = [];
    for (const p of plans) {
      const id = ids.get(p.write.externalId);
      if (!id) {
        rejections.push(reject(p.row, UserErrorCode.CONFLICT, 'This externalId is already used by another interaction.', 'externalId'));
        continue;
      }
      for (const stakeholderId of p.write.participantIds) participants.push({ interaction_id: id, stakeholder_id: stakeholderId });
      audit.push({ action: 'transfer:import', outcome: 'allowed' as const, targetType: 'Interaction', targetId: id, fields: [...COMPARED.map((c) => c.prop), 'participants'] });
    }
    if (participants.length > 0) {
      await run.tx.query(
        `INSERT INTO interaction_participant (interaction_id, stakeholder_id)
         SELECT r.interaction_id, r.stakeholder_id FROM jsonb_to_recordset($1::jsonb) AS r(interaction_id uuid, stakeholder_id uuid)`,
        [JSON.stringify(participants)],
      );
    }
    return { rejections, audit };
  },
};
