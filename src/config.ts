import path from 'node:path';

/** Everything the process reads from its environment, parsed and validated once at boot. */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** External PostgreSQL; when absent an embedded PostgreSQL is started from `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Port of the embedded PostgreSQL; 0 picks a free one at each start. */
  embeddedPgPort: number;
  dbPoolSize: number;
  jwtSecret: string | undefined;
  jwksUrl: string | undefined;
  jwtIssuer: string | undefined;
  jwtAudience: string | undefined;
  /** Seals cursors and redacted patient ids; undefined: the development secret. */
  idSecret: string | undefined;
  /** Load the demo alliance into an empty database at start. */
  seedOnEmpty: boolean;
  /** Log every SQL statement (development aid). */
  logSql: boolean;
}

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const DEV_SECRET = 'alliance-graph-development-secret-change-me';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };
  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must use ${protocols.join(' or ')} (got ${parsed.protocol})`);
      }
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
  };

  const nodeEnvRaw = env.NODE_ENV ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnvRaw)) {
    problems.push(`NODE_ENV must be development, production or test (got "${nodeEnvRaw}")`);
  }
  const nodeEnv = (['development', 'production', 'test'].includes(nodeEnvRaw) ? nodeEnvRaw : 'development') as Config['nodeEnv'];

  const jwksUrl = url('JWKS_URL', ['https:', 'http:']);
  let jwtSecret = env.JWT_SECRET || undefined;
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    problems.push('JWT_SECRET must be at least 32 characters');
  }
  const idSecret = env.ID_SECRET || undefined;
  if (idSecret !== undefined && idSecret.length < 32) problems.push('ID_SECRET must be at least 32 characters');
  if (nodeEnv === 'production') {
    if (!jwksUrl && !jwtSecret) problems.push('production needs JWKS_URL (or JWT_SECRET)');
    if (!idSecret) problems.push('production needs ID_SECRET (it seals cursors and redacted patient ids)');
    if (!env.DATABASE_URL) problems.push('production needs DATABASE_URL (the embedded database is for development)');
  } else if (!jwksUrl && !jwtSecret) {
    jwtSecret = DEV_SECRET;
  }

  const config: Config = {
    nodeEnv,
    port: int('PORT', 4000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    embeddedPgPort: int('EMBEDDED_PG_PORT', 0, 0, 65535),
    dbPoolSize: int('DB_POOL_SIZE', 10, 1, 200),
    jwtSecret,
    jwksUrl,
    jwtIssuer: env.JWT_ISSUER || undefined,
    jwtAudience: env.JWT_AUDIENCE || undefined,
    idSecret,
    seedOnEmpty: bool('SEED_ON_EMPTY', nodeEnv !== 'production'),
    logSql: bool('LOG_SQL', false),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
