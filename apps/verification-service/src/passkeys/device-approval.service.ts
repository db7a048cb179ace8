import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  authorize,
  type Actor,
  type DeviceDecisionReply,
  type PendingDevice,
  type PendingDevicesReply,
} from '@classconnect/contracts';
import { Clock } from '@classconnect/config';
import { IdentityClient } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { CredentialRepository, type StoredCredential } from './credential.repository.js';
import { DeviceEvents } from './device.events.js';

const DecisionWords = { approved: 'approved', denied: 'refused' } as const;

/**
 * Approval of students' new passkeys (device binding). An admin decides for anyone; a teacher for
 * the students enrolled in a course they teach, as identity-service says now.
 */
@Injectable()
export class DeviceApprovalService {
  private readonly log = createLogger('DeviceApprovalService');

  constructor(
    private readonly credentials: CredentialRepository,
    private readonly identity: IdentityClient,
    private readonly events: DeviceEvents,
    private readonly clock: Clock,
  ) {}

  /** The passkeys waiting for the actor's decision, oldest first. */
  async pending(actor: Actor, correlationId?: string): Promise<PendingDevicesReply> {
    const scope = authorize(actor, 'device.approve');
    if (scope === 'any') {
      const waiting = await this.credentials.listPending();
      const users = new Map((await this.identity.users([...new Set(waiting.map((c) => c.userId))], { correlationId })).map((u) => [u.id, u]));
      return { devices: waiting.map((c) => toPending(c, users.get(c.userId), [])) };
    }
    // own-course: the students of every course the teacher teaches, with the codes of those courses.
    const teaching = (await this.identity.coursesOf(actor.userId, { correlationId })).filter((c) => c.relation === 'teacher');
    const rosters = await Promise.all(teaching.map(async (c) => ({ course: c, students: await this.identity.roster(c.id, { correlationId }) })));
    const students = new Map<string, { name: string; email: string; codes: string[] }>();
    for (const { course, students: roster } of rosters) {
      for (const s of roster) {
        const entry = students.get(s.id) ?? { name: s.name, email: s.email, codes: [] };
        entry.codes.push(course.code);
        students.set(s.id, entry);
      }
    }
    if (students.size === 0) return { devices: [] };
    const waiting = await this.credentials.listPending([...students.keys()]);
    return {
      devices: waiting.map((c) => {
        const s = students.get(c.userId)!;
        return toPending(c, { name: s.name, email: s.email }, s.codes.sort());
      }),
    };
  }

  /** Approves or refuses a pending passkey. Deciding again the same way changes nothing and answers the same. */
  async decide(actor: Actor, credentialId: string, decision: 'approved' | 'denied', correlationId?: string): Promise<DeviceDecisionReply> {
    const scope = authorize(actor, 'device.approve');
    const credential = await this.credentials.findById(credentialId);
    if (!credential) throw new DomainError(ErrorCode.NOT_FOUND, 'There is no such passkey: it may have been removed by its student.');
    const studentCourses = (await this.identity.coursesOf(credential.userId, { correlationId })).filter((c) => c.relation === 'student').map((c) => c.id);
    if (scope !== 'any') {
      const teaching = new Set((await this.identity.coursesOf(actor.userId, { correlationId })).filter((c) => c.relation === 'teacher').map((c) => c.id));
      if (!studentCourses.some((id) => teaching.has(id))) {
        throw new DomainError(
          ErrorCode.NOT_COURSE_TEACHER,
          'Only a teacher of a course this student attends, or an administrator, can approve or refuse their device.',
        );
      }
    }
    let decided: StoredCredential | null = credential;
    if (credential.status === 'pending') decided = await this.credentials.decide(credentialId, decision, actor.userId, this.clock.now());
    if (!decided) throw new DomainError(ErrorCode.NOT_FOUND, 'There is no such passkey: it may have been removed by its student.');
    if (decided.status !== decision || !decided.decidedBy || !decided.decidedAt) {
      const now = decided.status === 'pending' ? 'still waiting' : `already ${DecisionWords[decided.status as 'approved' | 'denied']}`;
      throw new DomainError(ErrorCode.NOT_FOUND, `This device is no longer waiting for a decision: it was ${now}.`);
    }
    // Published on every call (a retry after a crash announces it then; the event id deduplicates).
    await this.events.decided(
      {
        credentialId,
        studentId: decided.userId,
        decision,
        deviceName: decided.deviceName,
        changedBy: decided.decidedBy,
        changedAt: decided.decidedAt.toISOString(),
        courseIds: studentCourses,
      },
      correlationId,
    );
    this.log.info({ credentialId, studentId: decided.userId, decision, by: decided.decidedBy }, 'device decided');
    return { credentialId, studentId: decided.userId, status: decision, decidedBy: decided.decidedBy, decidedAt: decided.decidedAt.toISOString() };
  }
}

function toPending(c: StoredCredential, who: { name: string; email: string } | undefined, courseCodes: string[]): PendingDevice {
  return {
    credentialId: c.id,
    studentId: c.userId,
    studentName: who?.name ?? 'Unknown student',
    studentEmail: who?.email ?? '',
    deviceName: c.deviceName,
    requestedAt: c.createdAt.toISOString(),
    courseCodes,
  };
}
