import type { EntityManager } from 'typeorm';
import { stakeholderIdOf } from '../../access/patient-ids';
import { actingViewer, assertActsForOneOf, isAdmin } from '../../access/acting';
import { CLASSES, Sensitivity } from '../../access/policy';
import { Role } from '../../access/viewer';
import { paginate, SortDirection, type Page, type PageArgs, type SortKey } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { forbidden } from '../../graphql/errors';
import {
  notFound,
  runMutation,
  staleVersion,
  updateVersioned,
  userError,
  UserErrorCode,
  type PayloadShape,
  type UserError,
} from '../../shared/mutation';
import { violatedConstraint } from '../../shared/pg-errors';
import { STAKEHOLDER_CLASS, Stakeholder, StakeholderKind } from './stakeholder.entity';
import {
  StakeholderOrderField,
  type ArchiveStakeholderInput,
  type CreateStakeholderInput,
  type StakeholderFieldsInput,
  type StakeholderFilter,
  type StakeholderOrder,
  type UpdateStakeholderInput,
} from './stakeholder.inputs';

const COMMON_FIELDS = ['name', 'country', 'description', 'website', 'tags'] as const;
/** Which kind-specific fields each kind accepts. */
export const KIND_FIELDS: Record<StakeholderKind, readonly (keyof StakeholderFieldsInput)[]> = {
  PATIENT: ['pseudonym', 'displayName', 'email', 'phone', 'birthYear', 'conditions', 'languages', 'expertise'],
  PATIENT_ORGANISATION: ['diseaseAreas', 'umbrella', 'transparencyRegisterId'],
  COMPANY: ['companyType', 'therapeuticAreas', 'efpiaMember'],
  HTA_BODY: ['jurisdiction', 'appraisalScope'],
  REGULATOR: ['jurisdiction', 'agencyType'],
  RESEARCH_ORGANISATION: ['researchKind'],
};
const ALL_KIND_FIELDS = new Set(Object.values(KIND_FIELDS).flat());
const ARRAY_FIELDS = new Set(['tags', 'conditions', 'languages', 'expertise', 'diseaseAreas', 'therapeuticAreas']);
const NON_NULL_FIELDS = new Set(['name', 'pseudonym', ...ARRAY_FIELDS]);
/** Reference data (regulators, HTA bodies) is kept by the secretariat. */
const ADMIN_ONLY_KINDS = new Set([StakeholderKind.REGULATOR, StakeholderKind.HTA_BODY]);

const SORT: Record<StakeholderOrderField, SortKey & { value: (s: Stakeholder) => unknown }> = {
  NAME: { expression: 's.name', cast: 'text', value: (s) => s.name },
  CREATED_AT: { expression: 's.created_at', cast: 'timestamptz', value: (s) => s.createdAt },
  UPDATED_AT: { expression: 's.updated_at', cast: 'timestamptz', value: (s) => s.updatedAt },
};

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Checks which fields of `input` apply to `kind`, and turns them into column values. */
function fieldValues(kind: StakeholderKind, input: StakeholderFieldsInput): { values: Partial<Stakeholder> } | { errors: UserError[] } {
  const errors: UserError[] = [];
  const allowed = new Set<string>([...COMMON_FIELDS, ...KIND_FIELDS[kind]]);
  if (kind === StakeholderKind.PATIENT) allowed.delete('name');
  const values: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined || !(COMMON_FIELDS.includes(field as never) || ALL_KIND_FIELDS.has(field as never))) continue;
    if (!allowed.has(field)) {
      errors.push(
        userError(
          UserErrorCode.BAD_USER_INPUT,
          field === 'name' ? 'A patient is named by their pseudonym; set pseudonym instead.' : `${field} does not apply to a ${kind}.`,
          `input.${field}`,
        ),
      );
      continue;
    }
    if (value === null && NON_NULL_FIELDS.has(field)) {
      errors.push(userError(UserErrorCode.BAD_USER_INPUT, `${field} cannot be null.`, `input.${field}`));
      continue;
    }
    values[field] = typeof value === 'string' ? value.trim() : value;
  }
  if (kind === StakeholderKind.PATIENT && typeof values.pseudonym === 'string') values.name = values.pseudonym;
  return errors.length > 0 ? { errors } : { values: values as Partial<Stakeholder> };
}

