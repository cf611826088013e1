import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { openDatabase } from '../database/database';
import { manifestDocuments, pushDocuments } from './trusted-documents';

const USAGE = `Usage: npm run documents:push -- <manifest.json> [--client NAME]

Registers a client's operations as trusted documents (all of them, or none when one is invalid).
The manifest is Apollo's persisted query manifest, or a map of SHA-256 id to document text
(GraphQL Codegen's client preset persisted-documents.json, Relay's persisted queries with SHA-256).
Uses DATABASE_URL, or the embedded PostgreSQL under DATA_DIR (default ./.data) when it is unset.`;

async function main(argv: string[]): Promise<number> {
  let file: string | undefined;
  let client: string | undefined;
  try {
    const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { client: { type: 'string' }, help: { type: 'boolean' } } });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    [file] = positionals;
    client = values.client;
    if (!file || positionals.length > 1) throw new Error('Name one manifest file.');
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const documents = manifestDocuments(JSON.parse(readFileSync(file, 'utf8')) as unknown);
  const database = await openDatabase(loadConfig());
  try {
    const report = await pushDocuments(database.dataSource, documents, client ?? null);
    console.log(`${documents.length} documents from ${file}: ${report.registered} registered, ${report.alreadyKnown} already known.`);
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
