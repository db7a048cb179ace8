import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@classconnect/config';
import { Argon2PasswordHasher } from '../accounts/password-hasher.js';
import { IdentityCliEnv } from '../config.js';
import { migrateIdentity, openIdentityDataSource } from '../infrastructure/identity-database.js';
import { DemoPasswords, seedDemoUniversity } from './demo-university.js';
import { createTestClass } from './test-class.js';

export interface CliIo {
  /** The command's result: the only thing written to stdout. */
  out(line: string): void;
  /** Progress and errors, for people: stderr. */
  err(line: string): void;
}

const Usage = `Usage: node dist/apps/identity-service/src/cli.js <command>

Commands:
  migrate                                 apply the identity schema's migrations
  seed-demo                               create (or restore) the demo university
  create-class --students N [--prefix P] [--password W]
                                          create a teacher, a course and N enrolled students;
                                          prints one line of JSON

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/classconnect)`;

/** Runs one CLI command. Returns the process exit code. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const config = loadConfig(IdentityCliEnv, env);
    switch (command) {
      case 'migrate':
        return await migrateCommand(config.DATABASE_URL, io);
      case 'seed-demo':
        return await seedDemoCommand(config.DATABASE_URL, io);
      case 'create-class':
        return await createClassCommand(config.DATABASE_URL, rest, io);
      case undefined:
      case 'help':
      case '--help':
        io.err(Usage);
        return command ? 0 : 64;
      default:
        io.err(`Unknown command "${command}".\n\n${Usage}`);
        return 64;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 78;
    }
    if (err instanceof RangeError || err instanceof TypeError) {
      io.err(err.message); // bad arguments: parseArgs and our own checks say which
      return 64;
    }
    io.err(`${command} failed: ${describe(err)}`);
    return 1;
  }
}

async function migrateCommand(url: string, io: CliIo): Promise<number> {
  const applied = await migrateIdentity(url);
  io.err(applied.length > 0 ? `Applied ${applied.join(', ')}.` : 'The identity schema is up to date.');
  return 0;
}

async function seedDemoCommand(url: string, io: CliIo): Promise<number> {
  await migrateIdentity(url);
  const ds = await openIdentityDataSource(url, 2);
  try {
    const summary = await seedDemoUniversity(ds, new Argon2PasswordHasher());
    io.out(`Demo university ready: ${summary.admins} admin, ${summary.teachers} teachers, ${summary.students} students.`);
    io.out(`  admin     admin@demo.classconnect.test / ${DemoPasswords.admin}`);
    io.out(`  teachers  ada.teacher@ and alan.teacher@demo.classconnect.test / ${DemoPasswords.teacher}`);
    io.out(`  students  student01@ … student${summary.students}@demo.classconnect.test / ${DemoPasswords.student}`);
    for (const c of summary.courses) io.out(`  ${c.code.padEnd(6)} ${c.title} — ${c.teacher}, ${c.enrolled} students`);
    return 0;
  } finally {
    await ds.destroy();
  }
}

async function createClassCommand(url: string, args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { students: { type: 'string' }, prefix: { type: 'string' }, password: { type: 'string' } },
    strict: true,
  });
  if (values.students === undefined) throw new RangeError('create-class needs --students N.');
  const students = Number(values.students);
  await migrateIdentity(url);
  const ds = await openIdentityDataSource(url, 2);
  try {
    const started = Date.now();
    const created = await createTestClass(ds, new Argon2PasswordHasher(), {
      students,
      ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
      ...(values.password !== undefined ? { password: values.password } : {}),
    });
    io.err(`Created ${created.courseCode} with ${created.students.length} students in ${Date.now() - started} ms.`);
    io.out(JSON.stringify(created));
    return 0;
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      io.err('create-class failed: these emails or this course code already exist; choose another --prefix.');
      return 1;
    }
    throw err;
  } finally {
    await ds.destroy();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
