import type { Server } from 'node:http';
import { GraphQLError, Kind, getOperationAST, parse, specifiedRules, validate, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { decodeJwt } from 'jose';
import { WebSocketServer } from 'ws';
import { checkClaims } from '../access/claims';
import type { TokenVerifier } from '../access/token';
import type { Viewer } from '../access/viewer';
import type { QueryLimits } from '../config';
import { ErrorCode } from '../graphql/errors';
import { LIMIT_MESSAGE, operationCost, queryLimits } from '../graphql/limits';
import type { ChangeFeed } from '../notifications/change-feed';
import { executeChange, type ChangeOperation, type ChangeReader } from '../notifications/change-execution';
import { AUDIT_WITHHELD_MESSAGE } from '../graphql/audit-plugin';
import type { ChangeEvent, ChangeEventType } from '../shared/outbox';
import type { Logger } from '../shared/logger';
import type { RateLimits } from './rate-limit';
import type { TrustedDocuments } from './trusted-documents';
import { documentIdOf } from './trusted-documents';

/** Events a subscriber may fall behind by before its subscription is ended (it resubscribes). */
export const MAX_BACKLOG = 1_000;

export interface SubscriptionDeps {
  reader: ChangeReader;
  feed: ChangeFeed;
  verifyToken: TokenVerifier;
  limits: QueryLimits;
  rateLimits: RateLimits;
  trusted: TrustedDocuments;
  production: boolean;
  logger: Logger;
}

type SocketExtra = {
  viewer?: Viewer;
  expiry?: NodeJS.Timeout;
};

const error = (message: string, code: ErrorCode = ErrorCode.BAD_USER_INPUT): GraphQLError => new GraphQLError(message, { extensions: { code } });

/**
 * GraphQL subscriptions over WebSocket (graphql-ws, the `graphql-transport-ws` protocol) on the
 * HTTP server's /graphql. The bearer token comes in `connection_init` (`{ authorization: "Bearer
 * …" }`), is checked as for HTTP (signature, expiry, claims against the database), and the socket
 * is closed (4401) when it expires. Every subscription document passes the same limits as an HTTP
 * operation (tokens, depth, aliases, directives, cost), the user's rate limit and, in `required`
 * mode, the trusted documents. Only subscriptions are served here: queries and mutations go by
 * HTTP, where their audit and limits live.
 */
export function attachSubscriptions(httpServer: Server, deps: SubscriptionDeps): { close(): Promise<void> } {
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 64 * 1024 });
  const armor = queryLimits(deps.limits, { blockFieldSuggestions: deps.production }).validationRules;
  const sockets = new Set<SocketExtra>();

  const server = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema: deps.reader.schema,
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
        if (!match) return false;
        try {
          const viewer = await deps.verifyToken(match[1]);
          if (await checkClaims(deps.reader.db, viewer)) return false;
          const exp = decodeJwt(match[1]).exp as number;
          ctx.extra.viewer = viewer;
          const close = (): void => ctx.extra.socket.close(CloseCode.Unauthorized, 'Token expired');
          // setTimeout takes at most 2^31-1 ms (about 24.8 days): check again then.
          const arm = (): void => {
            const left = exp * 1000 - Date.now();
            ctx.extra.expiry = left <= 0 ? (close(), undefined) : setTimeout(left > 2 ** 31 - 1 ? arm : close, Math.min(left, 2 ** 31 - 1));
          };
          arm();
          sockets.add(ctx.extra);
          return true;
        } catch {
          return false;
        }
      },
      onClose: (ctx) => {
        if (ctx.extra.expiry) clearTimeout(ctx.extra.expiry);
        sockets.delete(ctx.extra);
      },
      onSubscribe: async (ctx, _id, payload) => {
        const viewer = ctx.extra.viewer;
        if (!viewer) return [error('Not authenticated.', ErrorCode.UNAUTHENTICATED)];
        const decision = await deps.rateLimits.consumeUser(`${viewer.role}:${viewer.userId}`);
        if (!decision.allowed) return [error('Too many requests; slow down.', ErrorCode.RATE_LIMITED)];
        if (deps.trusted.mode === 'required' && (await deps.trusted.lookup(documentIdOf(payload.query))) === null) {
          return [error('Only registered documents are accepted (TRUSTED_DOCUMENTS=required).')];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: deps.limits.maxTokens });
        } catch (e) {
          return [error(/tokens/.test((e as Error).message) ? LIMIT_MESSAGE : `Syntax error: ${(e as Error).message.split('\n')[0]}`)];
        }
        const invalid = validate(deps.reader.schema, document, [...specifiedRules, ...armor]);
        if (invalid.length) return invalid.map((e) => error(/too large or too complex/.test(e.message) ? LIMIT_MESSAGE : e.message));
        const operation = getOperationAST(document, payload.operationName ?? undefined);
        if (!operation) return [error('The document must hold one operation, or name it with operationName.')];
        if (operation.operation !== 'subscription') return [error('Only subscriptions are served over WebSocket; send queries and mutations by HTTP POST.')];
        try {
          if (operationCost(deps.reader.schema, document, payload.variables ?? undefined, payload.operationName ?? undefined) > deps.limits.maxCost) return [error(LIMIT_MESSAGE)];
        } catch {
          return [error('The variables do not match the operation.')];
        }
        return {
          schema: deps.reader.schema,
          document,
          operationName: payload.operationName ?? undefined,
          variableValues: payload.variables ?? undefined,
          contextValue: { viewer },
        } satisfies ExecutionArgs;
      },
      subscribe: (args) => changeStream(deps, args),
    },
    wsServer,
  );

  return {
    async close() {
      for (const socket of sockets) if (socket.expiry) clearTimeout(socket.expiry);
      await server.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

/** The `types` argument of `changes`, as given (literal or variable); null: every type. */
function typesOf(args: ExecutionArgs): Set<ChangeEventType> | null {
  const operation = getOperationAST(args.document, args.operationName ?? undefined);
  const field = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === 'changes');
  const arg = field?.kind === Kind.FIELD ? field.arguments?.find((a) => a.name.value === 'types') : undefined;
  if (!arg) return null;
  const value = arg.value;
  if (value.kind === Kind.VARIABLE) {
    const given = (args.variableValues as Record<string, unknown> | undefined)?.[value.name.value];
    return Array.isArray(given) ? new Set(given as ChangeEventType[]) : null;
  }
  if (value.kind === Kind.LIST) return new Set(value.values.flatMap((v) => (v.kind === Kind.ENUM ? [v.value as ChangeEventType] : [])));
  if (value.kind === Kind.ENUM) return new Set([value.value as ChangeEventType]);
  return null;
}

/**
 * The events of the feed, each executed for the subscriber as it arrives (notification.service.ts):
 * in commit order, skipping those the subscriber may not see. A hand-made iterator rather than an
 * async generator, so that ending the subscription unsubscribes at once, not at the next event.
 */
function changeStream(deps: SubscriptionDeps, args: ExecutionArgs): AsyncIterableIterator<ExecutionResult> {
  const viewer = (args.contextValue as { viewer: Viewer }).viewer;
  const operation: ChangeOperation = { document: args.document, operationName: args.operationName, variableValues: args.variableValues as Record<string, unknown> };
  const types = typesOf(args);
  const queue: ChangeEvent[] = [];
  let waiting: ((result: IteratorResult<ExecutionResult>) => void) | null = null;
  let done = false;
  let pumping = false;
  let overflowed = false;

  const finish = (): void => {
    done = true;
    unsubscribe();
    waiting?.({ value: undefined, done: true });
    waiting = null;
  };
  const deliver = (result: ExecutionResult): void => {
    const resolve = waiting;
    waiting = null;
    resolve?.({ value: result, done: false });
  };
  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      while (waiting && !done) {
        if (overflowed) {
          deliver({ errors: [error(`This subscription fell more than ${MAX_BACKLOG} events behind and was ended; subscribe again.`)] });
          finish();
          return;
        }
        const event = queue.shift();
        if (!event) return;
        let result: ExecutionResult | null;
        try {
          result = await executeChange(deps.reader, viewer, operation, event);
        } catch (e) {
          deps.logger.error({ err: { type: (e as Error).name, message: (e as Error).message } }, 'subscription event could not be read or audited: withheld');
          result = { errors: [error(AUDIT_WITHHELD_MESSAGE, ErrorCode.INTERNAL_SERVER_ERROR)] };
        }
        if (result && !done) deliver(result);
      }
    } finally {
      pumping = false;
    }
  };
  const unsubscribe = deps.feed.subscribe((event) => {
    if (done || (types && !types.has(event.type))) return;
    if (queue.length >= MAX_BACKLOG) overflowed = true;
    else queue.push(event);
    void pump();
  });

  return {
    next: () =>
      done
        ? Promise.resolve({ value: undefined, done: true })
        : new Promise((resolve) => {
            waiting = resolve;
            void pump();
          }),
    return: () => {
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
