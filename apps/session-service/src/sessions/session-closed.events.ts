import { EventSubjects, closeReasonInV1, type EventData } from '@classconnect/contracts';
import type { PublishOptions } from '@classconnect/messaging';
import type { EventSink } from '@classconnect/messaging';

/**
 * Announces a close: session.closed.v2 first (every reason), then v1 with the nearest reason it
 * knows, each under its own dedup key, so subscribers of either version get the fact once.
 */
export async function publishSessionClosed(
  events: EventSink,
  data: EventData<typeof EventSubjects.sessionClosedV2>,
  opts: Omit<PublishOptions, 'dedupKey'>,
): Promise<void> {
  await events.publish(EventSubjects.sessionClosedV2, data, { ...opts, dedupKey: `session.closed.v2:${data.sessionId}` });
  await events.publish(EventSubjects.sessionClosed, { ...data, closeReason: closeReasonInV1(data.closeReason) }, { ...opts, dedupKey: `session.closed:${data.sessionId}` });
}
