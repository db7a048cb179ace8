import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rooms (a name, a place and a default radius, so a session can be started from the room), and
 * accounts without a password: students created by a roster import sign in with single sign-on,
 * or with a password an admin sets later.
 */
export class AddRoomsAndPasswordlessAccounts1796100000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE identity.rooms (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        building text CHECK (building IS NULL OR length(building) BETWEEN 1 AND 100),
        lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
        default_radius_m integer NOT NULL CHECK (default_radius_m BETWEEN 10 AND 2000),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // "Amphi A" and "amphi a" are the same room to the people picking it.
    await db.query('CREATE UNIQUE INDEX rooms_name_key ON identity.rooms (lower(name))');
    await db.query('ALTER TABLE identity.users ALTER COLUMN password_hash DROP NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    // An account without a password gets one nobody can match ('!' is no argon2 hash).
    await db.query(`UPDATE identity.users SET password_hash = '!' WHERE password_hash IS NULL`);
    await db.query('ALTER TABLE identity.users ALTER COLUMN password_hash SET NOT NULL');
    await db.query('DROP TABLE identity.rooms');
  }
}
