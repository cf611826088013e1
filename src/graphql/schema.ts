import type { GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { buildSchema } from 'type-graphql';
import { shieldMiddleware } from '../access/permissions';
import { RESOLVERS, ORPHANED_TYPES } from './resolvers';

/** The executable schema as type-graphql builds it, without permissions (for SDL emission and the rule-coverage test). */
export function buildBareSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    orphanedTypes: ORPHANED_TYPES,
    // class-validator on every input; failures become BAD_USER_INPUT errors before a resolver runs.
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
  });
}

/** The schema the server runs: every field behind the shield rule tree (deny by default). */
export async function buildAppSchema(): Promise<GraphQLSchema> {
  return applyMiddleware(await buildBareSchema(), shieldMiddleware());
}
