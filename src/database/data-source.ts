import path from 'node:path';
import { types } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { namingClient } from './named-statements';
import { SqlObserver } from './sql-observer';

// Calendar dates stay 'YYYY-MM-DD' strings (no time-zone shift through JS Date); bigint money
// amounts become numbers (a CHECK keeps them below 2^53).
types.setTypeParser(types.builtins.DATE, (value) => value);
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

/** Compiled (dist/) or not, migrations sit two folders above this file. */
export const MIGRATIONS_GLOB = path.join(__dirname, '..', '..', 'migrations', '*.{ts,js}');

export interface DataSourceSettings {
  url: string;
  poolSize?: number;
  logSql?: boolean;
  applicationName?: string;
  /** Milliseconds; defaults suit development (see Config.db). */
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
  /** Name (prepare) up to this many distinct parameterised reads per connection (named-statements.ts); none by default. */
  namedStatements?: number;
}

export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto', // gen_random_uuid() is built into PostgreSQL 13+
    installExtensions: false, // migrations create what they need (pg_trgm)
    logger: new SqlObserver(settings.logSql ?? false),
    poolSize: settings.poolSize ?? 10,
    applicationName: settings.applicationName ?? 'alliance-graph',
    extra: {
      ...(settings.namedStatements ? { Client: namingClient(settings.namedStatements) } : {}),
      // A request waits at most this long for a connection (database down, or pool exhausted).
      connectionTimeoutMillis: settings.connectTimeoutMs ?? 5_000,
      // Set per session by PostgreSQL itself: a runaway statement is cancelled, and a transaction
      // left open by a stuck request is ended, so neither can hold locks or a connection forever.
      statement_timeout: settings.statementTimeoutMs ?? 15_000,
      idle_in_transaction_session_timeout: settings.idleInTransactionTimeoutMs ?? 30_000,
      keepAlive: true,
      // Every session in UTC, so CURRENT_DATE in SQL and "today" in code agree. JIT off: where
      // PostgreSQL has it (15 as packaged by distributions; not the embedded 18), the planner's
      // cost threshold sends the metrics and graph statements to LLVM, and compiling them takes
      // 1–2 s where running them takes ~0.1 s (README `Disclosure`: 2.2 s with JIT, 0.1 s without).
      // Not configurable: no statement of this application runs long enough to repay compilation;
      // a client's startup options outrank ALTER ROLE/DATABASE settings, so this holds everywhere.
      options: '-c TimeZone=UTC -c jit=off',
    },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}

export function sqlObserver(dataSource: DataSource): SqlObserver {
  return dataSource.logger as SqlObserver;
}

/** The pg pool behind a data source (for pool gauges). */
export function poolOf(dataSource: DataSource): { totalCount: number; idleCount: number; waitingCount: number } | undefined {
  return (dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
}

/** The connection string a data source was opened with (for the connections kept outside its pool). */
export function connectionStringOf(db: DataSource): string {
  const url = (db.options as { url?: string }).url;
  if (!url) throw new Error('the data source has no url');
  return url;
}
