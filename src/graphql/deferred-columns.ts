import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { EntityClass } from '../access/scope';
import { deferredColumns } from '../access/rows';
import { STAKEHOLDER_TYPE_NAME, Stakeholder } from '../modules/stakeholder/stakeholder.entity';
import type { Context } from './context';

/** The object types whose records the scope reads without their deferred columns (rows.ts), with their entity and table. */
const DEFERRING_TYPES: { entity: EntityClass<unknown>; table: string; types: string[] }[] = [
  { entity: Stakeholder, table: 'stakeholder', types: Object.values(STAKEHOLDER_TYPE_NAME) },
];

/**
 * Wraps, in the built schema, every field over a deferred column: when the record was read
 * without it, the field loads the record's deferred columns (one batch per request, under the
 * record rule) and fills them in. A record read whole (by the ORM, e.g. in a mutation) answers
 * at once. Runs before the field policy wraps classified fields, so a refused field loads nothing.
 * Mutates and returns `schema`.
 */
export function loadDeferredColumns(schema: GraphQLSchema): GraphQLSchema {
  for (const { entity, table, types } of DEFERRING_TYPES) {
    const deferred = new Set(deferredColumns(table));
    for (const typeName of types) {
      const type = schema.getType(typeName);
      if (!isObjectType(type)) throw new Error(`deferred-columns.ts: ${typeName} is no object type of the schema`);
      for (const definition of Object.values(type.getFields())) {
        if (!deferred.has(definition.name)) continue;
        const property = definition.name;
        const resolve = (definition.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<Record<string, unknown>, Context>;
        definition.resolve = async (source: Record<string, unknown>, args, ctx: Context, info) => {
          if (source[property] === undefined) {
            const details = await ctx.scope.deferred(entity).load(source.id as string);
            if (details) for (const [key, value] of Object.entries(details)) if (source[key] === undefined) source[key] = value;
          }
          return resolve(source, args, ctx, info);
        };
      }
    }
  }
  return schema;
}
