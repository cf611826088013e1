import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trusted documents (persisted operations): the GraphQL documents production clients registered
 * at build time, by the SHA-256 of their text (`sha256:<hex>`, the GraphQL-over-HTTP persisted
 * documents convention). The id is checked against the text, so a row cannot lie about its body.
 */
export class CreateTrustedDocuments1796600000040 implements MigrationInterface {
  name = 'CreateTrustedDocuments1796600000040';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE trusted_document (
        id text PRIMARY KEY,
        body text NOT NULL,
        client_name text,
        operation_name text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT trusted_document_id_check CHECK (id = 'sha256:' || encode(sha256(convert_to(body, 'UTF8')), 'hex'))
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE trusted_document`);
  }
}
