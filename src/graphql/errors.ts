import { GraphQLError } from 'graphql';

/** The stable error codes of DESIGN §4; every error a client sees carries one. */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export function appError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const unauthenticated = (): GraphQLError =>
  appError(ErrorCode.UNAUTHENTICATED, 'Authentication required: send a bearer token.');
export const forbidden = (message = 'You may not do this.'): GraphQLError => appError(ErrorCode.FORBIDDEN, message);
export const badInput = (message: string, field?: string): GraphQLError =>
  appError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});

/**
 * graphql-js's own complaint about the request, as opposed to a bug or an outage: it carries no
 * code and wraps no exception (or only graphql-js's argument error, which execution wraps). During
 * execution (an error with a path) graphql-js complains only about arguments ('Argument "id" of
 * non-null type "ID!" must not be null.'); anything else there, such as a scalar that cannot
 * serialize a value the server produced ("SafeInt cannot represent …"), is the server's failure.
 */
export function isGraphqlJsRequestError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions?.code) return false;
  const inner = error.originalError;
  if (inner && !(inner instanceof GraphQLError && !inner.originalError && !inner.extensions?.code)) return false;
  return !error.path?.length || error.message.startsWith('Argument "');
}
