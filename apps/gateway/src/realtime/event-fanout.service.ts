import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Server } from 'socket.io';
import type { Subscription } from '@nats-io/transport-node';
import {
  EventSchemas,
  EventSubjects,
  EventTypePrefix,
  ServerEvents,
  type CloudEvent,
  type EventData,
  type EventSubject,
  type ServerPayloads,
} from '@classconnect/contracts';
import { NATS_CONNECTION, subscribeEvents, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { Rooms } from './rooms.js';

const log = createLogger('EventFanout');

/**
 * Turns attendance facts into pushes to the right sockets. Every gateway instance subscribes to
 * all events (core NATS, not a queue group) and emits to its own members of each room.
 */
@Injectable()
export class EventFanout implements OnApplicationShutdown {
  private sub?: Subscription;
  private server?: Server;
  /**
   * A publisher that retries after a crash sends the same event (same id) again. JetStream stores it
   * once, but a core subscriber sees every copy, so recent ids are remembered and repeats dropped.
   */
  private readonly seen = new RecentIds(100_000);
  /** Rejections already pushed: the v2 and v1 twins (published right after v3) are not pushed again. */
  private readonly rejectedPushed = new RecentIds(100_000);
  /** Sessions whose close was pushed (v2 and v1 announce the same close). */
  private readonly closedPushed = new RecentIds(100_000);

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  attach(server: Server): void {
    this.server = server;
    this.sub = subscribeEvents(this.nc, 'attendance.>', (event) => this.route(event));
  }

  onApplicationShutdown(): void {
    this.sub?.unsubscribe();
  }

  private route(event: CloudEvent): void {
    if (this.seen.has(event.id)) return;
    this.seen.add(event.id);
    const subject = event.type.slice(EventTypePrefix.length) as EventSubject;
    const schema = EventSchemas[subject];
    if (!schema) return; // a newer event type this gateway does not push
    const parsed = schema.safeParse(event.data);
    if (!parsed.success) return void log.warn({ type: event.type }, 'event data does not match its schema');
    switch (subject) {
      case EventSubjects.sessionOpened:
        return this.sessionOpened(parsed.data as EventData<typeof EventSubjects.sessionOpened>);
      // One push per close, from v2 (published first, with every reason) or v1 from an older publisher.
      case EventSubjects.sessionClosedV2:
      case EventSubjects.sessionClosed: {
        const data = parsed.data as EventData<typeof EventSubjects.sessionClosed> | EventData<typeof EventSubjects.sessionClosedV2>;
        if (this.closedPushed.has(data.sessionId)) return;
        this.closedPushed.add(data.sessionId);
        return this.sessionClosed(data);
      }
      case EventSubjects.checkinVerified:
        return this.checkinVerified(parsed.data as EventData<typeof EventSubjects.checkinVerified>);
      // One push per rejection, from the newest version published: v3 first, then v2, then v1 (older
      // publishers send only the older ones). The later twins of a pushed rejection are dropped.
      case EventSubjects.checkinRejectedV3:
      case EventSubjects.checkinRejectedV2:
      case EventSubjects.checkinRejected: {
        const data = parsed.data as EventData<typeof EventSubjects.checkinRejectedV3>;
        if (this.rejectedPushed.has(data.submissionId)) return;
        this.rejectedPushed.add(data.submissionId);
        return this.checkinRejected(data);
      }
      case EventSubjects.reportReady:
        return this.reportReady(parsed.data as EventData<typeof EventSubjects.reportReady>);
      case EventSubjects.markChanged:
        return this.markChanged(parsed.data as EventData<typeof EventSubjects.markChanged>);
      case EventSubjects.reportUpdated:
        return this.reportUpdated(parsed.data as EventData<typeof EventSubjects.reportUpdated>);
      // Check-in flags
      case EventSubjects.checkinFlagged:
        return this.checkinFlagged(parsed.data as EventData<typeof EventSubjects.checkinFlagged>);
      default:
        return;
    }
  }

  private emit<E extends keyof ServerPayloads>(rooms: string[], event: E, payload: ServerPayloads[E]): void {
    this.server?.to(rooms).emit(event, payload);
  }

  private sessionOpened(e: EventData<typeof EventSubjects.sessionOpened>): void {
    this.emit([Rooms.enrolled(e.courseId), Rooms.teaching(e.courseId)], ServerEvents.sessionOpened, {
      sessionId: e.sessionId,
      courseId: e.courseId,
      courseCode: e.courseCode,
      courseTitle: e.courseTitle,
      teacherId: e.teacherId,
      status: 'open',
      openedAt: e.openedAt,
      radiusM: e.radiusM,
      enrolledCount: e.enrolledStudentIds.length,
      presentCount: 0,
      ...(e.qr ? { qr: e.qr } : {}),
      ...(e.room ? { room: e.room } : {}),
    });
  }

  private sessionClosed(e: EventData<typeof EventSubjects.sessionClosed> | EventData<typeof EventSubjects.sessionClosedV2>): void {
    this.emit([Rooms.enrolled(e.courseId), Rooms.teaching(e.courseId)], ServerEvents.sessionClosed, {
      sessionId: e.sessionId,
      courseId: e.courseId,
      closedAt: e.closedAt,
      // So the teacher's screen can say why (state-lost: start a new session).
      ...(e.closeReason ? { closeReason: e.closeReason } : {}),
    });
  }

  private checkinVerified(e: EventData<typeof EventSubjects.checkinVerified>): void {
    this.emit([Rooms.user(e.studentId)], ServerEvents.checkinResult, {
      submissionId: e.submissionId,
      sessionId: e.sessionId,
      verdict: 'accepted',
      distanceM: e.distanceM,
      at: e.verifiedAt,
    });
    this.emit([Rooms.teaching(e.courseId)], ServerEvents.rosterUpdate, {
      sessionId: e.sessionId,
      studentId: e.studentId,
      state: 'present',
      distanceM: e.distanceM,
      at: e.verifiedAt,
    });
  }

  private checkinRejected(e: EventData<typeof EventSubjects.checkinRejectedV3>): void {
    this.emit([Rooms.user(e.studentId)], ServerEvents.checkinResult, {
      submissionId: e.submissionId,
      sessionId: e.sessionId,
      verdict: 'rejected',
      reason: e.reason,
      message: e.message,
      distanceM: e.distanceM,
      at: e.rejectedAt,
    });
    // A racing second attempt of a student already present changes nothing on the teacher's roster.
    if (e.courseId && e.reason !== 'ALREADY_CHECKED_IN') {
      this.emit([Rooms.teaching(e.courseId)], ServerEvents.rosterUpdate, {
        sessionId: e.sessionId,
        studentId: e.studentId,
        state: 'rejected',
        reason: e.reason,
        message: e.message,
        distanceM: e.distanceM,
        at: e.rejectedAt,
      });
    }
  }

  /** A status set by hand: to every teacher of the course, so each screen shows the same roster. */
  private markChanged(e: EventData<typeof EventSubjects.markChanged>): void {
    this.emit([Rooms.teaching(e.courseId)], ServerEvents.markChanged, {
      sessionId: e.sessionId,
      courseId: e.courseId,
      studentId: e.studentId,
      status: e.status,
      previousStatus: e.previousStatus,
      reason: e.reason,
      changedBy: e.changedBy,
      changedAt: e.changedAt,
      sequence: e.sequence,
    });
  }

  private reportUpdated(e: EventData<typeof EventSubjects.reportUpdated>): void {
    this.emit([Rooms.teaching(e.courseId)], ServerEvents.reportUpdated, {
      sessionId: e.sessionId,
      courseId: e.courseId,
      presentCount: e.presentCount,
      absentCount: e.absentCount,
      counts: e.counts,
      revision: e.revision,
      ...(e.incomplete ? { incomplete: e.incomplete } : {}),
    });
  }

  /** Flags on a check-in: to the course's teachers only (never to the student or the class). */
  private checkinFlagged(e: EventData<typeof EventSubjects.checkinFlagged>): void {
    this.emit([Rooms.teaching(e.courseId)], ServerEvents.checkinFlagged, {
      sessionId: e.sessionId,
      courseId: e.courseId,
      studentId: e.studentId,
      submissionId: e.submissionId,
      flags: e.flags.map((f) => ({ code: f.code, detail: f.detail })),
      flaggedAt: e.flaggedAt,
    });
  }

  private reportReady(e: EventData<typeof EventSubjects.reportReady>): void {
    this.emit([Rooms.teaching(e.courseId)], ServerEvents.reportReady, {
      sessionId: e.sessionId,
      courseId: e.courseId,
      presentCount: e.presentCount,
      absentCount: e.absentCount,
      ...(e.incomplete ? { incomplete: e.incomplete } : {}),
    });
  }
}

/** A bounded set of the most recently added ids. */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
  }
}
