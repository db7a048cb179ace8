/**
 * Dead letters: a message a durable consumer failed to handle a bounded number of times is set
 * aside on the stream DEADLETTER, so one bad message cannot stall everyone behind it. The record is
 * a CloudEvent (operations monitoring subscribes to it); an admin lists the records and replays one
 * once its cause is fixed. Published names are never renamed: a new version goes beside them.
 */
import { z } from 'zod';
import { Id, IsoTime } from '../primitives.js';

export const DeadLetterSubjects = {
  /** A message was set aside. */
  recorded: 'deadletter.recorded.v1',
  /** A set-aside message was handled on replay and its record removed. */
  replayed: 'deadletter.replayed.v1',
} as const;

export const DeadLetterRecordedV1 = z.object({
  /** The durable consumer that could not handle the message. */
  consumer: z.string().min(1),
  stream: z.string().min(1),
  /** The message's sequence in its own stream. */
  streamSequence: z.number().int().positive(),
  subject: z.string().min(1),
  /** The last error, as the handler reported it. */
  error: z.string(),
  /** Failed attempts counted towards the limit (outages of a dependency are not counted). */
  failures: z.number().int().nonnegative(),
  /** Deliveries of the message by the server, failed or not. */
  deliveries: z.number().int().positive(),
  deadAt: IsoTime,
  /**
   * The message itself, so it can be replayed even once its stream no longer holds it (a work
   * queue removes it): its bytes in base64 and its headers.
   */
  message: z.object({ data: z.string(), headers: z.record(z.string(), z.string()) }),
});
export type DeadLetterRecordedV1 = z.infer<typeof DeadLetterRecordedV1>;

export const DeadLetterReplayedV1 = z.object({
  /** The record's sequence in DEADLETTER (it is removed after the replay). */
  deadLetterSequence: z.number().int().positive(),
  consumer: z.string().min(1),
  stream: z.string().min(1),
  streamSequence: z.number().int().positive(),
  subject: z.string().min(1),
  replayedAt: IsoTime,
  /** The admin who asked for it; absent when an operator replayed it from the command line. */
  replayedBy: Id.optional(),
});
export type DeadLetterReplayedV1 = z.infer<typeof DeadLetterReplayedV1>;

/** One dead letter as an admin sees it in a list: the record without the message's bytes. */
export const DeadLetterSummary = DeadLetterRecordedV1.omit({ message: true }).extend({
  /** Its sequence in DEADLETTER: what a replay names. */
  sequence: z.number().int().positive(),
  /** The size of the set-aside message in bytes. */
  size: z.number().int().nonnegative(),
});
export type DeadLetterSummary = z.infer<typeof DeadLetterSummary>;

/** Core NATS subject on which the instances of a durable consumer take replay requests (queue group: the durable). */
export function deadLetterReplaySubject(consumer: string): string {
  return `ops.deadletter.replay.${consumer}`;
}

export const DeadLetterReplayRequest = z.object({ sequence: z.number().int().positive(), replayedBy: Id.optional() }).strict();
export type DeadLetterReplayRequest = z.infer<typeof DeadLetterReplayRequest>;
