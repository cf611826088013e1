import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An affiliation between a patient and a patient organisation (either direction) is health data
 * about that patient. `health_patient_id` names the patient of such a link (NULL for any other),
 * set by a trigger from the two ends' kinds (a stakeholder's kind never changes), so the record
 * rule and the audit of a returned affiliation need no join of their own.
 * `affiliation_health_patient(from, to)` is the one definition (the access layer asks it too,
 * of a link about to be recorded).
 */
export class AddAffiliationHealthPatient1796600000030 implements MigrationInterface {
  name = 'AddAffiliationHealthPatient1796600000030';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE affiliation ADD health_patient_id uuid`);
    await queryRunner.query(`
      CREATE FUNCTION affiliation_health_patient(from_id uuid, to_id uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
        SELECT CASE WHEN f.kind = 'PATIENT' AND t.kind = 'PATIENT_ORGANISATION' THEN f.id
                    WHEN f.kind = 'PATIENT_ORGANISATION' AND t.kind = 'PATIENT' THEN t.id END
          FROM stakeholder f, stakeholder t WHERE f.id = from_id AND t.id = to_id
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION affiliation_health_patient_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.health_patient_id := affiliation_health_patient(NEW.from_id, NEW.to_id);
        RETURN NEW;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER affiliation_health_patient BEFORE INSERT OR UPDATE OF from_id, to_id, health_patient_id ON affiliation
        FOR EACH ROW EXECUTE FUNCTION affiliation_health_patient_trigger()`);
    await queryRunner.query(`UPDATE affiliation SET health_patient_id = affiliation_health_patient(from_id, to_id)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER affiliation_health_patient ON affiliation`);
    await queryRunner.query(`DROP FUNCTION affiliation_health_patient_trigger()`);
    await queryRunner.query(`DROP FUNCTION affiliation_health_patient(uuid, uuid)`);
    await queryRunner.query(`ALTER TABLE affiliation DROP COLUMN health_patient_id`);
  }
}
