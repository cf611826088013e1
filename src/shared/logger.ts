import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines on stdout (or `destination`). What may be logged is decided where lines are written
 * (src/http/request-log.ts, src/http/graphql-observer.ts): request ids, operation names, roles,
 * organisation ids, durations, outcomes, error codes — never tokens, variables, or patient data.
 * The redaction below is a backstop for a header or a field that slips through.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'alliance-graph' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ['headers.authorization', 'req.headers', 'authorization', 'token', 'variables', 'email', 'phone', '*.email', '*.phone'],
        censor: '[redacted]',
      },
    },
    // By default stdout, written asynchronously (pino flushes it at exit): a synchronous write per
    // request line was 4% of the server's CPU on small reads (issue 15).
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
