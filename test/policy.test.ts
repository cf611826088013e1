import { isNonNullType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { FIELDS, PUBLIC_FIELDS, Sensitivity, type SensitiveType } from '../src/access/policy';
import { buildBareSchema } from '../src/graphql/schema';

/**
 * The policy's completeness: every field of a sensitive type is classified on purpose, either
 * sensitive (FIELDS) or public (PUBLIC_FIELDS), so a new field cannot slip out unguarded. The
 * outcomes of the classes are tested in permissions.test.ts.
 */
let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildBareSchema();
});

const objectType = (name: string): GraphQLObjectType => {
  const type = schema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type of the schema`);
  return type;
};

const SENSITIVE_TYPES: SensitiveType[] = ['Patient', 'Interaction', 'Contract'];

describe.each(SENSITIVE_TYPES)('%s', (typeName) => {
  const sensitive = (): string[] => Object.keys(FIELDS[typeName]);
  const fieldsOf = (): string[] => Object.keys(objectType(typeName).getFields()).sort();

  it('every field is classified: sensitive or public', () => {
    const classified = new Set([...sensitive(), ...PUBLIC_FIELDS[typeName]]);
    expect(fieldsOf().filter((field) => !classified.has(field))).toEqual([]);
  });

  it('no field is both sensitive and public', () => {
    expect(sensitive().filter((field) => PUBLIC_FIELDS[typeName].includes(field))).toEqual([]);
  });

  it('the policy names no field the type does not have', () => {
    const fields = new Set(fieldsOf());
    expect([...sensitive(), ...PUBLIC_FIELDS[typeName]].filter((field) => !fields.has(field))).toEqual([]);
  });

  it('sensitive fields are nullable (a hidden one resolves to null), and redactedFields names them', () => {
    const fields = objectType(typeName).getFields();
    expect(sensitive().filter((field) => isNonNullType(fields[field].type))).toEqual([]);
    expect(String(fields.redactedFields?.type)).toBe('[String!]!');
  });
});

describe('the sensitivity classes', () => {
  it('are the ones DESIGN §3 gives each sensitive field (written out by hand)', () => {
    expect(FIELDS).toEqual({
      Patient: {
        pseudonym: Sensitivity.PATIENT_IDENTITY,
        displayName: Sensitivity.PATIENT_IDENTITY,
        birthYear: Sensitivity.PATIENT_IDENTITY,
        email: Sensitivity.PATIENT_CONTACT,
        phone: Sensitivity.PATIENT_CONTACT,
        conditions: Sensitivity.PATIENT_HEALTH,
      },
      Interaction: { notes: Sensitivity.INTERACTION_NOTES, recordedByUser: Sensitivity.INTERACTION_NOTES },
      Contract: { value: Sensitivity.CONTRACT_TERMS },
    });
  });

  it('list the patient fields in the order redactedFields reports them', () => {
    expect(Object.keys(FIELDS.Patient)).toEqual(['pseudonym', 'displayName', 'birthYear', 'email', 'phone', 'conditions']);
  });
});
