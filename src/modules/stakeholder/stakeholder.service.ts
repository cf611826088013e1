import type { EntityManager } from 'typeorm';
import { actingViewer, assertActsForOneOf, isAdmin } from '../../access/acting';
import { Role } from '../../access/viewer';
import { paginate, SortDirection, type Page, type PageArgs, type SortKey } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { forbidden } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/global-id';
import { runMutation, updateVersioned, userError, UserErrorCode, type PayloadShape, type UserError } from '../../shared/mutation';
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

function constraintError(error: unknown): UserError[] | null {
  const violated = violatedConstraint(error);
  if (violated?.constraint === 'stakeholder_pseudonym_uq') {
    return [userError(UserErrorCode.CONFLICT, 'Another patient already uses this pseudonym.', 'input.pseudonym')];
  }
  return null;
}

export const stakeholderService = {
  async find(ctx: Context, globalId: string): Promise<Stakeholder | null> {
    const decoded = fromGlobalId(globalId, 'Stakeholder');
    return decoded ? ctx.loaders.stakeholder.load(decoded.id) : null;
  },

  async list(ctx: Context, page: PageArgs, filter?: StakeholderFilter | null, order?: StakeholderOrder | null): Promise<Page<Stakeholder>> {
    const qb = ctx.db.getRepository(Stakeholder).createQueryBuilder('s');
    if (!filter?.includeArchived) qb.andWhere('s.archived_at IS NULL');
    if (filter?.kinds?.length) qb.andWhere('s.kind = ANY(:kinds)', { kinds: filter.kinds });
    if (filter?.countries?.length) qb.andWhere('s.country = ANY(:countries)', { countries: filter.countries });
    if (filter?.tags?.length) qb.andWhere('s.tags @> CAST(:tags AS text[])', { tags: filter.tags });
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
    const decoded = fromGlobalId(input.id, 'Stakeholder');
    const current = decoded ? await ctx.db.getRepository(Stakeholder).findOneBy({ id: decoded.id }) : null;
    if (!current) return { record: null, userErrors: [userError(UserErrorCode.NOT_FOUND, 'No such stakeholder.', 'input.id')] };
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
          const updated = await updateVersioned(tx, Stakeholder, current.id, version, checked.values);
          return 'errors' in updated ? updated : { record: updated.row, ids: {} };
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
    const decoded = fromGlobalId(input.id, 'Stakeholder');
    const current = decoded ? await ctx.db.getRepository(Stakeholder).findOneBy({ id: decoded.id }) : null;
    if (!current) return { record: null, userErrors: [userError(UserErrorCode.NOT_FOUND, 'No such stakeholder.', 'input.id')] };
    if (!isAdmin(viewer)) throw forbidden('Only ADMIN archives stakeholders.');
    return runMutation(ctx, {
      operation: 'archiveStakeholder',
      input,
      run: async (tx) => {
        if (current.archivedAt) {
          return { errors: [userError(UserErrorCode.BAD_USER_INPUT, 'This stakeholder is already archived.', 'input.id')] };
        }
        const updated = await updateVersioned(tx, Stakeholder, current.id, input.version, { archivedAt: () => 'now()' });
        return 'errors' in updated ? updated : { record: updated.row, ids: {} };
      },
    });
  },
};
