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
  /** Database timeouts, in milliseconds (see README "Operating it"). */
  db: { connectTimeoutMs: number; statementTimeoutMs: number; idleInTransactionTimeoutMs: number };
  http: {
    /** Largest accepted request body, in bytes. */
    bodyLimitBytes: number;
    /** Hops of proxies in front of the server whose X-Forwarded-For is trusted (0: none). */
    trustProxy: number;
    /** After SIGTERM: keep serving (with /readyz 503) this long so the load balancer notices, then drain. */
    shutdownDelayMs: number;
    /** Longest wait for in-flight requests after the server stops accepting. */
    drainTimeoutMs: number;
    /** When set, /metrics needs `Authorization: Bearer <this>`. */
    metricsToken: string | undefined;
    /** Browser origins allowed to call /graphql across origins (exact `scheme://host[:port]`); none by default. */
    corsOrigins: string[];
    /** Registered documents by `documentId`: off, allowed (besides documents sent as text), or required (only them). */
    trustedDocuments: 'off' | 'allowed' | 'required';
  };
  /** Per-operation limits, checked before execution; see src/graphql/limits.ts. */
  limits: QueryLimits;
  /** Network measures (src/modules/metrics/network.service.ts; docs/metrics.md, Network). */
  network: {
    /** Betweenness from this many sampled sources; exact for a graph of at most this many stakeholders. */
    betweennessPivots: number;
  };
  /** The change feed (README "Notifications"): webhook deliveries from this process. */
  webhooks: {
    /** Run the delivery worker in a thread of this process (every replica may: they share the work through PostgreSQL). */
    worker: boolean;
    concurrency: number;
    retryBaseMs: number;
    retryMaxDelayMs: number;
    /** Retried this long after the event, then dead-lettered. */
    retryForMs: number;
    timeoutMs: number;
    pollMs: number;
  };
  rateLimit: RateLimitConfig;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  audit: {
    /** Write the audit trail (reads of sensitive fields, every write). Off only for measuring its cost. */
    enabled: boolean;
    /** Whole months of audit partitions kept before the current one; older ones are dropped. */
    retentionMonths: number;
  };
}

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
}

/**
 * Defaults sized from the README's example operations — the largest, the partner portal query,
 * costs 10,244 and is 8 deep; test/limits.test.ts keeps every example at most half of the cost,
 * alias, directive and token limits and three levels under the depth limit — and from the same
 * portal query at the largest page (`first: 100`, test/portal.test.ts), which costs 50,601.
 */
export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxCost: 100_000,
  maxAliases: 30,
  maxDirectives: 20,
  maxTokens: 2_000,
};

/**
 * Sampled sources of betweenness (NETWORK_BETWEENNESS_PIVOTS). Each costs one breadth-first search
 * of the graph: about 3 ms at the scale-100 seed (22,861 stakeholders, 146,998 links), so 500 take
 * about 1.6 s in the worker thread; the error this leaves is in docs/metrics.md (Network).
 */
export const DEFAULT_BETWEENNESS_PIVOTS = 500;

