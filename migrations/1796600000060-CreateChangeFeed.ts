import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The change feed (issue 11): the outbox every mutation writes its event to in its own
 * transaction; the organisations' webhooks; and one delivery row per (webhook, event), claimed by
 * the delivery workers of every replica with FOR UPDATE SKIP LOCKED.
 */
export class CreateChangeFeed1796600000060 implements MigrationInterface {
  name = 'CreateChangeFeed1796600000060';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        event text NOT NULL,
        record_type text NOT NULL,
        record_id uuid NOT NULL,
        version integer NOT NULL,
        acting_org_id uuid,
        audience uuid[],
        occurred_at timestamptz(3) NOT NULL DEFAULT now(),
        dispatched_at timestamptz(3)
      )`);
    await queryRunner.query(`CREATE INDEX outbox_undispatched_idx ON outbox (id) WHERE dispatched_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE webhook (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES stakeholder (id) ON DELETE CASCADE,
        url text NOT NULL,
        events text[] NOT NULL,
        selection text NOT NULL,
        purpose text NOT NULL,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_until timestamptz(3),
        created_by text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT webhook_events_check CHECK (cardinality(events) > 0)
      )`);
    await queryRunner.query(`CREATE INDEX webhook_organisation_idx ON webhook (organisation_id)`);
    await queryRunner.query(`CREATE INDEX webhook_events_idx ON webhook USING gin (events)`);
    await queryRunner.query(`
      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
        event_id bigint NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
        event text NOT NULL,
        record_id uuid NOT NULL,
        record_version integer NOT NULL,
        status text NOT NULL DEFAULT 'PENDING',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
        last_error text,
        last_status_code integer,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        delivered_at timestamptz(3),
        CONSTRAINT webhook_delivery_status_check CHECK (status IN ('PENDING', 'DELIVERED', 'DEAD')),
        CONSTRAINT webhook_delivery_once UNIQUE (webhook_id, event_id)
      )`);
    await queryRunner.query(`CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE status = 'PENDING'`);
    await queryRunner.query(`CREATE INDEX webhook_delivery_order_idx ON webhook_delivery (webhook_id, record_id, event_id) WHERE status = 'PENDING'`);
    await queryRunner.query(`CREATE INDEX webhook_delivery_list_idx ON webhook_delivery (webhook_id, created_at, id)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_delivery`);
    await queryRunner.query(`DROP TABLE webhook`);
    await queryRunner.query(`DROP TABLE outbox`);
  }
}
