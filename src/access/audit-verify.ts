import type { DataSource, EntityManager } from 'typeorm';

/** What is wrong with a row of the chain. */
export type ChainProblem =
  /** The first row of a partition links to something: a row before it is missing. */
  | 'prev_hash_not_null'
  /** prev_hash is not the previous row's hash: a row between them is missing, or the previous one was rehashed. */
  | 'prev_hash_mismatch'
  /** hash is not audit_row_digest(prev_hash, row): the row was edited. */
  | 'hash_mismatch';

export interface BrokenRow {
  partition: string;
  id: string;
  at: Date;
  problem: ChainProblem;
  message: string;
}

export interface PartitionCheck {
  partition: string;
  rows: number;
  firstId: string | null;
  lastId: string | null;
  /** The partition's first broken row; null: its chain holds. */
  broken: BrokenRow | null;
}

export interface ChainReport {
  ok: boolean;
  partitions: PartitionCheck[];
  /** The first broken row, partitions in time order. */
  firstBroken: BrokenRow | null;
}

const MESSAGES: Record<ChainProblem, string> = {
  prev_hash_not_null: 'prev_hash is set on the first row of the partition (a row before it is missing)',
  prev_hash_mismatch: "prev_hash is not the previous row's hash (a row before it is missing or was changed)",
  hash_mismatch: 'hash does not match the row (the row was changed)',
};

/** The partitions of audit_event, oldest first (by their lower bound), as quoted table names. */
async function partitions(db: Pick<DataSource | EntityManager, 'query'>): Promise<{ name: string; table: string }[]> {
  return (await db.query(
    `SELECT c.relname AS name, c.oid::regclass::text AS "table"
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'audit_event'::regclass
      ORDER BY pg_get_expr(c.relpartbound, c.oid), c.relname`,
  )) as { name: string; table: string }[];
}

/**
 * Checks the hash chain of each partition of the audit trail (migrations/…-CreateAuditTrail.ts):
 * walking a partition's rows by id, the first row's prev_hash is NULL, every other row's is the
 * previous row's hash, and each row's hash is `audit_row_digest(prev_hash, row)`. One set-based
 * statement per partition (window functions), computed in the database with the same function
 * that made the hashes. Reports each partition and names the first broken row.
 */
export async function verifyAuditChain(db: Pick<DataSource | EntityManager, 'query'>): Promise<ChainReport> {
  const checks: PartitionCheck[] = [];
  for (const { name, table } of await partitions(db)) {
    // The partition's row cast to the parent's row type, which audit_row_digest takes.
    const [row] = (await db.query(
      `WITH chain AS (
         SELECT p.id, p.at,
                CASE
                  WHEN lag(p.id) OVER w IS NULL AND p.prev_hash IS NOT NULL THEN 'prev_hash_not_null'
                  WHEN lag(p.id) OVER w IS NOT NULL AND p.prev_hash IS DISTINCT FROM lag(p.hash) OVER w THEN 'prev_hash_mismatch'
                  WHEN p.hash IS DISTINCT FROM audit_row_digest(p.prev_hash, p::audit_event) THEN 'hash_mismatch'
                END AS problem
           FROM ONLY ${table} p
         WINDOW w AS (ORDER BY p.id)
       )
       SELECT count(*)::int AS rows, min(id)::text AS first_id, max(id)::text AS last_id,
              (SELECT jsonb_build_object('id', b.id::text, 'at', b.at, 'problem', b.problem)
                 FROM chain b WHERE b.problem IS NOT NULL ORDER BY b.id LIMIT 1) AS broken
         FROM chain`,
    )) as { rows: number; first_id: string | null; last_id: string | null; broken: { id: string; at: string; problem: ChainProblem } | null }[];
    const broken: BrokenRow | null = row.broken
      ? { partition: name, id: row.broken.id, at: new Date(row.broken.at), problem: row.broken.problem, message: MESSAGES[row.broken.problem] }
      : null;
    checks.push({ partition: name, rows: row.rows, firstId: row.first_id, lastId: row.last_id, broken });
  }
  const firstBroken = checks.find((c) => c.broken)?.broken ?? null;
  return { ok: firstBroken === null, partitions: checks, firstBroken };
}

/** The report as lines for a terminal: one per partition, then the verdict. */
export function describeChainReport(report: ChainReport): string[] {
  const lines = report.partitions.map((p) => {
    const span = p.rows > 0 ? ` (ids ${p.firstId}..${p.lastId})` : '';
    const status = p.broken ? `BROKEN at id ${p.broken.id}` : 'ok';
    return `${p.partition}: ${p.rows} rows${span}: ${status}`;
  });
  const b = report.firstBroken;
  lines.push(
    b
      ? `audit chain BROKEN: first broken row: partition ${b.partition}, id ${b.id}, at ${b.at.toISOString()}: ${b.message}`
      : `audit chain ok: ${report.partitions.reduce((n, p) => n + p.rows, 0)} rows in ${report.partitions.length} partitions`,
  );
  return lines;
}
