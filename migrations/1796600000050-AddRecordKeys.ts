import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The records whose counts are patient-related (docs/metrics.md, Perturbation). */
const TABLES = ['stakeholder', 'partnership', 'interaction', 'commitment'];

/**
 * Cell-key perturbation (src/modules/metrics/perturbation.ts): every record a patient-related
 * count is made of carries a fixed random record key in [0, 1). `random()` is volatile, so
 * PostgreSQL evaluates the default once per existing row when the column is added (the backfill)
 * and once per inserted row afterwards. Nothing updates it: a record keeps its key for life.
 */
export class AddRecordKeys1796600000050 implements MigrationInterface {
  name = 'AddRecordKeys1796600000050';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await queryRunner.query(
        `ALTER TABLE ${table} ADD record_key double precision NOT NULL DEFAULT random() CONSTRAINT ${table}_record_key_check CHECK (record_key >= 0 AND record_key < 1)`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN record_key`);
  }
}
