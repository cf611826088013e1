import { createHash } from 'node:crypto';
import { Field, ObjectType, registerEnumType, type ClassType } from 'type-graphql';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { ACTIONS, type Action } from '../access/actions';
import { recordTypeOf, type EntityClass } from '../access/scope';
import type { Viewer } from '../access/viewer';
import type { Context } from '../graphql/context';
import { generatedType } from '../graphql/generated-types';
import { appendChange } from './outbox';

export enum UserErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  FORBIDDEN = 'FORBIDDEN',
}
registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Why a mutation failed as expected (codes shared with the `extensions.code` of GraphQL errors).',
  valuesConfig: {
    BAD_USER_INPUT: { description: 'The request is well-formed but not allowed by the rules (e.g. an illegal status change).' },
    NOT_FOUND: { description: 'A referenced record does not exist (or is not visible to you).' },
    CONFLICT: { description: 'The record moved since you read it (stale version), or an idempotency key was reused.' },
    FORBIDDEN: {
      description: 'Reserved: a mutation you may not perform fails with a GraphQL error of code FORBIDDEN, not with a user error.',
    },
  },
});

/** An expected business failure, returned as data in a mutation payload. */
@ObjectType({ description: 'An expected business failure of a mutation (a rule broken, a record missing, a stale version).' })
export class UserError {
  @Field(() => String, { nullable: true, description: 'Input field at fault, as a dotted path (e.g. `input.status`).' })
  field: string | null;
  @Field(() => String, { description: 'What went wrong, in English, for a person to read.' })
  message: string;
  @Field(() => UserErrorCode, { description: 'The kind of failure, for a program to act on.' })
  code: UserErrorCode;
}

export const userError = (code: UserErrorCode, message: string, field: string | null = null): UserError => ({
  code,
  message,
  field,
});

export const notFound = (what: string, field: string): UserError => userError(UserErrorCode.NOT_FOUND, `No such ${what}.`, field);

/** A userError for a stale `version`: the record moved since the client read it. */
export const staleVersion = (version: number): UserError =>
  userError(UserErrorCode.CONFLICT, `The record changed since version ${version}; read it again and retry.`, 'input.version');


/** `{ <fieldName>: T, userErrors }`: the payload every mutation returns. */
export function Payload<T extends object>(nodeType: ClassType<T>, fieldName: string, name: string) {
  @ObjectType(name, generatedType(name, `What a mutation returns: the \`${fieldName}\` it wrote, or the userErrors that stopped it.`))
  class PayloadType {
    @Field(() => nodeType, {
      name: fieldName,
      nullable: true,
      description: 'The record as written (on an idempotent replay, the first result read again); null when userErrors is not empty.',
    })
    record: T | null;

    @Field(() => [UserError], { description: 'Empty on success; otherwise why the mutation failed, and nothing was written.' })
    userErrors: UserError[];
  }
  return PayloadType;
}

export interface PayloadShape<T> {
  record: T | null;
  userErrors: UserError[];
}

/** What a mutation's work returns: the record and the ids to rebuild it on an idempotent replay, or user errors. */
export type Outcome<T> = { record: T; ids: Record<string, string> } | { errors: UserError[] };

