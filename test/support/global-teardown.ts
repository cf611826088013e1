import { rmSync } from 'node:fs';
import { Client } from 'pg';
import type { EmbeddedCluster } from '../../src/database/embedded';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env.AG_TEST_SERVER_URL;
  if (serverUrl) {
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [process.env.AG_TEST_TEMPLATE, `ag_test_${process.env.AG_TEST_RUN}_%`],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.end();
  }
  await (globalThis as { __agCluster?: EmbeddedCluster }).__agCluster?.stop();
  if (process.env.AG_TEST_THROWAWAY_DIR) rmSync(process.env.AG_TEST_THROWAWAY_DIR, { recursive: true, force: true });
}
