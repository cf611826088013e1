import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { poolOf } from '../database/data-source';

/** Operation names are client-chosen: a bounded set of label values keeps /metrics small. */
const MAX_OPERATION_LABELS = 200;

export interface Metrics {
  registry: Registry;
  /** A request ended: its operation (see `operationLabel`), outcome, duration, and error codes. */
  observe(operation: string, outcome: string, seconds: number, errorCodes: readonly string[]): void;
  /** The label for a client's operation name (anonymous, bounded, sanitised). */
  operationLabel(name: string | null | undefined): string;
  /** A request's audit trail could not be written (its response was withheld). */
  auditFailed(): void;
}

/** One registry per server (tests start several): GraphQL requests, errors, the database pool, the process. */
export function createMetrics(db: DataSource): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL requests by operation name and outcome (ok, partial, error, rejected).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL request latency by operation name.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors returned to clients, by stable error code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const poolState = (name: string, help: string, read: (pool: NonNullable<ReturnType<typeof poolOf>>) => number): Gauge => {
    const gauge: Gauge = new Gauge({
      name,
      help: `Database pool: ${help}.`,
      registers: [registry],
      collect() {
        const pool = db.isInitialized ? poolOf(db) : undefined;
        gauge.set(pool ? read(pool) : 0);
      },
    });
    return gauge;
  };
  poolState('db_pool_in_use', 'connections checked out by requests', (pool) => pool.totalCount - pool.idleCount);
  poolState('db_pool_idle', 'connections open and free', (pool) => pool.idleCount);
  poolState('db_pool_waiting', 'requests queued for a connection', (pool) => pool.waitingCount);

  const auditFailures = new Counter({
    name: 'audit_write_failures_total',
    help: 'Requests whose audit records could not be written (their responses were withheld).',
    registers: [registry],
  });

  const seen = new Set<string>();
  return {
    registry,
    auditFailed() {
      auditFailures.inc();
    },
    observe(operation, outcome, seconds, errorCodes) {
      requests.inc({ operation, outcome });
      duration.observe({ operation }, seconds);
      for (const code of errorCodes) errors.inc({ code });
    },
    operationLabel(name) {
      if (!name) return '(anonymous)';
      const clean = name.slice(0, 64);
      if (seen.has(clean)) return clean;
      if (seen.size >= MAX_OPERATION_LABELS) return '(other)';
      seen.add(clean);
      return clean;
    },
  };
}
