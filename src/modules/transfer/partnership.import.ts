import { authorize } from '../../access/actions';
import { UserErrorCode } from '../../shared/mutation';
import { MemberRole, PARTNERSHIP_TRANSITIONS, PartnershipStatus } from '../partnership/partnership.entity';
import { PartnershipMemberInput, ProposePartnershipInput } from '../partnership/partnership.inputs';
import { csvCell } from './transfer.formats';
import { isRejection, resolveReferences, type Found, type Wanted } from './transfer.refs';
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
  type StakeholderReference,
  ownedBy,
} from './transfer.rows';
import { changedProps, insertRows, updateRows, type ColumnSpec } from './transfer.sql';

const COLUMNS: readonly ColumnSpec[] = [
  { prop: 'title', column: 'title', type: 'text' },
  { prop: 'description', column: 'description', type: 'text' },
  { prop: 'type', column: 'type', type: 'text' },
  { prop: 'status', column: 'status', type: 'text' },
  { prop: 'visibility', column: 'visibility', type: 'text' },
  { prop: 'developmentStage', column: 'development_stage', type: 'text' },
  { prop: 'therapeuticArea', column: 'therapeutic_area', type: 'text' },
  { prop: 'startDate', column: 'start_date', type: 'date' },
  { prop: 'endDate', column: 'end_date', type: 'date' },
];
/** The partnership's own fields, status aside (its changes follow PARTNERSHIP_TRANSITIONS). */
const FIELDS = COLUMNS.filter((c) => c.prop !== 'status');

/** The columns of a partnership file; `members` is `externalId:ROLE;…` in CSV, a list of objects in JSONL. */
export const PARTNERSHIP_IMPORT_COLUMNS = ['externalId', ...COLUMNS.map((c) => c.prop), 'members'];

interface Member {
  stakeholderId: string;
  role: MemberRole;
}

interface Write {
  externalId: string;
  values: Record<string, unknown>;
  members: Member[];
  /** Members to add to an existing partnership. */
  added: Member[];
  id?: string;
  changed: string[];
}

interface Stored extends Record<string, unknown> {
  id: string;
  external_id: string;
  status: PartnershipStatus;
  members: { stakeholder_id: string; role: MemberRole }[];
}

/** `ext-1:LEAD;ext-2:MEMBER` → the JSONL shape. */
function membersFromCsv(value: unknown): unknown {
  const items = csvCell.list(value);
  if (!items) return undefined;
  return items.map((item) => {
    const at = item.lastIndexOf(':');
    return at < 0 ? { stakeholderExternalId: item } : { stakeholderExternalId: item.slice(0, at), role: item.slice(at + 1) };
  });
}

/** A member entry of a row: its reference and role, as written. */
function memberEntries(row: number, value: unknown): { entries: { ref: StakeholderReference; role: unknown }[] } | { rejection: Rejection } {
  if (!Array.isArray(value)) return { rejection: reject(row, UserErrorCode.BAD_USER_INPUT, 'members must be a list.', 'members') };
  const entries: { ref: StakeholderReference; role: unknown }[] = [];
  for (const [i, entry] of value.entries()) {
    const e = (entry ?? {}) as { stakeholderExternalId?: unknown; stakeholderId?: unknown; role?: unknown };
    if (typeof e.stakeholderExternalId === 'string' && e.stakeholderExternalId !== '' && e.stakeholderId === undefined) {
      entries.push({ ref: { externalId: e.stakeholderExternalId }, role: e.role });
    } else if (typeof e.stakeholderId === 'string' && e.stakeholderExternalId === undefined) {
      entries.push({ ref: { id: e.stakeholderId }, role: e.role });
    } else {
      return {
        rejection: reject(row, UserErrorCode.BAD_USER_INPUT, 'A member names its stakeholder by stakeholderExternalId or stakeholderId (one of them).', `members.${i}`),
      };
    }
  }
  return { entries };
}

/** A row that passed the checks needing no database. */
type Prepared = { row: number; externalId: string; input: ProposePartnershipInput; status: PartnershipStatus; refs: StakeholderReference[] };

/**
 * Partnerships and their members, as proposePartnership takes them (new external ids); a known
 * one takes changes of its fields as its members' engagement managers may make them, a status
 * change only along PARTNERSHIP_TRANSITIONS, and new members as addPartnershipMember adds them.
 * A new partnership may come with the status it has elsewhere (an import records what happened).
 */
