import type { Role } from '@classconnect/contracts';

/** Anything that runs SQL: a DataSource, or the EntityManager of a transaction. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
}

export interface NewCourse {
  code: string;
  title: string;
  term: string | null;
}

/** How many rows one INSERT carries: large enough to be fast, small enough to keep statements modest. */
const BatchSize = 1_000;

/** Writes accounts, courses and enrollments for the demo data and for test classes. */
export class ProvisioningRepository {
  constructor(private readonly db: Queryable) {}

  /** Creates the account, or brings an existing one (same email) back to the given state. Returns its id. */
  async upsertUser(user: NewUser): Promise<string> {
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO identity.users (email, name, role, password_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (email) DO UPDATE
         SET name = EXCLUDED.name, role = EXCLUDED.role, password_hash = EXCLUDED.password_hash, disabled = false
       RETURNING id`,
      [user.email.toLowerCase(), user.name, user.role, user.passwordHash],
    );
    return rows[0]!.id;
  }

  /** Inserts new accounts in batches. Returns their ids in the order given. */
  async insertUsers(users: readonly NewUser[]): Promise<string[]> {
    const idByEmail = new Map<string, string>();
    for (let start = 0; start < users.length; start += BatchSize) {
      const batch = users.slice(start, start + BatchSize);
      const rows: { id: string; email: string }[] = await this.db.query(
        `INSERT INTO identity.users (email, name, role, password_hash)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         RETURNING id, email`,
        [batch.map((u) => u.email.toLowerCase()), batch.map((u) => u.name), batch.map((u) => u.role), batch.map((u) => u.passwordHash)],
      );
      for (const row of rows) idByEmail.set(row.email, row.id);
    }
    return users.map((u) => idByEmail.get(u.email.toLowerCase())!);
  }

  /** Creates the course, or updates the one with the same code. Returns its id. */
  async upsertCourse(course: NewCourse): Promise<string> {
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO identity.courses (code, title, term) VALUES ($1, $2, $3)
       ON CONFLICT (code) DO UPDATE SET title = EXCLUDED.title, term = EXCLUDED.term
       RETURNING id`,
      [course.code, course.title, course.term],
    );
    return rows[0]!.id;
  }

  async assignTeacher(courseId: string, teacherId: string): Promise<void> {
    await this.db.query(
      'INSERT INTO identity.course_teachers (course_id, teacher_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [courseId, teacherId],
    );
  }

  /** Enrolls the students; those already enrolled stay as they are. */
  async enroll(courseId: string, studentIds: readonly string[]): Promise<void> {
    for (let start = 0; start < studentIds.length; start += BatchSize) {
      await this.db.query(
        `INSERT INTO identity.enrollments (course_id, student_id)
         SELECT $1, unnest($2::uuid[])
         ON CONFLICT DO NOTHING`,
        [courseId, studentIds.slice(start, start + BatchSize)],
      );
    }
  }
}
