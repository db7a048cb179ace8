import { EventSubjects } from '@classconnect/contracts';
import type { AttendanceEvent } from './attendance-event.js';

type Of<K extends AttendanceEvent['kind']> = Extract<AttendanceEvent, { kind: K }>['data'];

/** The projection's rows for one batch, each list keyed so a row appears once per statement. */
export interface ProjectionBatch {
  opened: Of<typeof EventSubjects.sessionOpened>[];
  closed: Of<typeof EventSubjects.sessionClosed>[];
  /** Stops undone: the latest reopening of each session (the highest reopenCount). */
  reopened?: Of<typeof EventSubjects.sessionReopened>[];
  verified: Of<typeof EventSubjects.checkinVerified>[];
  /** From checkin.rejected.v3 (published first, with the exact reason), v2 or v1: the first one seen is kept. */
  rejected: (Of<typeof EventSubjects.checkinRejected> | Of<typeof EventSubjects.checkinRejectedV2> | Of<typeof EventSubjects.checkinRejectedV3>)[];
  /** Check-ins from mark.recorded.v1: inserted only when no mark of the student is there yet. */
  marks: Of<typeof EventSubjects.markRecorded>[];
  /** Check-ins from mark.recorded.v2: inserted, or set the status of the v1 row of the same check-in. */
  marksV2: Of<typeof EventSubjects.markRecordedV2>[];
  /** Changes by hand, each kept (the audit). */
  changes: Of<typeof EventSubjects.markChanged>[];
  /** Check-in flags, one per (submission, code): the first one seen is kept. */
  flags?: FlagRow[];
}

export interface FlagRow {
  submissionId: string;
  code: string;
  sessionId: string;
  courseId: string;
  studentId: string;
  detail: string;
  flaggedAt: string;
}

/** Groups events by what they write, keeping one event per row key (Postgres refuses to upsert a row twice in one statement). */
export function toProjectionBatch(events: AttendanceEvent[]): ProjectionBatch {
  const opened = new Map<string, ProjectionBatch['opened'][number]>();
  const closed = new Map<string, ProjectionBatch['closed'][number]>();
  const reopened = new Map<string, NonNullable<ProjectionBatch['reopened']>[number]>();
  const verified = new Map<string, ProjectionBatch['verified'][number]>();
  const rejected = new Map<string, ProjectionBatch['rejected'][number]>();
  const marks = new Map<string, ProjectionBatch['marks'][number]>();
  const marksV2 = new Map<string, ProjectionBatch['marksV2'][number]>();
  const changes = new Map<string, ProjectionBatch['changes'][number]>();
  const flags = new Map<string, FlagRow>();
  for (const e of events) {
    switch (e.kind) {
      case EventSubjects.sessionOpened:
        opened.set(e.data.sessionId, e.data);
        break;
      case EventSubjects.sessionClosed: {
        // The latest close of the session stands (a reopened session closes again later).
        const seen = closed.get(e.data.sessionId);
        if (!seen || seen.closedAt <= e.data.closedAt) closed.set(e.data.sessionId, e.data);
        break;
      }
      case EventSubjects.sessionReopened: {
        const seen = reopened.get(e.data.sessionId);
        if (!seen || seen.reopenCount < e.data.reopenCount) reopened.set(e.data.sessionId, e.data);
        break;
      }
      case EventSubjects.checkinVerified:
        if (!rejected.has(e.data.submissionId)) verified.set(e.data.submissionId, e.data);
        break;
      case EventSubjects.checkinRejected:
      case EventSubjects.checkinRejectedV2:
      case EventSubjects.checkinRejectedV3:
        if (!verified.has(e.data.submissionId) && !rejected.has(e.data.submissionId)) rejected.set(e.data.submissionId, e.data);
        break;
      case EventSubjects.markRecorded:
        if (!marks.has(`${e.data.sessionId}:${e.data.studentId}`)) marks.set(`${e.data.sessionId}:${e.data.studentId}`, e.data);
        break;
      case EventSubjects.markRecordedV2:
        if (!marksV2.has(`${e.data.sessionId}:${e.data.studentId}`)) marksV2.set(`${e.data.sessionId}:${e.data.studentId}`, e.data);
        break;
      case EventSubjects.markChanged:
        changes.set(`${e.data.sessionId}:${e.data.studentId}:${e.data.sequence}`, e.data);
        break;
      case EventSubjects.checkinFlagged:
        for (const f of e.data.flags) {
          const key = `${e.data.submissionId}:${f.code}`;
          if (!flags.has(key)) {
            const { sessionId, courseId, studentId, submissionId, flaggedAt } = e.data;
            flags.set(key, { submissionId, code: f.code, sessionId, courseId, studentId, detail: f.detail, flaggedAt });
          }
        }
        break;
    }
  }
  return {
    opened: [...opened.values()],
    closed: [...closed.values()],
    ...(reopened.size ? { reopened: [...reopened.values()] } : {}),
    verified: [...verified.values()],
    rejected: [...rejected.values()],
    marks: [...marks.values()],
    marksV2: [...marksV2.values()],
    changes: [...changes.values()],
    ...(flags.size ? { flags: [...flags.values()] } : {}),
  };
}

/** Writes a batch of projected events in one transaction. */
export abstract class ProjectionStore {
  abstract apply(batch: ProjectionBatch, seenAt: Date): Promise<void>;
}
