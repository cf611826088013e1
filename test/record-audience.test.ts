import { FEED_RECORD_TYPES, organisationAudience, recordRules, ruleParams, type FeedRecordType } from '../src/access/record-rules';
import { Role } from '../src/access/viewer';
import { ConsentPurpose } from '../src/modules/consent/consent.entity';
import { seedDemo } from '../seeds/demo';
import { createTestApp, viewerOf, type TestApp } from './support/app';

/**
 * The change feed's fan-out (webhook-worker.ts) queues a delivery for the webhooks of the
 * organisations in a record's `organisationAudience`; the API shows a record to an engagement
 * manager by `recordRules(viewer)`. The two must agree, or a webhook is sent what its
 * organisation may not see (or misses what it may). Compared here on every record of the demo
 * data (scale 1: 60 partnerships of both visibilities, hundreds of each other type, members who
 * left, follow-ups without a partnership, patients' health links under alliance-wide, withdrawn
 * and expired consents) for organisations of every kind, under every purpose.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  await seedDemo(app.db, { scale: 1 });
  // The demo records every interaction with its recorder; one without (imported, say) too.
  await app.db.query(`UPDATE interaction SET recorded_by_org_id = NULL WHERE id = (SELECT id FROM interaction WHERE partnership_id IS NULL ORDER BY id LIMIT 1)`);
}, 60_000);
afterAll(() => app.close());

const TABLES: Record<FeedRecordType, string> = {
  Stakeholder: 'stakeholder',
  Partnership: 'partnership',
  Commitment: 'commitment',
  Contract: 'contract',
  Interaction: 'interaction',
  Affiliation: 'affiliation',
};

/** Organisations to look through: the most connected (many records visible by name) and the first by id, of every kind. */
async function organisations(): Promise<string[]> {
  const rows = (await app.db.query(`
    (SELECT s.id FROM stakeholder s WHERE s.kind <> 'PATIENT'
      ORDER BY (SELECT count(*) FROM interaction_participant p WHERE p.stakeholder_id = s.id)
             + (SELECT count(*) FROM partnership_member m WHERE m.stakeholder_id = s.id)
             + (SELECT count(*) FROM consent c WHERE c.grantee_id = s.id) DESC, s.id LIMIT 12)
    UNION
    (SELECT id FROM stakeholder WHERE kind <> 'PATIENT' ORDER BY id LIMIT 8)
    UNION
    (SELECT DISTINCT ON (kind) id FROM stakeholder WHERE kind <> 'PATIENT' ORDER BY kind, id)`)) as { id: string }[];
  return rows.map((r) => r.id);
}

describe('organisationAudience says what the record rules say', () => {
  it.each(FEED_RECORD_TYPES)('%s: for every record, organisation and purpose', async (type) => {
    const table = TABLES[type];
    const orgs = await organisations();
    expect(orgs.length).toBeGreaterThanOrEqual(15);
    const qr = app.db.createQueryRunner();
    const counts = { visible: 0, hidden: 0, everyone: 0 };
    const mismatches: unknown[] = [];
    try {
      await qr.startTransaction();
      await qr.query(
        `CREATE TEMP TABLE audience ON COMMIT DROP AS SELECT r.id, a.org, a.purpose FROM ${table} r CROSS JOIN LATERAL (${organisationAudience(type, 'r.id')}) a`,
      );
      await qr.query(`CREATE INDEX ON audience (id)`);
      await qr.query(`ANALYZE audience`);
      const [{ records }] = (await qr.query(`SELECT count(*)::int AS records FROM ${table}`)) as { records: number }[];
      expect(records).toBeGreaterThanOrEqual(50);
      for (const orgId of orgs) {
        for (const purpose of Object.values(ConsentPurpose)) {
          const viewer = viewerOf(Role.ENGAGEMENT_MANAGER, { orgId, purpose });
          const [sql, params] = app.db.driver.escapeQueryWithParameters(
            `SELECT r.id, by_rule, by_audience FROM ${table} r
               CROSS JOIN LATERAL (SELECT COALESCE(${recordRules(viewer).of(type, 'r')}, FALSE) AS by_rule,
                 EXISTS (SELECT 1 FROM audience a WHERE a.id = r.id AND (a.org IS NULL OR a.org = :vOrg) AND (a.purpose IS NULL OR a.purpose = :vPurpose)) AS by_audience) x`,
            { ...ruleParams(viewer) },
          );
          const rows = (await qr.query(sql, params)) as { id: string; by_rule: boolean; by_audience: boolean }[];
          for (const row of rows) {
            if (row.by_rule !== row.by_audience) mismatches.push({ type, record: row.id, orgId, purpose, rule: row.by_rule, audience: row.by_audience });
            counts[row.by_rule ? 'visible' : 'hidden'] += 1;
          }
        }
      }
      const [{ everyone }] = (await qr.query(`SELECT count(DISTINCT id)::int AS everyone FROM audience WHERE org IS NULL`)) as { everyone: number }[];
      counts.everyone = everyone;
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    // Not vacuous: the organisations see some records of the type and not others (a stakeholder
    // profile is everyone's, and no record of it is hidden).
    expect(counts.visible).toBeGreaterThan(0);
    if (type === 'Stakeholder') expect(counts.hidden).toBe(0);
    else expect(counts.hidden).toBeGreaterThan(0);
    if (type !== 'Contract') expect(counts.everyone).toBeGreaterThan(0);
  });

  it('covers the cases that decide: alliance-wide, withdrawn and expired health consents, members who left, follow-ups outside a partnership', async () => {
    const [row] = (await app.db.query(`SELECT
        (SELECT count(*) FROM consent WHERE grantee_id IS NULL AND 'HEALTH' = ANY(scopes))::int AS alliance_wide,
        (SELECT count(*) FROM consent WHERE withdrawn_at IS NOT NULL AND 'HEALTH' = ANY(scopes))::int AS withdrawn,
        (SELECT count(*) FROM consent WHERE expires_at < now() AND 'HEALTH' = ANY(scopes))::int AS expired,
        (SELECT count(*) FROM consent WHERE cardinality(purposes) < 4 AND 'HEALTH' = ANY(scopes))::int AS some_purposes,
        (SELECT count(*) FROM partnership_member WHERE left_at IS NOT NULL)::int AS left,
        (SELECT count(DISTINCT visibility) FROM partnership)::int AS visibilities,
        (SELECT count(*) FROM commitment WHERE partnership_id IS NULL AND interaction_id IS NOT NULL)::int AS follow_ups,
        (SELECT count(*) FROM commitment WHERE beneficiary_id IS NULL)::int AS no_beneficiary,
        (SELECT count(*) FROM interaction WHERE recorded_by_org_id IS NULL)::int AS unrecorded,
        (SELECT count(*) FROM affiliation WHERE health_patient_id IS NOT NULL)::int AS health_links`)) as Record<string, number>[];
    for (const [name, count] of Object.entries(row)) expect({ name, some: count > 0 }).toEqual({ name, some: true });
    expect(row.visibilities).toBe(2);
  });
});
