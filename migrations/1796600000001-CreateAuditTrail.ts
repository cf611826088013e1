import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail (DESIGN §3): one append-only table, range-partitioned by month, each row
 * chained by SHA-256 to the previous row of its partition. Rows are appended only through
 * `audit_append(jsonb)`, which serialises each partition's chain with an advisory lock held to
 * the end of the transaction (so the chain follows commit order, and a rolled-back write leaves
 * no link). `audit_maintain(ahead, retention)` creates the partitions of the coming months and
 * drops those past the retention; the server runs it at start and hourly.
 */
export class CreateAuditTrail1796600000001 implements MigrationInterface {
  name = 'CreateAuditTrail1796600000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_event (
        id bigint GENERATED ALWAYS AS IDENTITY,
        at timestamptz(3) NOT NULL,
        request_id text NOT NULL,
        subject text NOT NULL,
        role text NOT NULL,
        organisation_id uuid,
        viewer_patient_id uuid,
        purpose text,
        action text NOT NULL,
        target_type text,
        target_id uuid,
        patient_id uuid,
        fields text[] NOT NULL DEFAULT '{}',
        outcome text NOT NULL CONSTRAINT audit_event_outcome_check CHECK (outcome IN ('allowed', 'denied', 'failed')),
        prev_hash bytea,
        hash bytea NOT NULL,
        CONSTRAINT audit_event_pkey PRIMARY KEY (at, id)
      ) PARTITION BY RANGE (at)`);
    await queryRunner.query(`CREATE INDEX audit_event_id_idx ON audit_event (id)`);
    await queryRunner.query(`CREATE INDEX audit_event_patient_idx ON audit_event (patient_id, at)`);
    await queryRunner.query(`CREATE INDEX audit_event_target_idx ON audit_event (target_id, at)`);
    // Each index is paid by every audited request; the secretariat's filters by subject or
    // organisation scan the months asked for (partition pruning by `at`) instead.

    // What a row's hash covers: every column but the hashes, as canonical JSON, after the previous hash.
    await queryRunner.query(`
      CREATE FUNCTION audit_row_digest(prev bytea, e audit_event) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
        SELECT sha256(coalesce(prev, '\\x'::bytea) || convert_to(jsonb_build_array(
          e.id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), e.request_id, e.subject, e.role,
          e.organisation_id, e.viewer_patient_id, e.purpose, e.action, e.target_type, e.target_id, e.patient_id,
          to_jsonb(e.fields), e.outcome)::text, 'UTF8'))
      $$`);

    await queryRunner.query(`
      CREATE FUNCTION audit_partition_name(at timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT 'audit_event_' || to_char(at AT TIME ZONE 'UTC', 'YYYY"m"MM')
      $$`);

    // Appends events (a JSON array of objects named like the columns; `at` defaults to now()),
    // chained in order, in one INSERT. The loop computes only ids and hashes (scalar arrays grow
    // in place); the rows are inserted set-based from the same JSON (5× faster than a row at a time).
    await queryRunner.query(`
      CREATE FUNCTION audit_append(events jsonb) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        e record;
        at timestamptz(3);
        id bigint;
        part text;
        last_part text;
        prev bytea;
        heads jsonb := '{}';
        ids bigint[] := '{}';
        ats timestamptz[] := '{}';
        prevs bytea[] := '{}';
        hashes bytea[] := '{}';
        seq regclass := pg_get_serial_sequence('audit_event', 'id')::regclass;
      BEGIN
        FOR e IN SELECT * FROM jsonb_to_recordset(events) AS x(
            "at" timestamptz, "requestId" text, "subject" text, "role" text, "organisationId" uuid, "viewerPatientId" uuid,
            "purpose" text, "action" text, "targetType" text, "targetId" uuid, "patientId" uuid, "fields" text[], "outcome" text)
        LOOP
          at := coalesce(e."at", now());
          part := 'audit_event_' || to_char(at AT TIME ZONE 'UTC', 'YYYY"m"MM');
          IF last_part IS DISTINCT FROM part THEN
            IF last_part IS NOT NULL THEN
              heads := heads || jsonb_build_object(last_part, encode(prev, 'hex'));
            END IF;
            IF heads ? part THEN
              prev := decode(heads->>part, 'hex');
            ELSE
              PERFORM pg_advisory_xact_lock(hashtextextended('audit_event:' || part, 0));
              EXECUTE format('SELECT hash FROM %I ORDER BY id DESC LIMIT 1', part) INTO prev;
            END IF;
            last_part := part;
          END IF;
          id := nextval(seq);
          ids := ids || id;
          ats := ats || at;
          prevs := prevs || prev;
          prev := sha256(coalesce(prev, '\\x'::bytea) || convert_to(jsonb_build_array(
                id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), e."requestId", e."subject", e."role",
                e."organisationId", e."viewerPatientId", e."purpose", e."action", e."targetType", e."targetId", e."patientId",
                to_jsonb(coalesce(e."fields", '{}')), e."outcome")::text, 'UTF8'));
          hashes := hashes || prev;
        END LOOP;
        INSERT INTO audit_event OVERRIDING SYSTEM VALUE
        SELECT c.id, c.at, x."requestId", x."subject", x."role", x."organisationId", x."viewerPatientId", x."purpose", x."action",
               x."targetType", x."targetId", x."patientId", coalesce(x."fields", '{}'), x."outcome", c.prev, c.hash
          FROM ROWS FROM (jsonb_to_recordset(events) AS (
            "at" timestamptz, "requestId" text, "subject" text, "role" text, "organisationId" uuid, "viewerPatientId" uuid,
            "purpose" text, "action" text, "targetType" text, "targetId" uuid, "patientId" uuid, "fields" text[], "outcome" text))
            WITH ORDINALITY AS x("at", "requestId", "subject", "role", "organisationId", "viewerPatientId", "purpose", "action",
              "targetType", "targetId", "patientId", "fields", "outcome", n)
          JOIN unnest(ids, ats, prevs, hashes) WITH ORDINALITY AS c(id, at, prev, hash, n) USING (n);
        RETURN cardinality(ids);
      END
      $$;`);

    // Creates the partitions from last month to `ahead` months ahead; drops those that ended more
    // than `retention` months before this month (none when NULL). Returns what it did.
    await queryRunner.query(`
      CREATE FUNCTION audit_maintain(ahead integer, retention integer) RETURNS text[] LANGUAGE plpgsql AS $$
      DECLARE
        this_month timestamptz := date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
        m timestamptz;
        part record;
        done text[] := '{}';
      BEGIN
        FOR i IN -1..ahead LOOP
          m := this_month + make_interval(months => i);
          IF to_regclass(audit_partition_name(m)) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF audit_event FOR VALUES FROM (%L) TO (%L)',
              audit_partition_name(m), m, m + interval '1 month');
            done := done || ('created ' || audit_partition_name(m));
          END IF;
        END LOOP;
        IF retention IS NOT NULL THEN
          FOR part IN
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'audit_event'::regclass AND c.relname ~ '^audit_event_[0-9]{4}m[0-9]{2}$'
               AND make_timestamptz(substr(c.relname, 13, 4)::int, substr(c.relname, 18, 2)::int, 1, 0, 0, 0, 'UTC')
                   < this_month - make_interval(months => retention)
             ORDER BY c.relname
          LOOP
            EXECUTE format('DROP TABLE %I', part.relname);
            done := done || ('dropped ' || part.relname);
          END LOOP;
        END IF;
        RETURN done;
      END
      $$`);

    // Append-only: no row is ever changed or removed (retention drops whole partitions).
    await queryRunner.query(`
      CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`);
    await queryRunner.query(`SELECT audit_maintain(3, NULL)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION audit_maintain(integer, integer)`);
    await queryRunner.query(`DROP FUNCTION audit_append(jsonb)`);
    await queryRunner.query(`DROP FUNCTION audit_row_digest(bytea, audit_event)`);
    await queryRunner.query(`DROP TABLE audit_event`);
    await queryRunner.query(`DROP FUNCTION audit_event_append_only()`);
    await queryRunner.query(`DROP FUNCTION audit_partition_name(timestamptz)`);
  }
}
