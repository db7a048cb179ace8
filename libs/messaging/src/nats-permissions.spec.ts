import { describe, expect, it } from '@jest/globals';
import { EventSubjects, IntakeSubject, Rpc } from '@classconnect/contracts';
import { NatsServices, natsAuthorizationConfig, natsPermissions } from './nats-permissions.js';

describe('per-service NATS permissions', () => {
  const all = Object.fromEntries(NatsServices.map((s) => [s, natsPermissions(s)]));

  it('every command is served by exactly one service, and every event published by exactly one', () => {
    for (const subject of Object.values(Rpc)) expect(NatsServices.filter((s) => all[s]!.subscribe.allow.includes(subject))).toHaveLength(1);
    for (const subject of Object.values(EventSubjects)) expect(NatsServices.filter((s) => all[s]!.publish.allow.includes(subject))).toHaveLength(1);
  });

  it('keeps each service to its own: verdicts from verification, marks from session, check-ins queued by the gateway', () => {
    expect(all['verification-service']!.publish.allow).toContain(EventSubjects.checkinVerified);
    expect(all['report-service']!.publish.allow).not.toContain(EventSubjects.checkinVerified);
    expect(all['session-service']!.publish.allow).toContain(EventSubjects.markRecorded);
    expect(all.gateway!.publish.allow).toContain(IntakeSubject);
    expect(all['verification-service']!.publish.allow).not.toContain(IntakeSubject);
    // The edge cannot record a mark itself; verification-service can.
    expect(all.gateway!.publish.allow).not.toContain(Rpc.sessionRecordMark);
    expect(all['verification-service']!.publish.allow).toContain(Rpc.sessionRecordMark);
    // Each verification instance hears closes and reopenings itself (its cached flag keys); no other service's events.
    expect(all['verification-service']!.subscribe.allow).toEqual(expect.arrayContaining([EventSubjects.sessionClosed, EventSubjects.sessionReopened]));
    expect(all['verification-service']!.subscribe.allow).not.toContain('attendance.>');
    expect(all['report-service']!.publish.allow).not.toContain(Rpc.sessionStart);
    // Replies: each reads only its own inbox.
    expect(all.gateway!.subscribe.allow).toContain('_INBOX.gateway.>');
    expect(all.gateway!.subscribe.allow.some((s) => s.startsWith('_INBOX.') && s !== '_INBOX.gateway.>')).toBe(false);
    for (const s of NatsServices) expect(all[s]!.publish.deny).toEqual(expect.arrayContaining(['$JS.API.STREAM.DELETE.>', '$JS.API.STREAM.PURGE.>']));
  });

  it('writes one user per service with its password', () => {
    const config = natsAuthorizationConfig(Object.fromEntries(NatsServices.map((s) => [s, `pw-${s}`])) as never);
    for (const s of NatsServices) expect(config).toContain(`user: "${s}"\n      password: "pw-${s}"`);
  });
});
