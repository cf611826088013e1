import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { Context } from '../graphql/context';
import { ErrorCode, isGraphqlJsRequestError } from '../graphql/errors';
import { limitRefusal } from '../graphql/limits';
import { databaseFailure } from '../shared/pg-errors';
import type { Logger } from '../shared/logger';
import type { Metrics } from './metrics';

/**
 * Per GraphQL request: the operation name and outcome for the request log, latency and error
 * codes for /metrics, a log line for each unexpected error (its type, SQLSTATE and stack, never
 * its message when it comes from the database: those quote values), and 503 + Retry-After when
 * the database is unavailable.
 */
export function graphqlObserver(metrics: Metrics, logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      let databaseDown = false;
      return {
        async didResolveOperation({ operationName }) {
          contextValue.report.operation = metrics.operationLabel(operationName);
        },
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const original = error.originalError ?? error;
            const failure = databaseFailure(original);
            if (failure === 'unavailable') databaseDown = true;
            const limit = limitRefusal(error.message);
            if (limit) logger.info({ reqId: contextValue.requestId, limit }, 'operation refused by a limit');
            if (isExpected(error)) continue;
            const details = { reqId: contextValue.requestId, err: safeError(original), path: error.path?.join('.') };
            // An outage or a timeout is operational (warn); anything else is a bug (error).
            if (failure) logger.warn({ ...details, failure }, failure === 'timeout' ? 'database timeout' : 'database unavailable');
            else logger.error(details, 'unexpected error');
          }
        },
        async willSendResponse({ response }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const codes = (body?.errors ?? []).map((error) => String(error.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR));
          const outcome = codes.length === 0 ? 'ok' : body?.data ? 'partial' : 'error';
          Object.assign(contextValue.report, { outcome, ...(codes.length ? { errorCodes: [...new Set(codes)] } : {}) });
          contextValue.report.operation ??= '(unresolved)';
          metrics.observe(contextValue.report.operation, outcome, Number(process.hrtime.bigint() - started) / 1e9, codes);
          if (databaseDown) {
            response.http.status = 503;
            response.http.headers.set('retry-after', '1');
          }
        },
      };
    },
  };
}

/** Errors that describe the request (a code the API chose, or graphql-js's), as opposed to bugs and outages. */
function isExpected(error: GraphQLError): boolean {
  const code = error.extensions?.code;
  if (typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR) return true;
  return isGraphqlJsRequestError(error);
}

/** What of an unexpected error may be logged: no message from the database (it can quote values). */
export function safeError(error: unknown): Record<string, unknown> {
  const candidate = error as { name?: string; code?: unknown; message?: string; stack?: string; driverError?: { code?: string; routine?: string } };
  const driver = candidate.driverError;
  const fromDatabase = Boolean(driver) || typeof candidate.code === 'string';
  return {
    type: candidate.name ?? typeof error,
    ...(driver?.code || typeof candidate.code === 'string' ? { code: driver?.code ?? candidate.code } : {}),
    ...(driver?.routine ? { routine: driver.routine } : {}),
    ...(fromDatabase ? {} : { message: candidate.message }),
    stack: (candidate.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at ')).slice(0, 12).join('\n'),
  };
}
