/** A class in the room: its teacher and students signed in and connected, every student with a passkey. */
import type { Socket } from 'socket.io-client';
import { StudentClient, connectSocket } from './clients.js';
import type { ClassFixture, TestSystem } from './system.js';

export interface Classroom {
  cls: ClassFixture;
  teacher: Socket;
  students: StudentClient[];
  close(): void;
}

/**
 * Password sign-ins at a time while seating a class: each is a memory-hard hash, and a hundred at once
 * on two busy cores can outlast the gateway's wait for identity-service (a 503 that is not the test's subject).
 */
const SignInsAtOnce = 8;

/** `f` over `items`, at most `limit` at a time; results in the order of `items`. */
async function mapLimited<T, R>(items: readonly T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Needs only the gateway's address and the class fixture: a system of processes or of containers (test/deploy/image.spec.ts). */
export async function seatClass(sys: Pick<TestSystem, 'createClass' | 'signIn' | 'gatewayUrl' | 'origin'>, size: number): Promise<Classroom> {
  const cls = await sys.createClass(size);
  const teacher = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
  const students = await mapLimited(cls.students, SignInsAtOnce, async (s) =>
    StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(s.email, s.password)),
  );
  await Promise.all(students.map((s) => s.registerPasskey()));
  return {
    cls,
    teacher,
    students,
    close() {
      teacher.close();
      students.forEach((s) => s.close());
    },
  };
}
