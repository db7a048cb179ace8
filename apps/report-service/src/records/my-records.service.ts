import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@classconnect/config';
import { DomainError, ErrorCode, authorize, type Actor, type MyRecord, type MyRecordsReply } from '@classconnect/contracts';
import { StudentRecordsStore, type StudentReportRow } from './my-records.repository.js';

/**
 * A student's own attendance records, for download: every closed session of every course whose
 * report lists them (also courses they have left), with the status, times, the proof while it is
 * kept, and every change by hand with its reason. Never anyone else's row.
 */
@Injectable()
export class MyRecordsService {
  constructor(
    @Inject(StudentRecordsStore) private readonly store: StudentRecordsStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async records(actor: Actor): Promise<MyRecordsReply> {
    if (authorize(actor, 'records.download-own') !== 'self') {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Records can only be downloaded by the student they belong to.');
    }
    const rows = await this.store.rowsOf(actor.userId);
    return {
      studentId: actor.userId,
      generatedAt: this.clock.now().toISOString(),
      records: rows.filter((r) => r.row.studentId === actor.userId).map(toRecord),
    };
  }
}

function toRecord(r: StudentReportRow): MyRecord {
  const row = r.row;
  const evidenceRemoved = r.evidenceRemovedAt !== undefined;
  return {
    courseId: r.courseId,
    courseCode: r.courseCode ?? '',
    courseTitle: r.courseTitle ?? '',
    sessionId: r.sessionId,
    ...(r.openedAt ? { openedAt: r.openedAt } : {}),
    closedAt: r.closedAt,
    status: row.status,
    ...(row.checkedInAt ? { checkedInAt: row.checkedInAt } : {}),
    ...(row.checkinStatus ? { checkinStatus: row.checkinStatus } : {}),
    // The proof, only while the evidence is kept (the row no longer holds it afterwards anyway).
    ...(!evidenceRemoved && row.methods ? { methods: row.methods } : {}),
    ...(!evidenceRemoved && row.distanceM !== undefined && row.distanceM !== null ? { distanceM: row.distanceM } : {}),
    ...(!evidenceRemoved && row.accuracyM !== undefined && row.accuracyM !== null ? { accuracyM: row.accuracyM } : {}),
    ...(!evidenceRemoved && row.lastRejection ? { lastRejection: row.lastRejection } : {}),
    ...(row.override ? { override: row.override } : {}),
    evidenceRemoved,
  };
}
