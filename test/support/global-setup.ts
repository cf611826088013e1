import 'reflect-metadata';
import path from 'node:path';
import { Client } from 'pg';
import { createDataSource } from '../../src/database/data-source';
import { DataDirInUseError, startEmbeddedPostgres, type EmbeddedCluster } from '../../src/database/embedded';

/**
 * One PostgreSQL for the whole run: TEST_DATABASE_URL (an external server, e.g. CI's
 * PostgreSQL 15) or an embedded PostgreSQL 18 in .data/test-pg. A template database is
 * migrated once; every test file clones its own database from it.
 */
export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.TEST_DATABASE_URL;
  let cluster: EmbeddedCluster | undefined;
  if (!serverUrl) {
    const shared = path.join(__dirname, '..', '..', '.data', 'test-pg');
    try {
      cluster = await startEmbeddedPostgres({ dataDir: shared });
    } catch (error) {
      if (!(error instanceof DataDirInUseError)) throw error;
      // Another test run holds the shared cluster: this run gets a throwaway one of its own.
      const own = `${shared}-${process.pid}`;
      cluster = await startEmbeddedPostgres({ dataDir: own });
      process.env.AG_TEST_THROWAWAY_DIR = cluster.dataDir;
    }
    serverUrl = cluster.url('postgres');
  }
  const template = `ag_template_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();

  const templateUrl = new URL(serverUrl);
  templateUrl.pathname = `/${template}`;
  const ds = createDataSource({ url: templateUrl.toString(), poolSize: 1 });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();

  process.env.AG_TEST_SERVER_URL = serverUrl;
  process.env.AG_TEST_TEMPLATE = template;
  process.env.AG_TEST_RUN = String(process.pid);
  (globalThis as { __agCluster?: EmbeddedCluster }).__agCluster = cluster;
}
