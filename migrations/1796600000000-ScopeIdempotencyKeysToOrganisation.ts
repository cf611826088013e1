import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys belong to (subject, organisation), not to the subject alone: the same user
 * acting for another organisation (or another patient) must never be handed the first result.
 * Existing keys keep an empty acting party, so they are replayed to no one acting for anyone.
 */
export class ScopeIdempotencyKeysToOrganisation1796600000000 implements MigrationInterface {
  name = 'ScopeIdempotencyKeysToOrganisation1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "idempotency_key" ADD "acting_for" text NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE "idempotency_key" DROP CONSTRAINT "PK_de390066dce788f80744a8f6626"`);
    await queryRunner.query(`ALTER TABLE "idempotency_key" ADD CONSTRAINT "idempotency_key_pkey" PRIMARY KEY ("user_id", "acting_for", "key")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "idempotency_key" a USING "idempotency_key" b
      WHERE a.user_id = b.user_id AND a.key = b.key AND a.acting_for > b.acting_for`);
    await queryRunner.query(`ALTER TABLE "idempotency_key" DROP CONSTRAINT "idempotency_key_pkey"`);
    await queryRunner.query(`ALTER TABLE "idempotency_key" ADD CONSTRAINT "PK_de390066dce788f80744a8f6626" PRIMARY KEY ("user_id", "key")`);
    await queryRunner.query(`ALTER TABLE "idempotency_key" DROP COLUMN "acting_for"`);
  }
}
