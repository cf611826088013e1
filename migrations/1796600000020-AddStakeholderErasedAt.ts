import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a patient's record was erased (GDPR Art. 17): the row stays as an anonymous tombstone, so
 * that the relationships it took part in keep being counted, and `erased_at` says since when.
 * Only a patient can be erased.
 */
export class AddStakeholderErasedAt1796600000020 implements MigrationInterface {
  name = 'AddStakeholderErasedAt1796600000020';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "stakeholder" ADD "erased_at" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "stakeholder" ADD CONSTRAINT "stakeholder_erased_check" CHECK (erased_at IS NULL OR kind = 'PATIENT')`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "stakeholder" DROP CONSTRAINT "stakeholder_erased_check"`);
    await queryRunner.query(`ALTER TABLE "stakeholder" DROP COLUMN "erased_at"`);
  }
}
