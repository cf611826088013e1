import type { EntityManager } from 'typeorm';
import { authorize } from '../../access/actions';
import { openStakeholderId, openStakeholderIds } from '../../access/patient-ids';
import { assertMayFilterOn } from '../../access/filters';
import { MASKED_FIELDS, Sensitivity } from '../../access/policy';
import { ConsentScope } from '../consent/consent.entity';
import { paginate, SortDirection, type Page, type PageArgs, type SortKey } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
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

/**
 * The orders of the list. By name, a patient whose identity the viewer may not read sorts by the
 * neutral label it is shown under, not by its pseudonym (an order is an oracle too).
 */
function sortOf(ctx: Context, field: StakeholderOrderField): SortKey {
  switch (field) {
    case StakeholderOrderField.NAME: {
      const masked = MASKED_FIELDS.Patient.name.masked;
      if (ctx.scope.seesEverything) return { expression: 's.name', cast: 'text' };
      return {
        expression: `CASE WHEN s.kind = 'PATIENT' AND NOT ${ctx.scope.patientConsent('s.id', ConsentScope.IDENTITY)} THEN '${masked}' ELSE s.name END`,
        cast: 'text',
      };
    }
    case StakeholderOrderField.CREATED_AT:
      return { expression: 's.created_at', cast: 'timestamptz' };
    case StakeholderOrderField.UPDATED_AT:
      return { expression: 's.updated_at', cast: 'timestamptz' };
  }
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Checks which fields of `input` apply to `kind`, and turns them into column values. */
export function fieldValues(kind: StakeholderKind, input: StakeholderFieldsInput): { values: Partial<Stakeholder> } | { errors: UserError[] } {
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
  ctx: Context,
  tx: EntityManager,
  refs: readonly StakeholderRef[],
): Promise<{ ids: string[] } | { errors: UserError[] }> {
  // A redacted patient's id opens only for the viewer it was shown to, a patient's real id only for viewers who may read who they are.
  const ids = await openStakeholderIds(ctx, refs.map((ref) => ref.globalId));
  const known = ids.filter((id): id is string => id !== null);
  const rows = known.length ? await ctx.scope.query(Stakeholder, 's', tx).andWhere('s.id = ANY(:ids)', { ids: known }).getMany() : [];
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
  const dbId = await openStakeholderId(ctx, id);
  return dbId ? ctx.scope.visibleById(Stakeholder, dbId) : null;
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
    const id = await openStakeholderId(ctx, globalId);
    return id ? ctx.loaders.stakeholder.load(id) : null;
  },

  async list(ctx: Context, page: PageArgs, filter?: StakeholderFilter | null, order?: StakeholderOrder | null): Promise<Page<Stakeholder>> {
    if (filter?.conditions) assertMayFilterOn(ctx.scope, Sensitivity.PATIENT_HEALTH, 'conditions');
    const qb = ctx.scope.list(Stakeholder, 's');
    if (!filter?.includeArchived) qb.andWhere('s.archived_at IS NULL');
    if (filter?.kinds?.length) qb.andWhere('s.kind = ANY(:kinds)', { kinds: filter.kinds });
    if (filter?.countries?.length) qb.andWhere('s.country = ANY(:countries)', { countries: filter.countries });
    if (filter?.tags?.length) qb.andWhere('s.tags @> CAST(:tags AS text[])', { tags: filter.tags });
    if (filter?.conditions?.length) {
      qb.andWhere(`s.kind = 'PATIENT' AND s.conditions && CAST(:conditions AS text[])`, { conditions: filter.conditions });
    }
    // A patient's name is their pseudonym (identity): it is searched only where the viewer may read it.
    if (filter?.search) {
      qb.andWhere(`s.name ILIKE :search AND (s.kind <> 'PATIENT' OR ${ctx.scope.patientConsent('s.id', ConsentScope.IDENTITY)})`, {
        search: `%${escapeLike(filter.search.trim())}%`,
      });
    }
    const sort = sortOf(ctx, order?.field ?? StakeholderOrderField.NAME);
    return paginate(qb, page, sort, order?.direction ?? SortDirection.ASC);
  },

  async create(ctx: Context, input: CreateStakeholderInput): Promise<PayloadShape<Stakeholder>> {
    await authorize(ctx.scope, 'stakeholder:create', { kind: input.kind });
    return runMutation<Stakeholder>(ctx, {
      action: 'stakeholder:create',
      input,
      replay: { entity: Stakeholder, id: 'stakeholder' },
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
    const current = await findByStakeholderId(ctx, input.id);
    if (!current) return { record: null, userErrors: [notFound('stakeholder', 'input.id')] };
    await authorize(ctx.scope, 'stakeholder:update', current);
    return runMutation(ctx, {
      action: 'stakeholder:update',
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
    const current = await findByStakeholderId(ctx, input.id);
    if (!current) return { record: null, userErrors: [notFound('stakeholder', 'input.id')] };
    await authorize(ctx.scope, 'stakeholder:archive', current);
    return runMutation(ctx, {
      action: 'stakeholder:archive',
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
