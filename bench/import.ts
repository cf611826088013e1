import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DEFAULT_PURPOSE, Role, type Viewer } from '../src/access/viewer';
import { createDataSource } from '../src/database/data-source';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../src/database/embedded';
import { contextFor } from '../src/graphql/context';
import { buildAppSchema } from '../src/graphql/schema';
import { ImportFormat, ImportType } from '../src/modules/transfer/transfer.inputs';
import { transferService } from '../src/modules/transfer/transfer.service';
import type { ImportReport } from '../src/modules/transfer/transfer.types';

/**
 * `npm run bench -- --import`: a 100,000-row file (BENCH_IMPORT_ROWS) imported the way
 * `npm run import` does it (a file stream, as ADMIN, into an empty migrated database), then the
 * same file again (every row unchanged), then affiliations between the imported stakeholders.
 * Prints rows/s and the peak RSS and heap of the process while each import ran (sampled every
 * 20 ms). The target is ≥ 5,000 rows/s in bounded memory (docs/benchmarks.md).
 */

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const KINDS = ['COMPANY', 'PATIENT_ORGANISATION', 'RESEARCH_ORGANISATION', 'PATIENT'] as const;

function stakeholderRow(i: number, prefix = 'crm'): Record<string, unknown> {
  const kind = KINDS[i % KINDS.length];
  const base = { externalId: `${prefix}-${i}`, kind, country: ['DE', 'FR', 'NL', 'ES', 'IT'][i % 5], tags: ['imported', `batch-${i % 10}`] };
  switch (kind) {
    case 'COMPANY':
      return { ...base, name: `Company ${i}`, therapeuticAreas: ['oncology', 'rare diseases'], efpiaMember: i % 2 === 0 };
    case 'PATIENT_ORGANISATION':
      return { ...base, name: `Patient organisation ${i}`, diseaseAreas: ['asthma'], umbrella: 'European federation' };
    case 'RESEARCH_ORGANISATION':
      return { ...base, name: `Institute ${i}`, researchKind: 'ACADEMIC', website: `https://institute-${i}.example.org` };
    case 'PATIENT':
      return { ...base, pseudonym: `${prefix}_patient_${i}`, languages: ['en', 'de'], expertise: ['EUPATI-trained'] };
  }
}

async function writeFile(file: string, rows: number, row: (i: number) => Record<string, unknown>): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < rows; i += 1) {
    if (!out.write(`${JSON.stringify(row(i))}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Peak RSS and heap while `work` runs. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; rssMb: number; heapMb: number }> {
  global.gc?.();
  let rss = 0;
  let heap = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const started = performance.now();
  try {
    const result = await work();
    sample();
    return { result, ms: performance.now() - started, rssMb: Math.round(rss / 1024 / 1024), heapMb: Math.round(heap / 1024 / 1024) };
  } finally {
    clearInterval(timer);
  }
}

async function prepare(): Promise<{ url: string; cluster?: EmbeddedCluster }> {
  let serverUrl = process.env.BENCH_DATABASE_URL;
  let cluster: EmbeddedCluster | undefined;
  if (!serverUrl) {
    cluster = await startEmbeddedPostgres({ dataDir: path.join(__dirname, '..', '.data', 'bench-pg') });
    serverUrl = cluster.url('postgres');
  }
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ag_bench_import WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ag_bench_import`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = '/ag_bench_import';
  return { url: url.toString(), cluster };
}

export async function runImport(): Promise<void> {
  const { url, cluster } = await prepare();
  const db = createDataSource({ url, poolSize: 2, applicationName: 'alliance-graph bench import' });
  await db.initialize();
  await db.runMigrations({ transaction: 'each' });
  const schema = await buildAppSchema();
  const viewer: Viewer = { userId: 'bench-import', role: Role.ADMIN, orgId: null, patientId: null, purpose: DEFAULT_PURPOSE.ADMIN };
  const dir = tmpdir();
  const stakeholders = path.join(dir, `ag-bench-stakeholders-${process.pid}.jsonl`);
  const affiliations = path.join(dir, `ag-bench-affiliations-${process.pid}.jsonl`);
  const unaudited = path.join(dir, `ag-bench-unaudited-${process.pid}.jsonl`);
  const affiliationRows = Math.floor(ROWS / 5);
  await writeFile(stakeholders, ROWS, (i) => stakeholderRow(i));
  await writeFile(unaudited, ROWS, (i) => stakeholderRow(i, 'other'));
  // An organisation FUNDED_BY a company, by the external ids the first file gave them.
  await writeFile(affiliations, affiliationRows, (i) => ({
    externalId: `aff-${i}`,
    kind: 'FUNDED_BY',
    fromExternalId: `crm-${4 * i + 1}`,
    toExternalId: `crm-${4 * ((i + 7) % affiliationRows)}`,
    since: '2024-01-01',
  }));
  const runs: Record<string, unknown>[] = [];
  const run = async (name: string, file: string, type: ImportType, rows: number, audit = true): Promise<void> => {
    const ctx = contextFor(db, viewer, undefined, { audit });
    const m = await measured(() =>
      transferService.importRecords(ctx, schema, createReadStream(file, 'utf8'), { type, format: ImportFormat.JSONL, dryRun: false, partial: false }),
    );
    await ctx.scope.flushAudit();
    const report: ImportReport = m.result;
    if (report.rejectedCount > 0) throw new Error(`${name}: ${report.rejectedCount} rows rejected, e.g. ${JSON.stringify(report.rejected.slice(0, 3))}`);
    runs.push({
      import: name,
      rows,
      created: report.created,
      updated: report.updated,
      unchanged: report.unchanged,
      seconds: +(m.ms / 1000).toFixed(1),
      'rows/s': Math.round((rows / m.ms) * 1000),
      'peak RSS MB': m.rssMb,
      'peak heap MB': m.heapMb,
    });
  };
  try {
    await run('stakeholders (new)', stakeholders, ImportType.STAKEHOLDERS, ROWS);
    await db.query('ANALYZE');
    await run('stakeholders (again: unchanged)', stakeholders, ImportType.STAKEHOLDERS, ROWS);
    await run('affiliations (new)', affiliations, ImportType.AFFILIATIONS, affiliationRows);
    // The share of the audit trail (one chained record per record written): the same import with AUDIT_ENABLED=false.
    await run('stakeholders (new, audit off)', unaudited, ImportType.STAKEHOLDERS, ROWS, false);
    console.table(runs);
    const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM stakeholder`)) as { n: number }[];
    console.log(`${n} stakeholders in the database`);
  } finally {
    rmSync(stakeholders, { force: true });
    rmSync(affiliations, { force: true });
    rmSync(unaudited, { force: true });
    await db.destroy();
    await cluster?.stop();
  }
}
