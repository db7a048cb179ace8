import { EventSubjects, closeReasonInV1, type EventData } from '@classconnect/contracts';
import type { PublishOptions } from '@classconnect/messaging';
import type { EventSink } from '@classconnect/messaging';

/**
 * Announces a close: session.closed.v2 first (every reason), then v1 with the nearest reason it
 * knows, each under its own dedup key, so subscribers of either version get the fact once. A session
 * reopened `reopens` times closes again under keys of their own (the stream would drop a second
 * close under the first one's key within its duplicate window).
 */
export async function publishSessionClosed(
  events: EventSink,
  data: EventData<typeof EventSubjects.sessionClosedV2>,
  opts: Omit<PublishOptions, 'dedupKey'> & { reopens?: number },
): Promise<void> {
  const { reopens = 0, ...rest } = opts;
  const suffix = reopens > 0 ? `:r${reopens}` : '';
  await events.publish(EventSubjects.sessionClosedV2, data, { ...rest, dedupKey: `session.closed.v2:${data.sessionId}${suffix}` });
  await events.publish(EventSubjects.sessionClosed, { ...data, closeReason: closeReasonInV1(data.closeReason) }, { ...rest, dedupKey: `session.closed:${data.sessionId}${suffix}` });
}
