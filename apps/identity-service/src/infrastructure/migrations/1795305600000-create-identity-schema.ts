import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts, courses, who teaches them and who is enrolled. */
export class CreateIdentitySchema1795305600000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE identity.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        role text NOT NULL CHECK (role IN ('admin', 'teacher', 'student')),
        password_hash text NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE identity.courses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        term text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE identity.course_teachers (
        course_id uuid NOT NULL REFERENCES identity.courses (id) ON DELETE CASCADE,
        teacher_id uuid NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
        PRIMARY KEY (course_id, teacher_id)
      )`);
    await db.query(`
      CREATE TABLE identity.enrollments (
        course_id uuid NOT NULL REFERENCES identity.courses (id) ON DELETE CASCADE,
        student_id uuid NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (course_id, student_id)
      )`);
    // The primary keys serve "who is in this course"; these serve "which courses is this person in".
    await db.query('CREATE INDEX course_teachers_teacher_idx ON identity.course_teachers (teacher_id)');
    await db.query('CREATE INDEX enrollments_student_idx ON identity.enrollments (student_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE identity.enrollments');
    await db.query('DROP TABLE identity.course_teachers');
    await db.query('DROP TABLE identity.courses');
    await db.query('DROP TABLE identity.users');
  }
}