/** A stakeholder named in a mutation's input. */
export interface StakeholderRef {
  globalId: string;
  /** Input path reported when the reference is bad, e.g. `input.participantIds.1`. */
  field: string;
  /** What the input must name, for the NOT_FOUND message; `stakeholder` by default. */
  what?: string;
  /** A further rule on the stakeholder (e.g. its kind), checked before the archived check. */
  check?: (stakeholder: Stakeholder) => UserError | null;
}

/**
 * Resolves stakeholder references in one query: an unknown (or undecodable) id is NOT_FOUND, an
 * archived stakeholder cannot enter new records (BAD_USER_INPUT). Returns database ids in the order of `refs`.
 */
export async function resolveStakeholderRefs(
  ctx: Pick<Context, 'viewer'>,
  tx: EntityManager,
  refs: readonly StakeholderRef[],
): Promise<{ ids: string[] } | { errors: UserError[] }> {
  // A redacted patient's id opens only for the viewer it was shown to.
  const ids = refs.map((ref) => stakeholderIdOf(ctx, ref.globalId));
  const known = ids.filter((id): id is string => id !== null);
  const rows = known.length
    ? await tx.getRepository(Stakeholder).createQueryBuilder('s').where('s.id = ANY(:ids)', { ids: known }).getMany()
    : [];
  const byId = new Map(rows.map((s) => [s.id, s]));
  const errors = refs.flatMap((ref, i) => {
    const id = ids[i];
    const found = id === null ? undefined : byId.get(id);
    if (!found) return [notFound(ref.what ?? 'stakeholder', ref.field)];
    const refused = ref.check?.(found);
    if (refused) return [refused];
    return found.archivedAt ? [userError(UserErrorCode.BAD_USER_INPUT, `${found.name} is archived.`, ref.field)] : [];
  });
  return errors.length ? { errors } : { ids: ids as string[] };
}

/** The stakeholder a stakeholder id sent by this viewer names (a redacted patient's id included); null when there is none. */
async function findByStakeholderId(ctx: Context, id: string): Promise<Stakeholder | null> {
  const dbId = stakeholderIdOf(ctx, id);
  return dbId ? ctx.db.getRepository(Stakeholder).findOneBy({ id: dbId }) : null;
}

/**
 * A filter on a sensitive field would be an oracle for the rows it leaves out: only viewers who
 * read the field on every record (its class's roles) may use it; anyone else is refused and
 * nothing runs.
 */
function assertMayFilterOn(ctx: Context, sensitivity: Sensitivity, field: string): void {
  const viewer = actingViewer(ctx);
  if (!CLASSES[sensitivity].roles.includes(viewer.role)) throw forbidden(`You may not filter on ${field}.`);
}

function constraintError(error: unknown): UserError[] | null {
  const violated = violatedConstraint(error);
  if (violated?.constraint === 'stakeholder_pseudonym_uq') {
    return [userError(UserErrorCode.CONFLICT, 'Another patient already uses this pseudonym.', 'input.pseudonym')];
  }
  return null;
}

