import { isAbstractType, type GraphQLSchema, type GraphQLTypeResolver } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { buildSchema } from 'type-graphql';
import { guardClassifiedFields } from '../access/field-policy';
import { shieldMiddleware } from '../access/permissions';
import { traceRootFields } from '../observability/tracing';
import { loadDeferredColumns } from './deferred-columns';
import { describeGeneratedTypes } from './generated-types';
import { guardInputs } from './input-guard';
import { RESOLVERS, ORPHANED_TYPES } from './resolvers';
import { nodeTypeName } from '../modules/node/node.interface';
import { stakeholderTypeName } from '../modules/stakeholder/stakeholder.entity';

/**
 * The type resolver of every interface and union, called synchronously: type-graphql wraps each
 * declared `resolveType` in an async function, which costs a promise per value of an interface
 * type (every stakeholder of a large response). A new abstract type must be named here.
 */
const TYPE_RESOLVERS: Record<string, GraphQLTypeResolver<never, unknown>> = {
  Stakeholder: stakeholderTypeName,
  Node: nodeTypeName as GraphQLTypeResolver<never, unknown>,
};

function resolveTypesSynchronously(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isAbstractType(type) || type.name.startsWith('__')) continue;
    const resolver = TYPE_RESOLVERS[type.name];
    if (!resolver) throw new Error(`schema.ts: the abstract type ${type.name} has no synchronous type resolver (TYPE_RESOLVERS)`);
    type.resolveType = resolver as GraphQLTypeResolver<unknown, unknown>;
  }
  return schema;
}

/** type-graphql builds the root types itself and takes no description for them. */
const ROOT_DESCRIPTIONS = {
  Query: 'Reads: records by global ID, lists as connections, graph queries, metrics and the audit trail. Every field but `health` needs a bearer token.',
  Mutation:
    'Writes, each one transaction: one `input`, a payload with the record and `userErrors`; creates take an optional `idempotencyKey`, updates the `version` you read.',
  Subscription: 'Live change events over WebSocket (graphql-ws at /graphql), each read as you may see it when it arrives.',
};

function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (root) root.description = ROOT_DESCRIPTIONS[root.name as keyof typeof ROOT_DESCRIPTIONS];
  }
  return schema;
}

/** The executable schema as type-graphql builds it, without permissions (for SDL emission and the rule-coverage test). */
export async function buildBareSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    orphanedTypes: ORPHANED_TYPES,
    // class-validator on every input; failures become BAD_USER_INPUT errors before a resolver runs.
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
    // Subscriptions are fed by the change feed (http/subscriptions.ts), not by type-graphql's
    // topics; it insists on a PubSub all the same.
    pubSub: {
      publish: () => undefined,
      subscribe: () => {
        throw new Error('no type-graphql topics: subscriptions are served by http/subscriptions.ts');
      },
    },
  });
  return describeGeneratedTypes(describeRootTypes(resolveTypesSynchronously(schema)));
}

/**
 * The schema the server runs, from the inside out: fields over columns the read path defers
 * (rows.ts) load them on demand, every classified field of the policy wrapped
 * by the field policy (null or masked unless the viewer may read it), every field behind the
 * shield rule tree (deny by default), and in front of the shield the input guard (no NUL, no lone
 * surrogate, capped length in any string argument), so that no rule, validation or SQL ever sees
 * such a string.
 */
export async function buildAppSchema(): Promise<GraphQLSchema> {
  const schema = guardClassifiedFields(loadDeferredColumns(await buildBareSchema()));
  return traceRootFields(guardInputs(applyMiddleware(schema, shieldMiddleware(schema))));
}
