import type { GraphQLSchema } from 'graphql';

/**
 * Descriptions of the types the factories generate (`Connection`, `Payload`), by type name.
 * type-graphql gives a decorator's description to that class alone, and a module declares each
 * generated type again as its own subclass (`@ObjectType() class XConnection extends
 * Connection(...)`), which then has none unless it says one. The schema build gives such a type
 * the factory's description (`describeGeneratedTypes`); a subclass's own description wins.
 */
const generated = new Map<string, string>();

/** The `@ObjectType` options of a generated type, its description recorded for the schema build. */
export function generatedType(name: string, description: string): { description: string } {
  generated.set(name, description);
  return { description };
}

export function describeGeneratedTypes(schema: GraphQLSchema): GraphQLSchema {
  for (const [name, description] of generated) {
    const type = schema.getType(name);
    if (type && !type.description) type.description = description;
  }
  return schema;
}
