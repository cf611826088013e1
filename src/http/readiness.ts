import { Client } from 'pg';
import type { DataSource } from 'typeorm';

export interface ReadinessState {
  ready: boolean;
  /** Why not: an operational reason, never an error message. */
  reason?: 'shutting down' | 'database unreachable' | 'migrations pending';
}

export interface Readiness {
  check(): Promise<ReadinessState>;
  /** From SIGTERM on, /readyz answers 503 so the load balancer stops sending traffic. */
  markDraining(): void;
}

/** Checks are cached this long, so a flood of /readyz calls costs one connection a second at most. */
const CACHE_MS = 1_000;

/**
 * Ready = not shutting down, the database answers, and every migration this build knows is
 * applied. The check opens its own short-lived connection (2 s connect and statement timeouts),
 * so a saturated pool does not make the replica look dead, and a dead database is seen at once.
 */
export function createReadiness(db: DataSource, connectionString: string): Readiness {
  let draining = false;
  let cached: { at: number; state: ReadinessState } | undefined;
  let inFlight: Promise<ReadinessState> | undefined;
  const expected = (): string[] => db.migrations.map((migration) => migration.name ?? migration.constructor.name);

  const probe = async (): Promise<ReadinessState> => {
    const client = new Client({ connectionString, connectionTimeoutMillis: 2_000, statement_timeout: 2_000, application_name: 'alliance-graph-readyz' });
    client.on('error', () => undefined); // a connection lost mid-check fails the check, not the process
    try {
      await client.connect();
      const { rows } = await client.query<{ name: string }>('SELECT name FROM typeorm_migrations');
      const applied = new Set(rows.map((row) => row.name));
      return expected().every((name) => applied.has(name)) ? { ready: true } : { ready: false, reason: 'migrations pending' };
    } catch (error) {
      // 42P01: no migrations table at all.
      return (error as { code?: string }).code === '42P01'
        ? { ready: false, reason: 'migrations pending' }
        : { ready: false, reason: 'database unreachable' };
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  return {
    markDraining() {
      draining = true;
    },
    async check() {
      if (draining) return { ready: false, reason: 'shutting down' };
      if (cached && Date.now() - cached.at < CACHE_MS) return cached.state;
      inFlight ??= probe().then((state) => {
        cached = { at: Date.now(), state };
        inFlight = undefined;
        return state;
      });
      const state = await inFlight;
      return draining ? { ready: false, reason: 'shutting down' } : state;
    },
  };
}
