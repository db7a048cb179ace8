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

/** Needs only the gateway's address and the class fixture: a system of processes or of containers (test/deploy/image.spec.ts). */
export async function seatClass(sys: Pick<TestSystem, 'createClass' | 'signIn' | 'gatewayUrl' | 'origin'>, size: number): Promise<Classroom> {
  const cls = await sys.createClass(size);
  const teacher = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
  const students = await Promise.all(
    cls.students.map(async (s) => StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(s.email, s.password))),
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