class Rollback extends Error {
  constructor(readonly errors: UserError[]) {
    super('rollback');
  }
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export interface MutationSpec<T extends ObjectLiteral> {
  /** The named action (access/actions.ts) this mutation performs: its audit record names it. */
  action: Action;
  input: { idempotencyKey?: string | null } & object;
  /** Does the work inside the transaction; user errors roll everything back. */
  run: (tx: EntityManager) => Promise<Outcome<T>>;
  /** How the first result of an idempotent create is read again: the record of `entity` stored under `id`. */
  replay?: { entity: EntityClass<T>; id: string };
}

/** Whom an idempotency key belongs to besides its user: the organisation (or patient) acted for. */
const actingFor = (viewer: Viewer): string => (viewer.orgId ? `org:${viewer.orgId}` : viewer.patientId ? `patient:${viewer.patientId}` : '');

/**
 * Runs a mutation as one transaction of the request's scope, all or nothing. With an idempotency
 * key (create mutations), a replay of the same input by the same user acting for the same
 * organisation returns the first result, read again through the record rules (a record the
 * caller can no longer see is NOT_FOUND, as any hidden record); the same key with another input
 * is refused.
 */
export async function runMutation<T extends ObjectLiteral>(ctx: Context, spec: MutationSpec<T>): Promise<PayloadShape<T>> {
  const key = spec.input.idempotencyKey ?? null;
  const operation = ACTIONS[spec.action].mutation;
  const changed = changedFields(spec.input);
  // The write's audit record, in its own transaction: the change cannot commit without it.
  const audited = async (tx: EntityManager, record: T | null, fields: readonly string[]): Promise<void> =>
    ctx.scope.audit.append(tx, [{ action: spec.action, outcome: 'allowed', ...auditTarget(record), fields }]);
  // A change is audited and published (the outbox, issue 11) in its own transaction: neither without the other.
  const written = async (tx: EntityManager, record: T): Promise<void> => {
    await audited(tx, record, changed);
    await appendChange(tx, spec.action, record, ctx.viewer);
  };
  try {
    return await ctx.scope.transaction(async (tx) => {
      if (key !== null && ctx.viewer) {
        const owner = [ctx.viewer.userId, actingFor(ctx.viewer), key];
        const { idempotencyKey: _omit, ...rest } = spec.input;
        const hash = createHash('sha256').update(canonical(rest)).digest('hex');
        const inserted: unknown[] = await tx.query(
          `INSERT INTO idempotency_key (user_id, acting_for, key, operation, request_hash, result)
           VALUES ($1, $2, $3, $4, $5, '{}') ON CONFLICT DO NOTHING RETURNING key`,
          [...owner, operation, hash],
        );
        if (inserted.length === 0) {
          const [first] = (await tx.query(
            `SELECT operation, request_hash, result FROM idempotency_key WHERE user_id = $1 AND acting_for = $2 AND key = $3`,
            owner,
          )) as { operation: string; request_hash: string; result: Record<string, string> }[];
          if (first.operation !== operation || first.request_hash !== hash) {
            throw new Rollback([
              userError(UserErrorCode.CONFLICT, 'This idempotency key was already used for a different request.', 'input.idempotencyKey'),
            ]);
          }
          const id = spec.replay ? first.result[spec.replay.id] : undefined;
          const record = spec.replay && id ? await ctx.scope.visibleById(spec.replay.entity, id, tx) : null;
          if (spec.replay && !record) throw new Rollback([notFound('record', 'input.idempotencyKey')]);
          // A replay changes nothing: its record names no field.
          await audited(tx, record, []);
          return { record, userErrors: [] };
        }
        const outcome = await spec.run(tx);
        if ('errors' in outcome) throw new Rollback(outcome.errors);
        await tx.query(`UPDATE idempotency_key SET result = $4 WHERE user_id = $1 AND acting_for = $2 AND key = $3`, [
          ...owner,
          JSON.stringify(outcome.ids),
        ]);
        await written(tx, outcome.record);
        return { record: outcome.record, userErrors: [] };
      }
      const outcome = await spec.run(tx);
      if ('errors' in outcome) throw new Rollback(outcome.errors);
      await written(tx, outcome.record);
      return { record: outcome.record, userErrors: [] };
    });
  } catch (error) {
    // Rolled back: nothing was written, and the attempt is recorded after the response.
    ctx.scope.audit.record({ action: spec.action, outcome: 'failed', fields: changed });
    if (error instanceof Rollback) return { record: null, userErrors: error.errors };
    throw error;
  }
}

/** The input fields a mutation sets (names only, never values). */
function changedFields(input: object): string[] {
  return Object.entries(input)
    .filter(([name, value]) => value !== undefined && !['id', 'version', 'idempotencyKey'].includes(name))
    .map(([name]) => name)
    .sort();
}

/** What the audit record of a write names: the record written, and the patient it is about. */
function auditTarget(record: object | null): { targetType: string | null; targetId: string | null; patientId: string | null } {
  if (!record) return { targetType: null, targetId: null, patientId: null };
  const type = recordTypeOf(record.constructor as EntityClass<unknown>);
  const r = record as { id: string; kind?: string; patientId?: string };
  const patientId = type === 'Stakeholder' && r.kind === 'PATIENT' ? r.id : type === 'Consent' ? (r.patientId ?? null) : null;
  return { targetType: type, targetId: r.id, patientId };
}

/**
 * Optimistic concurrency, written out because TypeORM's @VersionColumn does not guard UPDATEs:
 * the row changes only if its version is still the one the client read. Returns the updated row
 * as the mutation's outcome.
 */
export async function updateVersioned<E extends ObjectLiteral>(
  tx: EntityManager,
  entity: EntityTarget<E>,
  id: string,
  version: number,
  set: Record<string, unknown>,
): Promise<Outcome<E>> {
  const result = await tx
    .createQueryBuilder()
    .update(entity)
    .set({ ...set, version: () => 'version + 1', updatedAt: () => 'now()' } as never)
    .where('id = :id AND version = :version', { id, version })
    .execute();
  if (!result.affected) {
    const exists = await tx.getRepository(entity).exists({ where: { id } as never });
    return { errors: [exists ? staleVersion(version) : notFound('record', 'input.id')] };
  }
  return { record: await tx.getRepository(entity).findOneByOrFail({ id } as never), ids: {} };
}
