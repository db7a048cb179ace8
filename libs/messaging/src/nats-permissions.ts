import { ConnectedUsersSubject, DeadLetterSubjects, EventSubjects, IntakeSubject, Rpc, Streams } from '@classconnect/contracts';

/**
 * Each process's own NATS user and what it may publish and subscribe, generated from the contracts'
 * subject maps (Rpc, EventSubjects, IntakeSubject): a compromised pod cannot answer another
 * service's commands, forge its events, or read its replies. scripts/nats-config.mjs writes the
 * server configuration from this; test/e2e/nats-permissions.spec.ts runs a class under it.
 *
 * What the maps do not say is written here once: who calls whom, and which service publishes each
 * family of events. A new event subject that no rule below owns stops the generator, so it is
 * decided, not forgotten.
 */
export const NatsServices = ['gateway', 'identity-service', 'session-service', 'verification-service', 'report-service', 'integration-service'] as const;
export type NatsService = (typeof NatsServices)[number];

/** The service that serves a command: `cc.<name>.…` is served by `<name>-service`. */
function serverOf(subject: string): NatsService {
  const name = `${subject.split('.')[1]}-service`;
  if (!(NatsServices as readonly string[]).includes(name)) throw new Error(`no service serves ${subject}`);
  return name as NatsService;
}

/** Whose commands each service sends (its typed clients, and the gateway's relay table). */
const Calls: Record<NatsService, readonly NatsService[]> = {
  gateway: ['identity-service', 'session-service', 'verification-service', 'report-service', 'integration-service'],
  'identity-service': ['verification-service'],
  'session-service': ['identity-service'],
  'verification-service': ['identity-service', 'session-service'],
  'report-service': ['identity-service'],
  'integration-service': [],
};

/**
 * Commands between services that the edge never sends: deciding a check-in and recording the mark
 * (a compromised gateway still cannot mark a student present without verification-service), and
 * the passkey counts identity-service joins into the admin's list of people.
 */
const InternalOnly: readonly string[] = [Rpc.sessionCheckinContext, Rpc.sessionRecordMark, Rpc.sessionFenceDistance, Rpc.passkeyCounts];

/** Who publishes each family of events, by subject prefix (the first that matches). */
const EventOwners: readonly [prefix: string, owner: NatsService][] = [
  ['attendance.session.', 'session-service'],
  ['attendance.mark.', 'session-service'],
  ['attendance.checkin.', 'verification-service'],
  ['attendance.report.', 'report-service'],
  ['attendance.warning.', 'report-service'],
  ['directory.device.', 'verification-service'],
  ['directory.', 'identity-service'],
];

/**
 * Core subscriptions to events (not durable consumers): the gateway's live pushes and its followers
 * use them, and each verification-service instance forgets a session's cached flag key when it
 * closes or reopens.
 */
const EventSubscriptions: Partial<Record<NatsService, readonly string[]>> = {
  gateway: ['attendance.>', 'directory.device.>'],
  'verification-service': [EventSubjects.sessionClosed, EventSubjects.sessionReopened],
};

/**
 * Core subjects outside the maps: report-service asks every gateway who is connected (the class-start
 * push), integration-service's instances tell each other that the webhook endpoints changed, and
 * verification-service's that passkeys changed (each forgets what it remembered of them).
 */
const CorePublish: Partial<Record<NatsService, readonly string[]>> = {
  'report-service': [ConnectedUsersSubject],
  'integration-service': ['cc.integration.webhooks-changed'],
  'verification-service': ['cc.verification.credentials-changed'],
};
const CoreSubscribe: Partial<Record<NatsService, readonly string[]>> = {
  gateway: [ConnectedUsersSubject],
  'integration-service': ['cc.integration.webhooks-changed'],
  'verification-service': ['cc.verification.credentials-changed'],
};

/** The inbox prefix of a service's connection: its replies arrive under it, and nobody else may read there. */
export function inboxPrefixOf(service: string): string {
  return `_INBOX.${service}`;
}

export interface NatsPermissions {
  publish: { allow: string[]; deny: string[] };
  subscribe: { allow: string[] };
  /** May answer the requests it received (its reply subjects), and only those. */
  allow_responses: boolean;
}

function ownerOf(subject: string): NatsService {
  const rule = EventOwners.find(([prefix]) => subject.startsWith(prefix));
  if (!rule) throw new Error(`no service is said to publish ${subject}: add it to EventOwners in libs/messaging/src/nats-permissions.ts`);
  return rule[1];
}

export function natsPermissions(service: NatsService): NatsPermissions {
  const commands = Object.values(Rpc) as string[];
  const serves = commands.filter((s) => serverOf(s) === service);
  const calls = commands.filter((s) => Calls[service].includes(serverOf(s)) && !(service === 'gateway' && InternalOnly.includes(s)));
  const events = (Object.values(EventSubjects) as string[]).filter((s) => ownerOf(s) === service);
  const consumes = service !== 'gateway';
  return {
    publish: {
      allow: [
        ...calls,
        ...events,
        ...(service === 'gateway' ? [IntakeSubject, 'ops.deadletter.replay.>'] : []),
        ...(CorePublish[service] ?? []),
        // A consumer sets a failing message aside, and says when one was replayed.
        ...(consumes ? [DeadLetterSubjects.recorded, DeadLetterSubjects.replayed] : []),
        // JetStream: the API (streams, consumers, pulls) and acks, each answered on the inbox.
        '$JS.API.>',
        ...(consumes ? ['$JS.ACK.>'] : []),
      ],
      // No process of ours deletes or purges a whole stream.
      deny: ['$JS.API.STREAM.DELETE.>', '$JS.API.STREAM.PURGE.>'],
    },
    subscribe: {
      allow: [...serves, ...(consumes ? ['ops.deadletter.replay.>'] : []), ...(EventSubscriptions[service] ?? []), ...(CoreSubscribe[service] ?? []), `${inboxPrefixOf(service)}.>`],
    },
    allow_responses: true,
  };
}

/**
 * The `authorization` block of a nats-server configuration: one user per service, with its
 * password (from a Secret in production) and its permissions. Passwords are written as given.
 */
export function natsAuthorizationConfig(passwords: Record<NatsService, string>): string {
  const q = (s: string) => JSON.stringify(s);
  const list = (items: string[]) => `[${items.map(q).join(', ')}]`;
  const users = NatsServices.map((service) => {
    const p = natsPermissions(service);
    return [
      `    {`,
      `      user: ${q(service)}`,
      `      password: ${q(passwords[service])}`,
      `      permissions: {`,
      `        publish: { allow: ${list(p.publish.allow)}, deny: ${list(p.publish.deny)} }`,
      `        subscribe: { allow: ${list(p.subscribe.allow)} }`,
      `        allow_responses: ${p.allow_responses}`,
      `      }`,
      `    }`,
    ].join('\n');
  });
  return `authorization {\n  users: [\n${users.join('\n')}\n  ]\n}\n`;
}
