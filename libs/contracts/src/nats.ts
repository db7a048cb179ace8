/**
 * NATS names every service shares. A published subject is never renamed: a new version is added beside it.
 *
 * - `cc.<service>.…` are request/reply commands on NATS core, served by queue groups (rpc.ts joins them).
 * - `attendance.…v1` are facts on the JetStream stream ATTENDANCE (public, CloudEvents JSON; events.ts).
 * - `directory.…v1` are facts on the stream DIRECTORY.
 * - `intake.checkin.v1` is the internal work queue CHECKIN_INTAKE (holds raw positions until decided; checkin/intake.ts).
 */

/** Queue group names: one per service, so every instance of a service shares the load. */
export const QueueGroup = {
  identity: 'identity-service',
  session: 'session-service',
  verification: 'verification-service',
  report: 'report-service',
  integration: 'integration-service',
} as const;

export const Streams = {
  attendance: { name: 'ATTENDANCE', subjects: ['attendance.>'] },
  intake: { name: 'CHECKIN_INTAKE', subjects: ['intake.>'] },
  directory: { name: 'DIRECTORY', subjects: ['directory.>'] },
  /** Messages a durable consumer could not handle, set aside with why (see operations/dead-letters.ts). */
  deadLetter: { name: 'DEADLETTER', subjects: ['deadletter.>'] },
} as const;

/** Header carrying the correlation id from the socket event through every service. */
export const CorrelationHeader = 'Cc-Correlation-Id';
