import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { verifyAuditChain } from '../src/access/audit-verify';
import { maintainAuditPartitions } from '../src/database/audit-partitions';
import { createTestApp, type TestApp } from './support/app';

/**
 * The audit trail's tamper evidence and partitions (migrations/…-CreateAuditTrail.ts): each test
 * builds its own database, since an edited chain stays broken for whoever verifies it next.
 */
const apps: TestApp[] = [];
async function freshApp(): Promise<TestApp> {
  const app = await createTestApp();
  apps.push(app);
  return app;
}
afterAll(() => Promise.all(apps.map((app) => app.close())));

let seq = 0;
/** Appends events through audit_append, as the server does (`at` defaults to now()). */
async function append(app: TestApp, count: number, fields: Record<string, unknown> = {}): Promise<void> {
  const rows = Array.from({ length: count }, () => {
    seq += 1;
    return { requestId: `chain-${seq}`, subject: `user-${seq}`, role: 'PARTNER', action: 'read', outcome: 'allowed', fields: ['displayName'], ...fields };
  });
  await app.db.query('SELECT audit_append($1::jsonb)', [JSON.stringify(rows)]);
}

const ids = async (app: TestApp): Promise<string[]> =>
  ((await app.db.query('SELECT id::text AS id FROM audit_event ORDER BY id')) as { id: string }[]).map((r) => r.id);

/** Runs `sql` with the append-only trigger off, as only a superuser could. */
async function tamper(app: TestApp, sql: string, params: unknown[]): Promise<void> {
  await app.db.transaction(async (tx) => {
    await tx.query('ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only');
    await tx.query(sql, params);
    await tx.query('ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only');
  });
}

/** The first instant of the UTC month `offset` months from now, and that month's partition. */
function month(offset: number): { start: Date; partition: string } {
  const now = new Date();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return { start, partition: `audit_event_${start.getUTCFullYear()}m${String(start.getUTCMonth() + 1).padStart(2, '0')}` };
}

const partitionNames = async (app: TestApp): Promise<string[]> =>
  ((await app.db.query(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit_event'::regclass ORDER BY 1`)) as {
    relname: string;
  }[]).map((r) => r.relname);

describe('verifyAuditChain', () => {
  it('passes on a fresh chain and reports every partition', async () => {
    const app = await freshApp();
    await append(app, 3);
    await append(app, 2);
    const report = await verifyAuditChain(app.db);
    expect(report.ok).toBe(true);
    expect(report.firstBroken).toBeNull();
    const current = report.partitions.find((p) => p.partition === month(0).partition);
    expect(current).toMatchObject({ rows: 5, broken: null });
    expect(report.partitions.map((p) => p.partition)).toEqual(await partitionNames(app));
  });

  it('names exactly the row whose fields were edited', async () => {
    const app = await freshApp();
    await append(app, 5);
    const all = await ids(app);
    await tamper(app, `UPDATE audit_event SET fields = '{email,phone}' WHERE id = $1`, [all[2]]);
    const report = await verifyAuditChain(app.db);
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ partition: month(0).partition, id: all[2], problem: 'hash_mismatch', at: expect.any(Date) });
    expect(report.firstBroken?.message).toMatch(/hash does not match/);
  });

  it("names the next row when an edited row's hash was recomputed to hide the edit", async () => {
    const app = await freshApp();
    await append(app, 4);
    const all = await ids(app);
    await tamper(app, `UPDATE audit_event SET subject = 'someone-else' WHERE id = $1`, [all[1]]);
    await tamper(app, `UPDATE audit_event e SET hash = audit_row_digest(e.prev_hash, e) WHERE id = $1`, [all[1]]);
    const report = await verifyAuditChain(app.db);
    expect(report.firstBroken).toMatchObject({ id: all[2], problem: 'prev_hash_mismatch' });
  });

  it('names the row after a deleted one', async () => {
    const app = await freshApp();
    await append(app, 5);
    const all = await ids(app);
    await tamper(app, 'DELETE FROM audit_event WHERE id = $1', [all[2]]);
    const report = await verifyAuditChain(app.db);
    expect(report.firstBroken).toMatchObject({ partition: month(0).partition, id: all[3], problem: 'prev_hash_mismatch' });
  });

  it("names the new first row when a partition's first row was deleted", async () => {
    const app = await freshApp();
    await append(app, 3);
    const all = await ids(app);
    await tamper(app, 'DELETE FROM audit_event WHERE id = $1', [all[0]]);
    expect((await verifyAuditChain(app.db)).firstBroken).toMatchObject({ id: all[1], problem: 'prev_hash_not_null' });
  });

  it('refuses UPDATE and DELETE in normal operation', async () => {
    const app = await freshApp();
    await append(app, 2);
    const [first] = await ids(app);
    await expect(app.db.query(`UPDATE audit_event SET subject = 'x' WHERE id = $1`, [first])).rejects.toThrow(/append-only/);
    await expect(app.db.query('DELETE FROM audit_event WHERE id = $1', [first])).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain(app.db)).ok).toBe(true);
  });

  it('is what `npm run audit:verify` runs: exit 1 naming the broken row, 0 when the chain holds', async () => {
    const app = await freshApp();
    await append(app, 3);
    const run = (): Promise<{ code: number; stdout: string }> =>
      promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/access/audit-verify.cli.ts'], {
        cwd: path.join(__dirname, '..'),
        env: { ...process.env, DATABASE_URL: app.url },
      }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );
    const ok = await run();
    expect(ok).toMatchObject({ code: 0, stdout: expect.stringMatching(/audit chain ok: 3 rows/) });
    const all = await ids(app);
    await tamper(app, `UPDATE audit_event SET outcome = 'denied' WHERE id = $1`, [all[1]]);
    const broken = await run();
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`${month(0).partition}: 3 rows (ids ${all[0]}..${all[2]}): BROKEN at id ${all[1]}`);
    expect(broken.stdout).toMatch(new RegExp(`first broken row: partition ${month(0).partition}, id ${all[1]}, at \\S+Z: hash does not match`));
  }, 60_000);
});

