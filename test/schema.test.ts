import { readFileSync } from 'node:fs';
import {
  GraphQLObjectType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
} from 'graphql';
import { ruleTree } from '../src/access/permissions';
import { readsRecords } from '../src/access/rules';
import { printSdl, SCHEMA_FILE } from '../src/graphql/emit-schema.cli';
import { buildBareSchema } from '../src/graphql/schema';

describe('schema', () => {
  it('matches schema/schema.graphql (run `npm run schema:emit` after an API change)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await printSdl());
  });

  it('describes every type, field, argument and enum value of the public schema', async () => {
    const schema = await buildBareSchema();
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
      if (!type.description) missing.push(`type ${type.name}`);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
    expect(missing).toEqual([]);
  });

  it('has an explicit shield rule for every field of every object type', async () => {
    const schema = await buildBareSchema();
    const tree = ruleTree() as Record<string, unknown>;
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || isIntrospectionType(type)) continue;
      const rules = tree[type.name];
      const typeWide =
        rules !== undefined && typeof rules === 'object' && rules !== null && ('resolve' in rules || '*' in rules);
      for (const field of Object.keys((type as GraphQLObjectType).getFields())) {
        if (!typeWide && !(rules && (rules as Record<string, unknown>)[field])) missing.push(`${type.name}.${field}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('guards every classified sensitive field with the rule derived from the policy', () => {
    const tree = ruleTree() as Record<string, Record<string, unknown>>;
    for (const [type, field] of [
      ['Patient', 'pseudonym'],
      ['Patient', 'displayName'],
      ['Patient', 'birthYear'],
      ['Patient', 'email'],
      ['Patient', 'phone'],
      ['Patient', 'conditions'],
      ['Interaction', 'notes'],
      ['Interaction', 'recordedByUser'],
      ['Contract', 'value'],
    ]) {
      expect(tree[type][field]).toBe(readsRecords);
    }
  });

  it('names no type or field in the rule tree that the schema lacks', async () => {
    const schema = await buildBareSchema();
    const stale: string[] = [];
    for (const [typeName, rules] of Object.entries(ruleTree() as Record<string, unknown>)) {
      const type = schema.getType(typeName);
      if (!type || !isObjectType(type)) {
        stale.push(typeName);
        continue;
      }
      if (rules && typeof rules === 'object' && !('resolve' in rules)) {
        for (const field of Object.keys(rules)) if (field !== '*' && !type.getFields()[field]) stale.push(`${typeName}.${field}`);
      }
    }
    expect(stale).toEqual([]);
  });
});