export interface RateLimitConfig {
  /** Requests per window for one signed-in user. */
  userPoints: number;
  /** Requests per window from one IP address (all users and anonymous requests behind it). */
  ipPoints: number;
  windowSeconds: number;
  /** Shared counters across replicas; in memory (per process) when unset. */
  redisUrl: string | undefined;
}

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const DEV_SECRET = 'alliance-graph-development-secret-change-me';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
function logLevel(raw: string | undefined, nodeEnv: Config['nodeEnv'], problems: string[]): Config['logLevel'] {
  if (raw === undefined || raw === '') return nodeEnv === 'test' ? 'silent' : 'info';
  if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw as Config['logLevel'];
  problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${raw}")`);
  return 'info';
}

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
  const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if ((values as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${values.join(', ')} (got "${raw}")`);
    return fallback;
  };
  /** Comma-separated exact origins: each `scheme://host[:port]` (http or https), nothing more, no wildcard. */
  const origins = (name: string): string[] => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return [];
    const list = raw.split(',').map((o) => o.trim()).filter((o) => o !== '');
    for (const origin of list) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(origin);
      } catch {
        parsed = undefined;
      }
      if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
        problems.push(`${name} must list exact origins such as https://portal.example.org, comma-separated (got "${origin}")`);
      }
    }
    return list;
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
  if (env.METRICS_TOKEN !== undefined && env.METRICS_TOKEN !== '' && env.METRICS_TOKEN.length < 16) {
    problems.push('METRICS_TOKEN must be at least 16 characters');
  }
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
    audit: { enabled: bool('AUDIT_ENABLED', true), retentionMonths: int('AUDIT_RETENTION_MONTHS', 72, 1, 1200) },
    logSql: bool('LOG_SQL', false),
    db: {
      connectTimeoutMs: int('DB_CONNECT_TIMEOUT_MS', 5_000, 100, 120_000),
      statementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS', 15_000, 100, 3_600_000),
      idleInTransactionTimeoutMs: int('DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 30_000, 100, 3_600_000),
    },
    http: {
      bodyLimitBytes: int('BODY_LIMIT_BYTES', 64 * 1024, 1024, 50 * 1024 * 1024),
      trustProxy: int('TRUST_PROXY_HOPS', 0, 0, 10),
      shutdownDelayMs: int('SHUTDOWN_DELAY_MS', 0, 0, 120_000),
      drainTimeoutMs: int('SHUTDOWN_DRAIN_MS', 10_000, 0, 120_000),
      metricsToken: env.METRICS_TOKEN || undefined,
      corsOrigins: origins('CORS_ORIGINS'),
      trustedDocuments: oneOf('TRUSTED_DOCUMENTS', ['off', 'allowed', 'required'] as const, 'allowed'),
    },
    limits: {
      maxDepth: int('QUERY_MAX_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth, 2, 100),
      maxCost: int('QUERY_MAX_COST', DEFAULT_QUERY_LIMITS.maxCost, 10, 100_000_000),
      maxAliases: int('QUERY_MAX_ALIASES', DEFAULT_QUERY_LIMITS.maxAliases, 1, 10_000),
      maxDirectives: int('QUERY_MAX_DIRECTIVES', DEFAULT_QUERY_LIMITS.maxDirectives, 1, 10_000),
      maxTokens: int('QUERY_MAX_TOKENS', DEFAULT_QUERY_LIMITS.maxTokens, 50, 1_000_000),
    },
    network: { betweennessPivots: int('NETWORK_BETWEENNESS_PIVOTS', DEFAULT_BETWEENNESS_PIVOTS, 1, 1_000_000) },
    webhooks: {
      // Off by default under test: a test process starts many servers, each would start a delivery thread.
      worker: bool('WEBHOOK_WORKER', nodeEnv !== 'test'),
      concurrency: int('WEBHOOK_CONCURRENCY', 4, 1, 64),
      retryBaseMs: int('WEBHOOK_RETRY_BASE_MS', 10_000, 10, 3_600_000),
      retryMaxDelayMs: int('WEBHOOK_RETRY_MAX_DELAY_MS', 3_600_000, 10, 86_400_000),
      retryForMs: int('WEBHOOK_RETRY_FOR_MS', 86_400_000, 100, 30 * 86_400_000),
      timeoutMs: int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
      pollMs: int('WEBHOOK_POLL_MS', 1_000, 10, 60_000),
    },
    rateLimit: {
      userPoints: int('RATE_LIMIT_USER', 600, 1, 10_000_000),
      ipPoints: int('RATE_LIMIT_IP', 1_200, 1, 10_000_000),
      windowSeconds: int('RATE_LIMIT_WINDOW_S', 60, 1, 86_400),
      redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    },
    logLevel: logLevel(env.LOG_LEVEL, nodeEnv, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
