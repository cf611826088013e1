import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { traceOperation, tracingEnabled } from '../observability/tracing';
import { columnsPlugin } from './deferred-columns';
import { auditPlugin } from './audit-plugin';
import type { Context } from './context';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from '../config';
import { databaseFailure } from '../shared/pg-errors';
import { badInput, ErrorCode, isGraphqlJsRequestError } from './errors';
import { isLimitRefusal, LIMIT_MESSAGE, queryLimits } from './limits';
import { buildAppSchema } from './schema';

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));
/** Apollo's own request errors, mapped onto the API's codes. */
const APOLLO_CODES: Record<string, ErrorCode> = {
  GRAPHQL_PARSE_FAILED: ErrorCode.BAD_USER_INPUT,
  GRAPHQL_VALIDATION_FAILED: ErrorCode.BAD_USER_INPUT,
  BAD_REQUEST: ErrorCode.BAD_USER_INPUT,
  OPERATION_RESOLUTION_FAILURE: ErrorCode.BAD_USER_INPUT,
  PERSISTED_QUERY_NOT_SUPPORTED: ErrorCode.BAD_USER_INPUT,
  PERSISTED_QUERY_NOT_FOUND: ErrorCode.BAD_USER_INPUT,
};

/**
 * Every error leaves with a stable code. Anything unexpected (a bug, a database failure) is
 * masked: the client gets INTERNAL_SERVER_ERROR and the request id, the log gets the detail.
 */
export function createFormatError(mutationFields: ReadonlySet<string>): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => formatError(formatted, error, mutationFields);
}

