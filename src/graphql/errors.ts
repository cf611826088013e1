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
