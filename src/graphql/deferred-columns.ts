import type { ApolloServerPlugin } from '@apollo/server';
import {
  defaultFieldResolver,
  getNamedType,
  isObjectType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import type { EntityClass } from '../access/scope';
import { deferredColumns } from '../access/rows';
import { Affiliation } from '../modules/affiliation/affiliation.entity';
import { STAKEHOLDER_TYPE_NAME, Stakeholder } from '../modules/stakeholder/stakeholder.entity';
import type { Context } from './context';

/** The types whose records the scope reads without their deferred columns (rows.ts), with their entity and table. */
const DEFERRING_TYPES: { entity: EntityClass<unknown>; table: string; types: string[]; interfaces: string[] }[] = [
  { entity: Stakeholder, table: 'stakeholder', types: Object.values(STAKEHOLDER_TYPE_NAME), interfaces: ['Stakeholder'] },
  { entity: Affiliation, table: 'affiliation', types: ['Affiliation'], interfaces: [] },
];

const WANTED = new WeakMap<DocumentNode, ReadonlyMap<string, ReadonlySet<string>>>();

/**
 * The deferred columns a document selects anywhere, by table (a field of a deferring type, or of
 * its interface, named like a deferred column). Computed once per parsed document (Apollo keeps
 * parsed documents, so a repeated operation walks nothing).
 */
export function wantedColumns(schema: GraphQLSchema, document: DocumentNode): ReadonlyMap<string, ReadonlySet<string>> {
  let wanted = WANTED.get(document);
  if (wanted) return wanted;
  const tableOf = new Map<string, string>();
  for (const { table, types, interfaces } of DEFERRING_TYPES) for (const name of [...types, ...interfaces]) tableOf.set(name, table);
  const found = new Map<string, Set<string>>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const table = parent ? tableOf.get(getNamedType(parent).name) : undefined;
        if (!table || !deferredColumns(table).includes(node.name.value)) return;
        let fields = found.get(table);
        if (!fields) found.set(table, (fields = new Set()));
        fields.add(node.name.value);
      },
    }),
  );
  wanted = found;
  WANTED.set(document, wanted);
  return wanted;
}

/** Tells each request's scope, once its operation is known, which deferred columns to read with the rows. */
export function columnsPlugin(): ApolloServerPlugin<Context> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ contextValue, document, schema }) => {
          contextValue.scope.wantColumns(wantedColumns(schema, document));
          return Promise.resolve();
        },
      }),
  };
}

/**
 * Wraps, in the built schema, every field over a deferred column: when the record was read
 * without it (the record has no own property of that name), the field loads the record's
 * deferred columns (one batch per request, under the record rule) and fills them in. A record
 * read whole (by the ORM, e.g. in a mutation) answers at once. Runs before the field policy wraps classified fields, so a refused field loads nothing.
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
        definition.resolve = (source: Record<string, unknown>, args, ctx: Context, info) => {
          if (Object.prototype.hasOwnProperty.call(source, property)) return resolve(source, args, ctx, info);
          return ctx.scope.deferred(entity).load(source.id as string).then((details) => {
            if (details) for (const [key, value] of Object.entries(details)) if (!Object.prototype.hasOwnProperty.call(source, key)) source[key] = value;
            return resolve(source, args, ctx, info);
          });
        };
      }
    }
  }
  return schema;
}
