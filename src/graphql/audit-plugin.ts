import type { ApolloServerPlugin } from '@apollo/server';
import { ACTIONS } from '../access/actions';
import { databaseFailure } from '../shared/pg-errors';
import type { Context } from './context';
import { ErrorCode } from './errors';
import { DATABASE_MESSAGES } from './server';

/** The action of each mutation, to record a mutation refused by the shield (by role) as denied. */
const ACTION_OF_MUTATION = new Map(Object.entries(ACTIONS).map(([action, rule]) => [rule.mutation, action]));

export const AUDIT_WITHHELD_MESSAGE = 'The access could not be recorded in the audit trail, so the response is withheld. Try again shortly.';

/**
 * Writes the request's collected audit events (allowed sensitive reads, denied and failed
 * actions) in one statement once the response is computed and before it is sent. It fails
 * closed: when the audit cannot be written, the response is withheld (503, nothing of it sent)
 * and `onFailure` is told (the HTTP layer logs it as an error and counts it in /metrics). When
 * the database itself is down the client hears that, as for any other statement.
 */
export function auditPlugin(onFailure: (error: unknown, ctx: Context) => void = () => undefined): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart(requestContext) {
          return {
            async executionDidEnd() {
              const ctx = requestContext.contextValue;
              const { body } = requestContext.response;
              if (requestContext.operation?.operation === 'mutation' && body?.kind === 'single') {
                for (const error of body.singleResult.errors ?? []) {
                  const action = error.path?.length === 1 ? ACTION_OF_MUTATION.get(String(error.path[0])) : undefined;
                  if (action && error.extensions?.code === ErrorCode.FORBIDDEN && !ctx.scope.audit.hasOutcome(action, 'denied')) {
                    ctx.scope.audit.record({ action, outcome: 'denied' });
                  }
                }
              }
              try {
                await ctx.scope.flushAudit();
              } catch (error) {
                onFailure(error, ctx);
                const failure = databaseFailure(error);
                const committed = body?.kind === 'single' && body.singleResult.data != null;
                const stage = requestContext.operation?.operation === 'mutation' ? (committed ? 'afterCommit' : 'inMutation') : 'inQuery';
                const message = failure ? DATABASE_MESSAGES[failure][stage] : AUDIT_WITHHELD_MESSAGE;
                requestContext.response.body = {
                  kind: 'single',
                  singleResult: { errors: [{ message, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] },
                };
                requestContext.response.http.status = 503;
                requestContext.response.http.headers.set('retry-after', '1');
              }
            },
          };
        },
      };
    },
  };
}
