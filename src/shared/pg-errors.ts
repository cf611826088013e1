import { QueryFailedError } from 'typeorm';

/** The constraint a write violated, if it failed on one (unique, foreign key or check). */
export function violatedConstraint(error: unknown): { code: string; constraint: string } | null {
  if (error instanceof QueryFailedError) {
    const driverError = error.driverError as { code?: string; constraint?: string };
    if (driverError.code && driverError.constraint && ['23505', '23503', '23514', '23P01'].includes(driverError.code)) {
      return { code: driverError.code, constraint: driverError.constraint };
    }
  }
  return null;
}

const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', 'EAI_AGAIN']);
// SQLSTATE: class 08 connection exception; 57P01-03 shutdown / cannot connect now; 53300 too many connections.
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[123]|53300)$/;
// 57014 query_canceled (statement_timeout); 25P03 idle_in_transaction_session_timeout.
const TIMEOUT_SQLSTATES = new Set(['57014', '25P03']);
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect', // pg-pool: no connection within connectionTimeoutMillis
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'terminating connection',
  // TypeORM releases a query runner whose connection failed (its 'error' event); the request's
  // next statement, or its next query through the same EntityManager, then fails with these.
  'Query runner already released',
  'Database connection provided by a query runner was already released',
];

/**
 * Whether an error (or one it wraps) says the database is unreachable, saturated or restarting
 * ('unavailable'), or cancelled a statement or transaction for taking too long ('timeout').
 */
export function databaseFailure(error: unknown): 'unavailable' | 'timeout' | null {
  for (let current = error, hops = 0; current && hops < 5; hops += 1) {
    const candidate = current as { code?: unknown; message?: unknown; driverError?: unknown; originalError?: unknown; cause?: unknown };
    const code = typeof candidate.code === 'string' ? candidate.code : '';
    if (TIMEOUT_SQLSTATES.has(code)) return 'timeout';
    if (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_NODE_CODES.has(code)) return 'unavailable';
    const message = typeof candidate.message === 'string' ? candidate.message : '';
    if (UNAVAILABLE_MESSAGES.some((known) => message.includes(known))) return 'unavailable';
    current = candidate.driverError ?? candidate.originalError ?? candidate.cause;
  }
  return null;
}