describe('audit partitions', () => {
  it('chain each month apart across a month boundary', async () => {
    const app = await freshApp();
    await app.db.query('SELECT audit_maintain(3, NULL)');
    const next = month(1);
    const after = month(2);
    const lastOfNext = new Date(after.start.getTime() - 1).toISOString();
    const firstOfAfter = after.start.toISOString();
    // Alternating: each event extends its own partition's chain.
    await append(app, 1, { at: lastOfNext });
    await app.db.query('SELECT audit_append($1::jsonb)', [
      JSON.stringify(
        [firstOfAfter, lastOfNext, firstOfAfter].map((at, i) => ({ at, requestId: `boundary-${i}`, subject: 'u', role: 'ADMIN', action: 'read', outcome: 'allowed' })),
      ),
    ]);
    for (const [partition, at, count] of [
      [next.partition, lastOfNext, 2],
      [after.partition, firstOfAfter, 2],
    ] as const) {
      const rows = (await app.db.query(
        `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, prev_hash, hash FROM ${partition} ORDER BY id`,
      )) as { at: string; prev_hash: Buffer | null; hash: Buffer }[];
      expect(rows.map((r) => r.at)).toEqual(Array(count).fill(at));
      expect(rows[0].prev_hash).toBeNull();
      expect(rows[1].prev_hash?.equals(rows[0].hash)).toBe(true);
    }
    const report = await verifyAuditChain(app.db);
    expect(report.ok).toBe(true);
    expect(report.partitions.filter((p) => p.rows > 0).map((p) => [p.partition, p.rows])).toEqual([
      [next.partition, 2],
      [after.partition, 2],
    ]);
  });

  it('are created ahead and dropped past the retention, newer ones kept', async () => {
    const app = await freshApp();
    const old = month(-14);
    const kept = month(-6);
    for (const m of [old, kept]) {
      const end = new Date(Date.UTC(m.start.getUTCFullYear(), m.start.getUTCMonth() + 1, 1));
      await app.db.query(`CREATE TABLE ${m.partition} PARTITION OF audit_event FOR VALUES FROM ('${m.start.toISOString()}') TO ('${end.toISOString()}')`);
    }
    await append(app, 2, { at: new Date(old.start.getTime() + 3_600_000).toISOString() });
    await append(app, 1, { at: new Date(kept.start.getTime() + 3_600_000).toISOString() });
    expect(await partitionNames(app)).toEqual(expect.arrayContaining([old.partition, kept.partition]));

    const [{ done }] = (await app.db.query('SELECT audit_maintain(5, 12) AS done')) as { done: string[] }[];
    expect(done).toEqual(expect.arrayContaining([`created ${month(4).partition}`, `created ${month(5).partition}`, `dropped ${old.partition}`]));
    const names = await partitionNames(app);
    expect(names).not.toContain(old.partition);
    expect(names).toEqual(expect.arrayContaining([kept.partition, month(-1).partition, month(0).partition, month(5).partition]));
    expect((await verifyAuditChain(app.db)).ok).toBe(true);

    // The server's maintenance (maintainAuditPartitions) does the same with its own horizon: nothing left to do.
    expect(await maintainAuditPartitions(app.db, 12)).toEqual([]);
    expect(await maintainAuditPartitions(app.db, 5)).toEqual([`dropped ${kept.partition}`]);
  });
});
