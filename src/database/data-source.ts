import path from 'node:path';
import { types } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
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
    // Every session in UTC, so CURRENT_DATE in SQL and "today" in code agree.
    extra: { connectionTimeoutMillis: 10_000, options: '-c TimeZone=UTC' },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}

export function sqlObserver(dataSource: DataSource): SqlObserver {
  return dataSource.logger as SqlObserver;
}
