import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, Lexer, parse, Source, TokenKind, validate, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { DEFAULT_QUERY_LIMITS } from '../src/config';
import { LIMIT_MESSAGE, operationCost, queryLimits } from '../src/graphql/limits';
import { buildBareSchema } from '../src/graphql/schema';
import { admin, createTestApp, type TestApp } from './support/app';

/**
 * The default limits leave room around every example operation of the README (at most half of the
 * cost, alias, directive and token limits, three levels under the depth limit), and the server
 * (with those defaults) runs them without a limit refusal.
 */
const README = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const EXAMPLES = [...README.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);
const VARIABLES: Record<string, Record<string, unknown>> = { Fulfil: { id: 'Q29tbWl0bWVudDp4', version: 1 } };

function operationsOf(document: DocumentNode): { name: string; document: DocumentNode }[] {
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  return document.definitions
    .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => ({ name: operation.name?.value ?? '(anonymous)', document: { ...document, definitions: [operation, ...fragments] } }));
}

/** Depth as the server counts it: the smallest maxDepth its validation rules let through. */
function depthOf(document: DocumentNode): number {
  for (let n = 2; n <= 50; n += 1) {
    const { validationRules } = queryLimits({ ...DEFAULT_QUERY_LIMITS, maxDepth: n }, { blockFieldSuggestions: false });
    if (validate(schema, document, validationRules).length === 0) return n;
  }
  throw new Error('deeper than 50');
}

function tokensOf(source: string): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  return count;
}

function count(document: DocumentNode, what: 'alias' | 'directive'): number {
  let n = 0;
  visit(document, {
    Field: (node) => void (what === 'alias' && node.alias && (n += 1)),
    Directive: () => void (what === 'directive' && (n += 1)),
  });
  return n;
}

let schema: GraphQLSchema;
let app: TestApp;
beforeAll(async () => {
  schema = await buildBareSchema();
  app = await createTestApp();
});
afterAll(() => app.close());

it('finds the README examples', () => {
  expect(EXAMPLES.length).toBeGreaterThanOrEqual(4);
});

describe.each(EXAMPLES.flatMap((source) => operationsOf(parse(source)).map((op) => [op.name, op.document, source] as const)))(
  'README example %s',
  (name, document, source) => {
    it('stays under half of every default limit', () => {
      const figures = {
        cost: operationCost(schema, document, VARIABLES[name], name),
        depth: depthOf(document),
        aliases: count(document, 'alias'),
        directives: count(document, 'directive'),
        tokens: tokensOf(source),
      };
      expect(figures.cost).toBeLessThanOrEqual(DEFAULT_QUERY_LIMITS.maxCost / 2);
      expect(figures.depth).toBeLessThanOrEqual(DEFAULT_QUERY_LIMITS.maxDepth - 3);
      expect(figures.aliases).toBeLessThanOrEqual(DEFAULT_QUERY_LIMITS.maxAliases / 2);
      expect(figures.directives).toBeLessThanOrEqual(DEFAULT_QUERY_LIMITS.maxDirectives / 2);
      expect(figures.tokens).toBeLessThanOrEqual(DEFAULT_QUERY_LIMITS.maxTokens / 2);
    });

    it('runs on a server with the default limits without a limit refusal', async () => {
      const result = await app.run(source, VARIABLES[name], admin());
      expect((result.errors ?? []).map((e) => e.message)).not.toContain(LIMIT_MESSAGE);
    });
  },
);

describe('cost', () => {
  const cost = (query: string, variables?: Record<string, unknown>): number => operationCost(schema, parse(query), variables, undefined);

  it('multiplies a connection by first, once (edges and nodes are not multiplied again)', () => {
    expect(cost('{ stakeholders(first: 10) { edges { node { id name } } } }')).toBe(cost('{ stakeholders(first: 1) { edges { node { id name } } } }') * 10 - 9);
  });

  it('reads first from variables and falls back to the argument default', () => {
    const query = 'query($n: Int!) { stakeholders(first: $n) { edges { node { id } } } }';
    expect(cost(query, { n: 50 })).toBeGreaterThan(cost(query, { n: 5 }) * 9);
    expect(cost('{ stakeholders { edges { node { id } } } }')).toBeGreaterThan(1);
  });

  it('counts an unpaged list of objects as ten items', () => {
    const one = cost('{ stakeholder(id: "x") { id } }');
    const withList = cost('{ stakeholder(id: "x") { id affiliations { id } } }');
    expect(withList - one).toBe(1 + 10 * 1);
  });
});
