import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { astFromValue, isObjectType, Kind, parse, print, validate, type GraphQLSchema } from 'graphql';
import { buildBareSchema } from '../src/graphql/schema';

/**
 * The documentation is a tested artifact (issue 12): every GraphQL block of README.md and
 * docs/*.md, and the query of every curl example, is a named operation that validates against
 * the schema; operation and fragment names are unique across all of them (GraphQL Codegen refuses
 * duplicates); the field signatures docs/metrics.md heads its sections with are the schema's.
 */
const ROOT = path.join(__dirname, '..');
const FILES = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const text = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

interface Block {
  where: string;
  source: string;
}

const BLOCKS: Block[] = FILES.flatMap((file) => {
  const content = text(file);
  const fenced = [...content.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => ({
    where: `${file}:${content.slice(0, m.index).split('\n').length}`,
    source: m[1],
  }));
  // The query of a curl example: '{"query":"…"}' in a shell block.
  const curled = [...content.matchAll(/'(\{"query":"(?:[^"\\]|\\.)*"[^']*\})'/g)].map((m) => ({
    where: `${file}:${content.slice(0, m.index).split('\n').length} (curl)`,
    source: (JSON.parse(m[1]) as { query: string }).query,
  }));
  return [...fenced, ...curled];
});

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildBareSchema();
});

it('finds the GraphQL of the README and the docs, the curl example included', () => {
  expect(BLOCKS.filter((b) => b.where.startsWith('README.md')).length).toBeGreaterThanOrEqual(8);
  expect(BLOCKS.some((b) => b.where.startsWith('docs/'))).toBe(true);
  expect(BLOCKS.some((b) => b.where.endsWith('(curl)'))).toBe(true);
});

describe.each(BLOCKS.map((b) => [b.where, b.source] as const))('%s', (_where, source) => {
  it('names every operation and validates against the schema', () => {
    const document = parse(source);
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION) expect(definition.name?.value).toBeTruthy();
    }
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  });
});

it('gives every operation and fragment a name of its own across the README and the docs', () => {
  const names = BLOCKS.flatMap((b) =>
    parse(b.source).definitions.flatMap((d) =>
      (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) && d.name ? [`${d.kind}:${d.name.value}`] : [],
    ),
  );
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  expect(repeated).toEqual([]);
});

it("heads each section of docs/metrics.md with the schema's own signature of the Metrics field", () => {
  const metrics = schema.getType('Metrics');
  if (!isObjectType(metrics)) throw new Error('no Metrics type');
  const fields = metrics.getFields();
  const headings = [...text('docs/metrics.md').matchAll(/^### `(\w+)(?:\(([^)]*)\))?: ([^`]+)`$/gm)];
  expect(headings.length).toBeGreaterThanOrEqual(10);
  for (const [, name, args, type] of headings) {
    const field = fields[name];
    expect({ name, exists: field !== undefined }).toEqual({ name, exists: true });
    const schemaArgs = field.args
      .map((a) => {
        const fallback = a.defaultValue !== undefined ? astFromValue(a.defaultValue, a.type) : null;
        return `${a.name}: ${String(a.type)}${fallback ? ` = ${print(fallback)}` : ''}`;
      })
      .sort();
    const documented = (args ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)
      .sort();
    expect({ name, args: documented, type }).toEqual({ name, args: schemaArgs, type: String(field.type) });
  }
});
