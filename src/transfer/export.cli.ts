import 'reflect-metadata';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { contextFor } from '../graphql/context';
import { buildAppSchema } from '../graphql/schema';
import { exportGraph } from '../modules/transfer/transfer.export';
import { ExportFormat } from '../modules/transfer/transfer.inputs';
import { openAs } from './cli-viewer';

const USAGE = `Writes the graph the token's holder may see to stdout, redacted exactly as the API shows it to them.

  DATABASE_URL=postgres://… npm run --silent export -- --token T --format jsonl > graph.jsonl
  DATABASE_URL=postgres://… npm run --silent export -- --token T --format graphml > graph.graphml

  --token   a bearer token: the export runs as its holder (the same reads, redaction and audit as the API)
  --format  jsonl (the import format, default) or graphml (Gephi, Cytoscape)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { token: { type: 'string' }, format: { type: 'string', default: 'jsonl' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const format = values.format.toUpperCase() as ExportFormat;
  if (!Object.values(ExportFormat).includes(format)) throw new Error('--format must be jsonl or graphml');
  const { db, viewer } = await openAs(values.token, 'alliance-graph export');
  try {
    const schema = await buildAppSchema();
    const counts = await exportGraph(() => contextFor(db, viewer), schema, format, {
      write: async (chunk) => {
        if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
      },
    });
    process.stderr.write(`${counts.nodes} nodes, ${counts.edges} edges\n`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
