import { Inject, Injectable } from '@nestjs/common';
import { authorize, type PersonDataRequest, type ReportPersonData } from '@classconnect/contracts';
import { PersonDataStore, type AttendanceFacts } from './person-data.ports.js';

/**
 * report-service's part of one person's data (GDPR Art. 15 and 20): attendance with its evidence,
 * every check-in decided, flags, changes by hand with their reasons, warnings, and the devices that
 * get class-start notifications (the push service's host only: the endpoint and keys address the
 * device and stay here). Asked by the person or an administrator; the gateway joins the parts.
 */
@Injectable()
export class PersonDataService {
  constructor(@Inject(PersonDataStore) private readonly store: PersonDataStore) {}

  async export({ actor, userId }: PersonDataRequest): Promise<ReportPersonData> {
    authorize(actor, actor.userId === userId ? 'data.export-own' : 'user.export');
    const [attendance, records, push] = await Promise.all([this.store.attendanceOf(userId), this.store.recordsOf(userId), this.store.pushSubscriptionsOf(userId)]);
    return {
      attendance: attendance.map(attendanceEntry),
      ...records,
      pushSubscriptions: push.map((s) => ({ pushService: hostOf(s.endpoint), createdAt: s.createdAt, lastSentAt: s.lastSentAt })),
    };
  }
}

/**
 * One session as the person's record: the status teachers see (the report's row once built;
 * before that, the latest change by hand, the check-in's own, present when the close listed them,
 * else absent), and how presence was proven: the check-in's methods while its evidence is kept,
 * 'manual' when a teacher marked them in without one.
 */
export function attendanceEntry(f: AttendanceFacts): ReportPersonData['attendance'][number] {
  const status = f.reportStatus ?? f.handMark?.status ?? f.mark?.status ?? (f.listedPresent ? 'present' : 'absent');
  const inByHand = !f.mark && f.handMark !== null && (f.handMark.status === 'present' || f.handMark.status === 'late');
  return {
    sessionId: f.sessionId,
    courseId: f.courseId,
    courseCode: f.courseCode ?? '',
    courseTitle: f.courseTitle ?? '',
    openedAt: f.openedAt ?? '',
    closedAt: f.closedAt,
    status,
    markedAt: f.mark?.markedAt ?? (inByHand ? f.handMark!.changedAt : null),
    methods: f.mark ? (f.mark.methods ?? []) : inByHand ? ['manual'] : [],
    distanceM: f.mark?.distanceM ?? null,
    accuracyM: f.mark?.accuracyM ?? null,
  };
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return '';
  }
}