export const partnershipImport: ImportHandler<Prepared, Write> = {
  recordType: 'Partnership',
  fromCsv: (values) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, k === 'members' ? membersFromCsv(v) : csvCell.text(v)])),

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
      const members = memberEntries(row, values.members ?? []);
      if ('rejection' in members) {
        rejections.push(members.rejection);
        continue;
      }
      const status = values.status ?? PartnershipStatus.PROPOSED;
      if (typeof status !== 'string' || !(status in PARTNERSHIP_TRANSITIONS)) {
        rejections.push(reject(row, UserErrorCode.BAD_USER_INPUT, `status must be one of ${Object.keys(PARTNERSHIP_TRANSITIONS).join(', ')}.`, 'status'));
        continue;
      }
      const fields = fieldsOf(values, ['members', 'status', 'idempotencyKey']);
      const members_ = members.entries.map((m) => ({ stakeholderId: '-', role: m.role }));
      const coerced = coerceAs<ProposePartnershipInput>(schema, 'ProposePartnershipInput', row, { ...fields, members: members_ });
      if ('rejection' in coerced) {
        rejections.push(coerced.rejection);
        continue;
      }
      const input = Object.assign(new ProposePartnershipInput(), coerced.value, {
        members: coerced.value.members.map((m) => Object.assign(new PartnershipMemberInput(), m)),
      });
      const invalid = await validateAs(input, row);
      if (invalid) {
        rejections.push(invalid);
        continue;
      }
      // proposePartnership's rules.
      if (input.startDate && input.endDate && input.endDate < input.startDate) {
        rejections.push(reject(row, UserErrorCode.BAD_USER_INPUT, 'endDate cannot be before startDate.', 'endDate'));
        continue;
      }
      if (!input.members.some((m) => m.role === MemberRole.LEAD)) {
        rejections.push(reject(row, UserErrorCode.BAD_USER_INPUT, 'A partnership needs at least one LEAD member.', 'members'));
        continue;
      }
      valid.push({ row, externalId: id.externalId, input, status: status as PartnershipStatus, refs: members.entries.map((m) => m.ref) });
    }
    return { prepared: firstOccurrences(valid, rejections), rejections };
  },

  async resolve(run, rows) {
    const { ctx, tx, owner } = run;
    const rejections: Rejection[] = [];
    const wanted: Wanted[] = rows.flatMap((r) =>
      r.refs.map((ref, i) => ({ row: r.row, column: `members.${i}.${'externalId' in ref ? 'stakeholderExternalId' : 'stakeholderId'}`, ref })),
    );
    const found = await resolveReferences(run, wanted);
    const stored = rows.length
      ? await ctx.scope.sql<Stored>(
          `SELECT p.id, p.external_id, ${COLUMNS.map((c) => `p.${c.column}`).join(', ')},
                  coalesce((SELECT json_agg(json_build_object('stakeholder_id', m.stakeholder_id, 'role', m.role))
                              FROM partnership_member m WHERE m.partnership_id = p.id AND m.left_at IS NULL), '[]') AS members
             FROM partnership p
            WHERE ${ctx.scope.rule('Partnership', 'p')} AND ${ownedBy('p', owner)} AND p.external_id = ANY(:ids)`,
          { owner, ids: rows.map((r) => r.externalId) },
          tx,
        )
      : [];
    const byExternalId = new Map(stored.map((s) => [s.external_id, s]));
    const plans: Plan<Write>[] = [];
    let next = 0;
    for (const r of rows) {
      const mine = found.slice(next, next + r.refs.length);
      next += r.refs.length;
      const refused = mine.find(isRejection);
      if (refused) {
        rejections.push(refused);
        continue;
      }
      const members = (mine as Found[]).map((f, i) => ({ stakeholderId: f.id, role: r.input.members[i].role }));
      if (new Set(members.map((m) => m.stakeholderId)).size !== members.length) {
        rejections.push(reject(r.row, UserErrorCode.BAD_USER_INPUT, 'Each stakeholder can be listed once.', 'members'));
        continue;
      }
      const values: Record<string, unknown> = {
        title: r.input.title.trim(),
        description: r.input.description ?? null,
        type: r.input.type,
        status: r.status,
        visibility: r.input.visibility,
        developmentStage: r.input.developmentStage ?? null,
        therapeuticArea: r.input.therapeuticArea?.trim() ?? null,
        startDate: r.input.startDate ?? null,
        endDate: r.input.endDate ?? null,
      };
      const existing = byExternalId.get(r.externalId);
      if (!existing) {
        const denied = await allowed(r.row, () => authorize(ctx.scope, 'partnership:propose', { memberIds: members.map((m) => m.stakeholderId) }));
        if (denied) rejections.push(denied);
        else plans.push({ row: r.row, op: 'create', write: { externalId: r.externalId, values, members, added: [], changed: [...COLUMNS.map((c) => c.prop), 'members'] } });
        continue;
      }
      const changed = changedProps(FIELDS, existing, values);
      if (existing.status !== r.status) {
        if (!PARTNERSHIP_TRANSITIONS[existing.status].includes(r.status)) {
          rejections.push(reject(r.row, UserErrorCode.BAD_USER_INPUT, `A ${existing.status} partnership cannot become ${r.status}.`, 'status'));
          continue;
        }
        changed.push('status');
      }
      const current = new Map(existing.members.map((m) => [m.stakeholder_id, m.role]));
      const moved = members.find((m) => current.has(m.stakeholderId) && current.get(m.stakeholderId) !== m.role);
      if (moved) {
        rejections.push(
          reject(r.row, UserErrorCode.BAD_USER_INPUT, "A current member's role does not change by import: remove the member and add them again.", 'members'),
        );
        continue;
      }
      const added = members.filter((m) => !current.has(m.stakeholderId));
      if (changed.length > 0 || added.length > 0) {
        // The partnership's fields as changePartnershipStatus, its new members as addPartnershipMember.
        const denied =
          (changed.length > 0 ? await allowed(r.row, () => authorize(ctx.scope, 'partnership:changeStatus', { partnershipId: existing.id })) : null) ??
          (added.length > 0 ? await allowed(r.row, () => authorize(ctx.scope, 'partnership:addMember', { partnershipId: existing.id })) : null);
        if (denied) {
          rejections.push(denied);
          continue;
        }
        if (added.length > 0 && existing.status === PartnershipStatus.CONCLUDED) {
          rejections.push(reject(r.row, UserErrorCode.BAD_USER_INPUT, 'This partnership is concluded; its membership can no longer change.', 'members'));
          continue;
        }
      }
      const op = changed.length > 0 || added.length > 0 ? 'update' : 'unchanged';
      plans.push({ row: r.row, op, write: { externalId: r.externalId, values, members, added, id: existing.id, changed: added.length ? [...changed, 'members'] : changed } });
    }
    return { plans, rejections };
  },

  async write(run, plans) {
    const creates = plans.filter((p) => p.op === 'create');
    const updates = plans.filter((p) => p.op === 'update');
    const ids = await insertRows(
      run.tx,
      'partnership',
      COLUMNS,
      creates.map((p) => ({ ...p.write.values, externalId: p.write.externalId })),
      run.owner,
    );
    await updateRows(run.tx, 'partnership', COLUMNS, updates.filter((p) => p.write.changed.some((c) => c !== 'members')).map((p) => ({ ...p.write.values, id: p.write.id as string })));
    const rejections: Rejection[] = [];
    const audit = [];
    const memberRows: { partnership_id: string; stakeholder_id: string; role: MemberRole }[] = [];
    for (const p of [...creates, ...updates]) {
      const id = p.write.id ?? ids.get(p.write.externalId);
      if (!id) {
        rejections.push(reject(p.row, UserErrorCode.CONFLICT, 'This externalId is already used by another partnership.', 'externalId'));
        continue;
      }
      for (const m of p.op === 'create' ? p.write.members : p.write.added) memberRows.push({ partnership_id: id, stakeholder_id: m.stakeholderId, role: m.role });
      audit.push({ action: 'transfer:import', outcome: 'allowed' as const, targetType: 'Partnership', targetId: id, fields: p.write.changed });
    }
    if (memberRows.length > 0) {
      await run.tx.query(
        `INSERT INTO partnership_member (partnership_id, stakeholder_id, role)
         SELECT r.partnership_id, r.stakeholder_id, r.role FROM jsonb_to_recordset($1::jsonb) AS r(partnership_id uuid, stakeholder_id uuid, role text)`,
        [JSON.stringify(memberRows)],
      );
    }
    return { rejections, audit };
  },
};
