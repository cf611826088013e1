import { isInterfaceType, type GraphQLResolveInfo } from 'graphql';
import { Field, ID, InterfaceType } from 'type-graphql';
import { fromGlobalId } from '../../graphql/global-id';

/**
 * The concrete GraphQL type of a record. Every entity imports this file (for `implements`), so it
 * imports none of them: the global ID already names the type, and a stakeholder's type follows its
 * kind, which the Stakeholder interface's own resolveType decides (STAKEHOLDER_TYPE_NAME).
 */
export function nodeTypeName(value: Node, context: unknown, info: GraphQLResolveInfo): string | undefined {
  const type = fromGlobalId(value.globalId)?.type;
  if (type !== 'Stakeholder') return type;
  const stakeholder = info.schema.getType('Stakeholder');
  if (!isInterfaceType(stakeholder) || !stakeholder.resolveType) return undefined;
  // Synchronous in the built schema (src/graphql/schema.ts); a string names the type.
  return (stakeholder.resolveType(value, context, info, stakeholder) as string | undefined) ?? undefined;
}

/** Relay's Node: every record with a global ID, fetchable by `node(id)` / `nodes(ids)`. */
@InterfaceType('Node', {
  description: 'A record with an opaque global ID; fetch any of them with `node(id)`.',
  resolveType: nodeTypeName,
})
export abstract class Node {
  @Field(() => ID, { name: 'id', description: 'Opaque global ID.' })
  globalId: string;
}
