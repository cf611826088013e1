import { randomBytes } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { Role, type Viewer } from '../../src/access/viewer';
import { createDataSource, sqlObserver } from '../../src/database/data-source';
import { contextFor, type Context } from '../../src/graphql/context';
import { createApolloServer } from '../../src/graphql/server';
import { ConsentPurpose } from '../../src/modules/consent/consent.entity';
import { DEFAULT_PURPOSE } from '../../src/access/viewer';

export interface GqlResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface RunOptions {
  /** Write the audit trail (default true). */
  audit?: boolean;
}

export interface TestApp {
  db: DataSource;
  /** Connection URL of this file's database. */
  url: string;
  /**
   * Runs an operation as `viewer` (null: no token) through the real schema, shield and loaders;
   * `{ audit: false }` runs it as with AUDIT_ENABLED=false.
   */
  run<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, viewer?: Viewer | null, options?: RunOptions): Promise<GqlResult<T>>;
  /**
   * Like run, and also returns the SQL statements the operation sent to read and write its data
   * (`statements`) and, apart, the audit trail's appends (`audit`: one per request at most when
   * it read a sensitive field; test/audit.test.ts holds that).
   */
  runCounted<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    viewer?: Viewer | null,
    options?: RunOptions,
  ): Promise<{ result: GqlResult<T>; statements: string[]; audit: string[] }>;
  /** The request id of the last `run` (each run has its own: audit rows carry it). */
  readonly lastRequestId: string;
  close(): Promise<void>;
}

let serverPromise: Promise<ApolloServer<Context>> | undefined;

/** A fresh database for this test file, cloned from the migrated template. */
export async function createTestApp(): Promise<TestApp> {
  const serverUrl = process.env.AG_TEST_SERVER_URL;
  const template = process.env.AG_TEST_TEMPLATE;
  if (!serverUrl || !template) throw new Error('run the tests through jest (global setup provides the database)');
  const name = `ag_test_${process.env.AG_TEST_RUN}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createDataSource({ url: url.toString(), poolSize: 5 });
  await db.initialize();
  serverPromise ??= createApolloServer({ introspection: true });
  const server = await serverPromise;

  let lastRequestId = '';
  const run = async <T>(query: string, variables?: Record<string, unknown>, viewer: Viewer | null = null, options: RunOptions = {}): Promise<GqlResult<T>> => {
    lastRequestId = `test-${randomBytes(6).toString('hex')}`;
    const contextValue: Context = contextFor(db, viewer, lastRequestId, { audit: options.audit ?? true });
    const response = await server.executeOperation({ query, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not used');
    return response.body.singleResult as GqlResult<T>;
  };
  return {
    db,
    url: url.toString(),
    get lastRequestId() {
      return lastRequestId;
    },
    run,
    async runCounted(query, variables, viewer, options) {
      const { result, statements } = await sqlObserver(db).record(() => run(query, variables, viewer, options));
      const isAudit = (sql: string): boolean => sql.includes('audit_append(');
      return { result: result as never, statements: statements.filter((sql) => !isAudit(sql)), audit: statements.filter(isAudit) };
    },
    async close() {
      await db.destroy();
      const cleanup = new Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

let userSeq = 0;
/** A viewer as a verified token would produce (tests of token parsing use real JWTs). */
export function viewerOf(role: Role, options: { orgId?: string | null; patientId?: string | null; purpose?: ConsentPurpose } = {}): Viewer {
  userSeq += 1;
  return {
    userId: `test-user-${userSeq}`,
    role,
    orgId: options.orgId ?? null,
    patientId: options.patientId ?? null,
    purpose: options.purpose ?? DEFAULT_PURPOSE[role],
  };
}

export const admin = (): Viewer => viewerOf(Role.ADMIN);

/** The data of a result that must have no errors (fails the test with the errors otherwise). */
export function dataOf<T>(result: GqlResult<T>): T {
  if (result.errors?.length) throw new Error(`unexpected GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
  if (!result.data) throw new Error('no data');
  return result.data;
}

/** The codes of a result's errors. */
export const errorCodes = (result: GqlResult): unknown[] => (result.errors ?? []).map((e) => e.extensions?.code);
