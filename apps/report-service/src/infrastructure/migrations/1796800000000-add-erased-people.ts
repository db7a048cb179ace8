import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who was erased, and how their attendance was treated: ids only. A report rebuild replays the
 * ATTENDANCE stream, which still holds the erased person's events under their id; it reads this
 * list afterwards and erases them again, so `removed` attendance does not come back.
 */
export class AddErasedPeople1796800000000 implements MigrationInterface {
  name = 'AddErasedPeople1796800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report.erased_people (
        user_id     uuid PRIMARY KEY,
        attendance  text NOT NULL CHECK (attendance IN ('pseudonymised', 'removed')),
        erased_at   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE report.erased_people');
  }
}
