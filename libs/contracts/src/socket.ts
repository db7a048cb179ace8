/**
 * The Socket.IO protocol between clients (web, mobile) and the gateway. See docs/protocol.md.
 * Every client event is answered with an ack: { ok: true, data } or { ok: false, error: { code, message } }.
 * Event names are never renamed: a changed payload gets a new event name beside the old one.
 *
 * Each context declares its events in its own socket.ts: their names, the schema each client
 * payload is validated with, each ack's data and each server push's payload. They are joined here.
 */
import type { z } from 'zod';
import { AuditClientEvents, AuditClientPayloads, type AuditClientAcks } from './audit/socket.js';
import { CheckinClientEvents, CheckinClientPayloads, CheckinServerEvents, type CheckinClientAcks, type CheckinServerPayloads } from './checkin/socket.js';
import { DeviceClientEvents, DeviceClientPayloads, DeviceServerEvents, type DeviceClientAcks, type DeviceServerPayloads } from './devices/socket.js';
import { DirectoryClientEvents, DirectoryClientPayloads, type DirectoryClientAcks } from './directory/socket.js';
import { FlagClientEvents, FlagClientPayloads, FlagServerEvents, type FlagClientAcks, type FlagServerPayloads } from './flags/socket.js';
import { OperationsClientEvents, OperationsClientPayloads, type OperationsClientAcks } from './operations/socket.js';
import { PasskeyClientEvents, PasskeyClientPayloads, type PasskeyClientAcks } from './passkeys/socket.js';
import { ReportClientEvents, ReportClientPayloads, ReportServerEvents, type ReportClientAcks, type ReportServerPayloads } from './reports/socket.js';
import { SessionClientEvents, SessionClientPayloads, SessionServerEvents, type SessionClientAcks, type SessionServerPayloads } from './sessions/socket.js';
import { SignInServerEvents, type SignInServerPayloads } from './sign-in/socket.js';
import type { Check, NoSharedKeys, SameKeys } from './slice-maps.js';

export const ClientEvents = {
  ...SessionClientEvents,
  ...PasskeyClientEvents,
  ...CheckinClientEvents,
  ...ReportClientEvents,
  ...DeviceClientEvents,
  ...FlagClientEvents,
  ...DirectoryClientEvents,
  ...AuditClientEvents,
  ...OperationsClientEvents,
} as const;
export type ClientEvent = (typeof ClientEvents)[keyof typeof ClientEvents];

export const ClientPayloads = {
  ...SessionClientPayloads,
  ...PasskeyClientPayloads,
  ...CheckinClientPayloads,
  ...ReportClientPayloads,
  ...DeviceClientPayloads,
  ...FlagClientPayloads,
  ...DirectoryClientPayloads,
  ...AuditClientPayloads,
  ...OperationsClientPayloads,
} as const satisfies Record<ClientEvent, z.ZodType>;

export type ClientPayload<E extends ClientEvent> = z.input<(typeof ClientPayloads)[E]>;

export interface ClientAckData
  extends SessionClientAcks,
    PasskeyClientAcks,
    CheckinClientAcks,
    ReportClientAcks,
    DeviceClientAcks,
    FlagClientAcks,
    DirectoryClientAcks,
    AuditClientAcks,
    OperationsClientAcks {}

export const ServerEvents = {
  ...SessionServerEvents,
  ...CheckinServerEvents,
  ...ReportServerEvents,
  ...DeviceServerEvents,
  ...FlagServerEvents,
  ...SignInServerEvents,
} as const;
export type ServerEvent = (typeof ServerEvents)[keyof typeof ServerEvents];

export interface ServerPayloads extends SessionServerPayloads, CheckinServerPayloads, ReportServerPayloads, DeviceServerPayloads, FlagServerPayloads, SignInServerPayloads {}

// A name or an event two contexts both declared would be joined silently, and every event needs its
// payload (and every client event its ack): the compiler refuses any of these here.
type ClientNamesOnce = Check<
  NoSharedKeys<
    [
      typeof SessionClientEvents,
      typeof PasskeyClientEvents,
      typeof CheckinClientEvents,
      typeof ReportClientEvents,
      typeof DeviceClientEvents,
      typeof FlagClientEvents,
      typeof DirectoryClientEvents,
      typeof AuditClientEvents,
      typeof OperationsClientEvents,
    ]
  >
>;
type ClientEventsOnce = Check<
  NoSharedKeys<
    [
      typeof SessionClientPayloads,
      typeof PasskeyClientPayloads,
      typeof CheckinClientPayloads,
      typeof ReportClientPayloads,
      typeof DeviceClientPayloads,
      typeof FlagClientPayloads,
      typeof DirectoryClientPayloads,
      typeof AuditClientPayloads,
      typeof OperationsClientPayloads,
    ]
  >
>;
type ServerNamesOnce = Check<
  NoSharedKeys<[typeof SessionServerEvents, typeof CheckinServerEvents, typeof ReportServerEvents, typeof DeviceServerEvents, typeof FlagServerEvents, typeof SignInServerEvents]>
>;
type ServerEventsOnce = Check<
  NoSharedKeys<[SessionServerPayloads, CheckinServerPayloads, ReportServerPayloads, DeviceServerPayloads, FlagServerPayloads, SignInServerPayloads]>
>;
type EveryAck = Check<SameKeys<ClientAckData, typeof ClientPayloads>>;
type EveryPush = Check<SameKeys<ServerPayloads, Record<ServerEvent, unknown>>>;