export const stakeholderService = {
  async find(ctx: Context, globalId: string): Promise<Stakeholder | null> {
    const id = stakeholderIdOf(ctx, globalId);
    return id ? ctx.loaders.stakeholder.load(id) : null;
  },

  async list(ctx: Context, page: PageArgs, filter?: StakeholderFilter | null, order?: StakeholderOrder | null): Promise<Page<Stakeholder>> {
    if (filter?.conditions) assertMayFilterOn(ctx, Sensitivity.PATIENT_HEALTH, 'conditions');
    const qb = ctx.db.getRepository(Stakeholder).createQueryBuilder('s');
    if (!filter?.includeArchived) qb.andWhere('s.archived_at IS NULL');
    if (filter?.kinds?.length) qb.andWhere('s.kind = ANY(:kinds)', { kinds: filter.kinds });
    if (filter?.countries?.length) qb.andWhere('s.country = ANY(:countries)', { countries: filter.countries });
    if (filter?.tags?.length) qb.andWhere('s.tags @> CAST(:tags AS text[])', { tags: filter.tags });
    if (filter?.conditions?.length) {
      qb.andWhere(`s.kind = 'PATIENT' AND s.conditions && CAST(:conditions AS text[])`, { conditions: filter.conditions });
    }
    if (filter?.search) qb.andWhere(`s.name ILIKE :search`, { search: `%${escapeLike(filter.search.trim())}%` });
    const sort = SORT[order?.field ?? StakeholderOrderField.NAME];
    return paginate(qb, page, sort, order?.direction ?? SortDirection.ASC, sort.value);
  },

  async create(ctx: Context, input: CreateStakeholderInput): Promise<PayloadShape<Stakeholder>> {
    const viewer = actingViewer(ctx);
    if (!isAdmin(viewer) && (viewer.role !== Role.ENGAGEMENT_MANAGER || ADMIN_ONLY_KINDS.has(input.kind))) {
      throw forbidden(ADMIN_ONLY_KINDS.has(input.kind) ? `Only ADMIN registers a ${input.kind}.` : 'Only ADMIN or an engagement manager may register stakeholders.');
    }
    return runMutation(ctx, {
      operation: 'createStakeholder',
      input,
      replay: (tx, ids) => tx.getRepository(Stakeholder).findOneBy({ id: ids.stakeholder }),
      run: async (tx: EntityManager) => {
        const checked = fieldValues(input.kind, input);
        if ('errors' in checked) return checked;
        const required = input.kind === StakeholderKind.PATIENT ? 'pseudonym' : 'name';
        if (!checked.values[required]) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, `A ${input.kind} needs a ${required}.`, `input.${required}`)] };
        }
        try {
          const inserted = await tx
            .createQueryBuilder()
            .insert()
            .into(STAKEHOLDER_CLASS[input.kind])
            .values({ ...checked.values, kind: input.kind })
            .returning('id')
            .execute();
          const id = (inserted.raw as { id: string }[])[0].id;
          const record = await tx.getRepository(Stakeholder).findOneByOrFail({ id });
          return { record, ids: { stakeholder: id } };
        } catch (error) {
          const errors = constraintError(error);
          if (errors) return { errors };
          throw error;
        }
      },
    });
  },

  async update(ctx: Context, input: UpdateStakeholderInput): Promise<PayloadShape<Stakeholder>> {
    const viewer = actingViewer(ctx);
    const current = await findByStakeholderId(ctx, input.id);
    if (!current) return { record: null, userErrors: [notFound('stakeholder', 'input.id')] };
    const selfPatient = viewer.role === Role.PATIENT && viewer.patientId === current.id;
    if (!selfPatient) assertActsForOneOf(viewer, [current.id], 'this organisation');
    if (!isAdmin(viewer) && ADMIN_ONLY_KINDS.has(current.kind)) throw forbidden(`Only ADMIN edits a ${current.kind}.`);
    return runMutation(ctx, {
      operation: 'updateStakeholder',
      input,
      run: async (tx) => {
        const { id: _id, version, ...fields } = input;
        const checked = fieldValues(current.kind, fields);
        if ('errors' in checked) return checked;
        try {
          return await updateVersioned(tx, Stakeholder, current.id, version, checked.values);
        } catch (error) {
          const errors = constraintError(error);
          if (errors) return { errors };
          throw error;
        }
      },
    });
  },

  async archive(ctx: Context, input: ArchiveStakeholderInput): Promise<PayloadShape<Stakeholder>> {
    const viewer = actingViewer(ctx);
    const current = await findByStakeholderId(ctx, input.id);
    if (!current) return { record: null, userErrors: [notFound('stakeholder', 'input.id')] };
    if (!isAdmin(viewer)) throw forbidden('Only ADMIN archives stakeholders.');
    return runMutation(ctx, {
      operation: 'archiveStakeholder',
      input,
      run: async (tx) => {
        // Checked before the business rules, so that a stale client hears CONFLICT first.
        if (current.version !== input.version) return { errors: [staleVersion(input.version)] };
        if (current.archivedAt) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'This stakeholder is already archived.', 'input.id')] };
        }
        return updateVersioned(tx, Stakeholder, current.id, input.version, { archivedAt: () => 'now()' });
      },
    });
  },
};
