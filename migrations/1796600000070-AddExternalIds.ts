import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The record types bulk import matches by external id (src/modules/transfer/). */
const TABLES = ['stakeholder', 'affiliation', 'partnership', 'commitment', 'interaction', 'consent'];

/**
 * Bulk import (issue 14): a row of an imported file names its record by the importer's own id
 * (`external_id`), unique per owning organisation (`external_owner_id`, the importer's
 * organisation; NULL for the secretariat, which has none) and record type (one index per table),
 * so importing a file again updates the records it created instead of adding copies. NULLS NOT
 * DISTINCT (PostgreSQL 15+) makes the secretariat's ids unique among themselves too, and lets
 * `INSERT … ON CONFLICT (external_owner_id, external_id)` name the index.
 *
 * A consent recorded for a patient by someone else than the patient (an import) must name the
 * patient's own evidence of it (`evidence_reference`: the signed form, the e-consent record).
 */
export class AddExternalIds1796600000070 implements MigrationInterface {
  name = 'AddExternalIds1796600000070';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await queryRunner.query(
        `ALTER TABLE ${table} ADD external_id text, ADD external_owner_id uuid
           CONSTRAINT ${table}_external_owner_fk REFERENCES stakeholder(id) ON DELETE RESTRICT,
           ADD CONSTRAINT ${table}_external_id_check CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 200),
           ADD CONSTRAINT ${table}_external_owner_check CHECK (external_owner_id IS NULL OR external_id IS NOT NULL)`,
      );
      await queryRunner.query(
        `CREATE UNIQUE INDEX ${table}_external_id_uq ON ${table} (external_owner_id, external_id) NULLS NOT DISTINCT WHERE external_id IS NOT NULL`,
      );
      await queryRunner.query(`CREATE INDEX ${table}_external_owner_idx ON ${table} (external_owner_id) WHERE external_owner_id IS NOT NULL`);
    }
    await queryRunner.query(
      `ALTER TABLE consent ADD evidence_reference text
         CONSTRAINT consent_evidence_reference_check CHECK (evidence_reference IS NULL OR length(btrim(evidence_reference)) BETWEEN 1 AND 500)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE consent DROP COLUMN evidence_reference`);
    for (const table of TABLES) {
      await queryRunner.query(`DROP INDEX ${table}_external_owner_idx`);
      await queryRunner.query(`DROP INDEX ${table}_external_id_uq`);
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN external_owner_id, DROP COLUMN external_id`);
    }
  }
}
