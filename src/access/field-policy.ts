import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import type { Context } from '../graphql/context';
import type { Affiliation } from '../modules/affiliation/affiliation.entity';
import type { Contract } from '../modules/contract/contract.entity';
import type { Interaction } from '../modules/interaction/interaction.entity';
import type { Stakeholder } from '../modules/stakeholder/stakeholder.entity';
import { CLASSES, CONSENT_HOLDER_ROLES, FIELDS, MASKED_FIELDS, Sensitivity, type SensitiveType } from './policy';
import { Role } from './viewer';

/**
 * Enforces the field classes of `policy.ts`. `guardClassifiedFields` wraps every classified field
 * of the built schema, whatever resolver a module gave it (a plain `@Field` included), and
 * `decide` is the one place where a sensitive read is allowed or refused.
 */
interface Records {
  Patient: Stakeholder;
  Interaction: Interaction;
  Contract: Contract;
}

/** May the viewer read fields of `sensitivity` on this record? Consents come from a per-request loader. */
export async function decide<T extends SensitiveType>(ctx: Context, type: T, sensitivity: Sensitivity, record: Records[T]): Promise<boolean> {
  const viewer = ctx.viewer;
  if (!viewer) return false;
  const rule = CLASSES[sensitivity];
  if (rule.roles.includes(viewer.role)) return true;
  if (type === 'Patient') {
    const patientId = (record as Stakeholder).id;
    if (rule.patientThemself && viewer.role === Role.PATIENT && viewer.patientId === patientId) return true;
    if (rule.consentScope && viewer.orgId && CONSENT_HOLDER_ROLES.includes(viewer.role)) {
      return (await ctx.scope.consentScopes.load(patientId)).has(rule.consentScope);
    }
    return false;
  }
  if (type === 'Contract' && rule.partyRoles?.includes(viewer.role)) {
    const parties = await ctx.loaders.partiesByContract.load((record as Contract).id);
    return parties.some((p) => p.stakeholderId === viewer.orgId || p.stakeholderId === viewer.patientId);
  }
  if (type === 'Interaction' && rule.recordingOrganisation) {
    return viewer.orgId !== null && viewer.orgId === (record as Interaction).recordedByOrgId;
  }
  return false;
}

/** Names of the object's sensitive fields this viewer may not read. */
export async function redactedFields<T extends SensitiveType>(ctx: Context, type: T, record: Records[T]): Promise<string[]> {
  const fields = Object.entries(FIELDS[type]) as [string, Sensitivity][];
  const allowed = await Promise.all(fields.map(([, sensitivity]) => decide(ctx, type, sensitivity, record)));
  return fields.filter((_, i) => !allowed[i]).map(([field]) => field);
}

type AnyResolver = GraphQLFieldResolver<unknown, Context>;

/** What an audit row of a read of `type` names: the record, and the patient it is about. */
const AUDIT_TARGET: { [T in SensitiveType]: (record: Records[T]) => { type: string; id: string; patientId: string | null } } = {
  Patient: (p) => ({ type: 'Stakeholder', id: p.id, patientId: p.id }),
  Interaction: (i) => ({ type: 'Interaction', id: i.id, patientId: null }),
  Contract: (c) => ({ type: 'Contract', id: c.id, patientId: null }),
};

/**
 * Wraps, in the built schema, every classified field of `policy.ts` (null unless `decide` allows),
 * every masked field (the neutral value unless allowed) and each sensitive type's
 * `redactedFields`. A classified field or type missing from the schema, or a sensitive type
 * without `redactedFields`, stops the build: the policy and the API cannot drift apart.
 * Mutates and returns `schema`.
 */
export function guardClassifiedFields(schema: GraphQLSchema): GraphQLSchema {
  const objectType = (name: string) => {
    const type = schema.getType(name);
    if (!isObjectType(type)) throw new Error(`policy.ts classifies fields of ${name}, which is no object type of the schema`);
    return type.getFields();
  };
  const guard = (typeName: SensitiveType, field: string, sensitivity: Sensitivity, hidden: unknown): void => {
    const definition = objectType(typeName)[field];
    if (!definition) throw new Error(`policy.ts classifies ${typeName}.${field}, which the schema does not have`);
    const resolve: AnyResolver = definition.resolve ?? defaultFieldResolver;
    const target = AUDIT_TARGET[typeName] as (record: unknown) => { type: string; id: string; patientId: string | null };
    definition.resolve = async (source, args, ctx: Context, info) => {
      if (!(await decide(ctx, typeName, sensitivity, source as never))) return hidden;
      const value: unknown = await resolve(source, args, ctx, info);
      // Audited when actually returned: a decision alone (redactedFields) or an empty field is no read.
      if (value !== null && value !== undefined) {
        const t = target(source);
        ctx.scope.audit.read(t.type, t.id, t.patientId, field);
      }
      return value;
    };
  };
  for (const [typeName, fields] of Object.entries(FIELDS) as [SensitiveType, Record<string, Sensitivity>][]) {
    for (const [field, sensitivity] of Object.entries(fields)) guard(typeName, field, sensitivity, null);
    const redacted = objectType(typeName).redactedFields;
    if (!redacted) throw new Error(`${typeName} has classified fields but no redactedFields`);
    redacted.resolve = (source, _args, ctx: Context) => redactedFields(ctx, typeName, source as never);
  }
  for (const [typeName, fields] of Object.entries(MASKED_FIELDS) as [SensitiveType, Record<string, { sensitivity: Sensitivity; masked: unknown }>][]) {
    for (const [field, { sensitivity, masked }] of Object.entries(fields)) guard(typeName, field, sensitivity, masked);
  }
  auditHealthEdges(objectType('Affiliation'));
  return schema;
}

/**
 * A patient's affiliation to a patient organisation is PATIENT_HEALTH as a whole record (the
 * record rule decides who sees it): returning any field of one is a read of the patient's health,
 * audited once per affiliation and request as the field `affiliation`, about the patient.
 */
function auditHealthEdges(fields: ReturnType<GraphQLObjectType['getFields']>): void {
  for (const definition of Object.values(fields)) {
    const resolve: AnyResolver = definition.resolve ?? defaultFieldResolver;
    definition.resolve = (source, args, ctx: Context, info) => {
      const edge = source as Affiliation;
      if (edge.healthPatientId) ctx.scope.audit.read('Affiliation', edge.id, edge.healthPatientId, 'affiliation');
      return resolve(source, args, ctx, info);
    };
  }
}
