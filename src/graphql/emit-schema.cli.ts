import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildBareSchema } from './schema';

export const SCHEMA_FILE = path.join(__dirname, '..', '..', 'schema', 'schema.graphql');

/** The SDL as committed in schema/schema.graphql: sorted, so diffs show real changes only. */
export async function printSdl(): Promise<string> {
  const header = '# Generated from the code by `npm run schema:emit`; a test fails when this file drifts.\n\n';
  return header + printSchema(lexicographicSortSchema(await buildBareSchema())) + '\n';
}

if (require.main === module) {
  printSdl()
    .then((sdl) => {
      writeFileSync(SCHEMA_FILE, sdl);
      console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
