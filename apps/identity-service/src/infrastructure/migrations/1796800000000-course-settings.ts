import type { MigrationInterface, QueryRunner } from 'typeorm';
import { canonicalTimeZone } from '@classconnect/contracts';

/**
 * A course's settings for its reports and exports: the time zone its times are written in, and
 * what an excused session does to an attendance rate. Courses that exist take the deployment's
 * DEFAULT_TIME_ZONE as it is when this runs (the migration Job has the services' environment; UTC
 * when unset) and `exclude`, so two excused sessions no longer read 0 %.
 */
export class CourseSettings1796800000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    const wanted = process.env['DEFAULT_TIME_ZONE'] || 'UTC';
    const zone = canonicalTimeZone(wanted);
    if (!zone) throw new Error(`DEFAULT_TIME_ZONE "${wanted}" is not an IANA time zone name (such as Europe/Paris)`);
    await db.query(`ALTER TABLE identity.courses ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC'`);
    await db.query('UPDATE identity.courses SET time_zone = $1', [zone]);
    await db.query(
      `ALTER TABLE identity.courses ADD COLUMN excused_policy text NOT NULL DEFAULT 'exclude' CHECK (excused_policy IN ('exclude', 'attended', 'absent'))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE identity.courses DROP COLUMN excused_policy, DROP COLUMN time_zone');
  }
}