function formatError(formatted: GraphQLFormattedError, error: unknown, mutationFields: ReadonlySet<string>): GraphQLFormattedError {
  const code = String(formatted.extensions?.code ?? '');
  if (isLimitRefusal(formatted.message)) {
    return { message: LIMIT_MESSAGE, extensions: { code: ErrorCode.BAD_USER_INPUT } };
  }
  if (KNOWN_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    const extensions: Record<string, unknown> = { code };
    const message = code === ErrorCode.BAD_USER_INPUT ? withoutValues(formatted.message) : formatted.message;
    if (formatted.extensions?.field) extensions.field = formatted.extensions.field;
    // class-validator failures: keep which property broke which rule, never the submitted values.
    const validation = formatted.extensions?.validationErrors as { property: string; constraints?: Record<string, string>; children?: unknown[] }[] | undefined;
    if (validation) extensions.validationErrors = flattenValidation(validation);
    return { message, locations: formatted.locations, path: formatted.path, extensions };
  }
  if (APOLLO_CODES[code]) {
    return { message: withoutValues(formatted.message), locations: formatted.locations, extensions: { code: APOLLO_CODES[code] } };
  }
  // graphql-js's own errors describe the request, so they are safe to show. (Apollo has already
  // stamped INTERNAL_SERVER_ERROR on the formatted copy: look at the raw error.)
  if (isGraphqlJsRequestError(error)) {
    return { message: withoutValues(formatted.message), locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.BAD_USER_INPUT } };
  }
  // Not a bug: the database is down, busy or too slow. Say so (the detail goes to the log).
  const failure = databaseFailure(error);
  if (failure) {
    // A mutation's transaction is over once its root field has resolved: an error below the root
    // (reading the payload back) comes after the commit, and must not say the change was lost.
    const path = formatted.path ?? [];
    const stage = typeof path[0] === 'string' && mutationFields.has(path[0]) ? (path.length > 1 ? 'afterCommit' : 'inMutation') : 'inQuery';
    return { message: DATABASE_MESSAGES[failure][stage], path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
  return {
    message: 'Internal server error.',
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/**
 * graphql-js quotes the value it could not use ("Variable "$n" got invalid value "jane@…"; Int
 * cannot represent …"). A value may be personal data, and responses travel through proxies and
 * client logs: say which variable, where and what type was expected, never the value.
 */
export function withoutValues(message: string): string {
  const variable = /^Variable "(\$\w+)" got invalid value /.exec(message);
  if (variable) {
    const at = / at "([\w.[\]]+)"; /.exec(message);
    const expected =
      /; (?:[\s\S]*?)\b(\w+) cannot represent/.exec(message) ??
      /Expected type "([\w![\]]+)"/.exec(message) ??
      /does not exist in "(\w+)" enum/.exec(message);
    const missing = /; (Field "[\w.]+" of required type "[\w![\]]+" was not provided\.)$/.exec(message);
    const unknown = /; (Field "\w+" is not defined by type "\w+"\.)/.exec(message);
    const detail = missing?.[1] ?? unknown?.[1] ?? (expected ? `expected ${expected[1]}.` : 'it does not match the type.');
    return `Variable "${variable[1]}" got an invalid value${at ? ` at "${at[1]}"` : ''}; ${detail}`;
  }
  return message
    .replace(/\b((?:cannot represent|Cannot represent) [\w\s-]*?value)(?::| \(| ")[\s\S]*$/, '$1.')
    .replace(/(Expected value of type "[^"]+"), found [\s\S]*$/, '$1.')
    .replace(/^Value "[^"]*" does not exist in "(\w+)" enum\.?[\s\S]*$/, 'Value does not exist in "$1" enum.');
}

export const DATABASE_MESSAGES = {
  unavailable: {
    inQuery: 'The database is unavailable right now. Try again shortly.',
    // The connection may have died while the COMMIT was on its way: say what is known.
    inMutation:
      'The database became unavailable; the change was most likely not made. Try again shortly: with the same idempotencyKey a retry cannot apply it twice.',
    afterCommit: 'The change was saved, but the database became unavailable while reading it back. Read the record again shortly.',
  },
  timeout: {
    inQuery: 'The operation took too long and was stopped. Narrow it or try again.',
    inMutation: 'The operation took too long and was stopped; the change was not made. Try again.',
    afterCommit: 'The change was saved, but reading it back took too long. Read the record again.',
  },
} as const;

interface ValidationNode {
  property: string;
  constraints?: Record<string, string>;
  children?: unknown[];
}
function flattenValidation(nodes: ValidationNode[], prefix = ''): { field: string; messages: string[] }[] {
  return nodes.flatMap((node) => {
    const field = prefix ? `${prefix}.${node.property}` : node.property;
    const own = node.constraints ? [{ field, messages: Object.values(node.constraints) }] : [];
    return [...own, ...flattenValidation((node.children ?? []) as ValidationNode[], field)];
  });
}

export interface ApolloOptions {
  introspection: boolean;
  /** The app schema, when the caller shares it (subscriptions, webhooks); built here otherwise. */
  schema?: GraphQLSchema;
  /** Production: no "Did you mean …?" hints, no explorer landing page. */
  production?: boolean;
  limits?: QueryLimits;
  /** Observability (metrics, logs) from the HTTP layer. */
  plugins?: ApolloServerPlugin<Context>[];
  /** Told when a request's audit could not be written (the response is then withheld). */
  onAuditFailure?: (error: unknown, ctx: Context) => void;
}

export async function createApolloServer(options: ApolloOptions): Promise<ApolloServer<Context>> {
  const schema = options.schema ?? (await buildAppSchema());
  const limits = queryLimits(options.limits ?? DEFAULT_QUERY_LIMITS, { blockFieldSuggestions: options.production ?? false });
  return new ApolloServer<Context>({
    schema,
    formatError: createFormatError(new Set(Object.keys(schema.getMutationType()?.getFields() ?? {}))),
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Automatic persisted queries off: every request carries its document, checked against the limits.
    persistedQueries: false,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    // main.ts owns shutdown: drain HTTP, then close the database, then exit 0.
    stopOnTerminationSignals: false,
    plugins: [
      subscriptionsElsewhere(),
      auditPlugin(options.onAuditFailure),
      columnsPlugin(),
      ...(tracingEnabled ? [tracingPlugin()] : []),
      ...(options.plugins ?? []),
      ...(limits.plugins as ApolloServerPlugin<Context>[]),
      // Nothing here uses cache hints; the plugin costs per resolved field.
      ApolloServerPluginCacheControlDisabled(),
      // In development a browser's GET /graphql never gets here: GraphiQL answers it first
      // (src/explorer/graphiql.ts, mounted by http/server.ts). With NODE_ENV=test this page remains.
      options.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
  });
}

/** A subscription sent by HTTP is refused before it runs: it is served over WebSocket (http/subscriptions.ts). */
function subscriptionsElsewhere(): ApolloServerPlugin<Context> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ operation }) => {
          if (operation?.operation === 'subscription') {
            throw badInput('Subscriptions are served over WebSocket at /graphql (graphql-ws, the graphql-transport-ws protocol), not over HTTP.');
          }
          return Promise.resolve();
        },
      }),
  };
}

/** Names the request's span after its operation once Apollo knows it (tracing only). */
function tracingPlugin(): ApolloServerPlugin<Context> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ operationName, contextValue }) => {
          traceOperation(operationName, contextValue.viewer?.role);
          return Promise.resolve();
        },
      }),
  };
}
