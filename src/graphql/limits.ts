import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { QueryLimits } from '../config';
import { appError, ErrorCode } from './errors';


/** A list field without `first` (a stakeholder's affiliations, a partnership's members …) counts as this many items. */
export const UNPAGED_LIST_SIZE = 10;

/**
 * Cost of a field: 1, plus its selection times the number of items it may return — `first`
 * (connections, neighbours, interactions), the number of `ids` (nodes), or UNPAGED_LIST_SIZE for
 * other lists of objects. `edges`/`nodes` of a connection are not multiplied again.
 */
const listCost: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (typeof args.first === 'number') return 1 + Math.max(1, args.first) * childComplexity;
  if (Array.isArray(args.ids)) return 1 + Math.max(1, args.ids.length) * childComplexity;
  const nullable = getNullableType(field.type);
  if (isListType(nullable) && !isLeafType(getNamedType(field.type)) && !type.name.endsWith('Connection')) {
    return 1 + UNPAGED_LIST_SIZE * childComplexity;
  }
  return undefined;
};

/** The cost of one operation of a document (see listCost). */
export function operationCost(
  schema: GraphQLSchema,
  document: Parameters<typeof getComplexity>[0]['query'],
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): number {
  return getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName,
    estimators: [listCost, simpleEstimator({ defaultComplexity: 1 })],
  });
}

// Refusals never say which limit or by how much: a client learns only that the operation is too big.
const TOO_LARGE = 'The operation is too large or too complex; request fewer fields, levels or items.';

/**
 * Depth, aliases and directives through graphql-armor (≥ 3.1.7: safe on circular fragments);
 * tokens through graphql-js's own parser (`parseOptions.maxTokens`, so a huge document is never
 * fully parsed); cost through graphql-query-complexity, after variables are known (`first: $n`).
 * `blockFieldSuggestions` hides graphql-js's "Did you mean …?" hints (on in production).
 */
export function queryLimits(
  limits: QueryLimits,
  options: { blockFieldSuggestions: boolean },
): { validationRules: ValidationRule[]; plugins: ApolloServerPlugin[]; parseOptions: { maxTokens: number } } {
  // The limit's name rides along for the server log; formatError sends clients LIMIT_MESSAGE only.
  const common = (limit: string) => ({ exposeLimits: false, errorMessage: `${TOO_LARGE} (${limit})`, propagateOnRejection: true });
  const armor = new ApolloArmor({
    maxDepth: { ...common('depth'), n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true },
    maxAliases: { ...common('aliases'), n: limits.maxAliases },
    maxDirectives: { ...common('directives'), n: limits.maxDirectives },
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: options.blockFieldSuggestions, mask: '' },
  }).protect();

  // Apollo keeps one parsed document per query text, so the cost of a document can be kept with
  // it. Only numbers and list lengths in the variables change a cost (`first`, `ids`): strings
  // are blanked in the key, so a portal asking the same query about other ids hits the cache.
  const costs = new WeakMap<object, Map<string, number>>();
  const costPlugin: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName }) {
          const key = `${operationName ?? ''}|${JSON.stringify(request.variables ?? {}, (_name, value: unknown) => (typeof value === 'string' ? 0 : value))}`;
          const known = costs.get(document) ?? new Map<string, number>();
          let cost = known.get(key);
          if (cost === undefined) {
            try {
              cost = operationCost(schema, document, request.variables, operationName ?? undefined);
            } catch {
              // Variables that do not coerce (an Int over 2^31 …): execution refuses them with
              // BAD_USER_INPUT before any resolver runs, so there is nothing to price.
              return;
            }
            if (known.size >= 100) known.delete(known.keys().next().value as string);
            known.set(key, cost);
            costs.set(document, known);
          }
          if (cost > limits.maxCost) throw tooLarge(`cost ${cost}`);
        },
      };
    },
  };
  return {
    validationRules: armor.validationRules,
    plugins: [...armor.plugins, costPlugin],
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

/** Which limit refused an operation, from the raw error message (null: not a limit refusal). */
export function limitRefusal(message: string): string | null {
  if (/^Syntax Error: Document contains more th\w+ \d+ tokens/.test(message)) return 'tokens';
  if (!message.includes(TOO_LARGE)) return null;
  return /\(([\w ]+)\)$/.exec(message)?.[1] ?? 'unknown';
}

/** A refusal by one of the limits, as graphql-js or graphql-armor words it (they may name the limit). */
export const isLimitRefusal = (message: string): boolean => limitRefusal(message) !== null;

/** The message a client gets for any limit refusal. */
export const LIMIT_MESSAGE = TOO_LARGE;

export const tooLarge = (detail: string): ReturnType<typeof appError> =>
  appError(ErrorCode.BAD_USER_INPUT, `${TOO_LARGE} (${detail})`, { http: { status: 400 } });
