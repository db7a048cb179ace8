/**
 * The Socket.IO protocol between clients (web, mobile) and the gateway. See docs/protocol.md.
 * Every client event is answered with an ack: { ok: true, data } or { ok: false, error: { code, message } }.
 * Event names are never renamed: a changed payload gets a new event name beside the old one.
 *
 * Each context declares its events in its own socket.ts, each once: a client event with the schema
 * its payload is validated with and its ack's data, a server push with its payload. They are joined here.
 */
import type { z } from 'zod';
import { AuditClientEvents } from './audit/socket.js';
import { CheckinClientEvents, CheckinServerEvents } from './checkin/socket.js';
import { DeviceClientEvents, DeviceServerEvents } from './devices/socket.js';
import { DirectoryClientEvents } from './directory/socket.js';
import { FlagClientEvents, FlagServerEvents } from './flags/socket.js';
import { OperationsClientEvents, OperationsServerEvents } from './operations/socket.js';
import { PasskeyClientEvents } from './passkeys/socket.js';
import { ReportClientEvents, ReportServerEvents } from './reports/socket.js';
import { SessionClientEvents, SessionServerEvents } from './sessions/socket.js';
import { SignInServerEvents } from './sign-in/socket.js';
import { WebhookClientEvents } from './webhooks/socket.js';
import { WarningClientEvents, WarningServerEvents } from './warnings/socket.js';
import { PushClientEvents } from './push/socket.js';
import { PrivacyClientEvents } from './privacy/socket.js';
import { join, schemasByWire, wireNames, type TypesByWire } from './slice-maps.js';

const FromClients = join([
  SessionClientEvents,
  PasskeyClientEvents,
  CheckinClientEvents,
  ReportClientEvents,
  DeviceClientEvents,
  FlagClientEvents,
  DirectoryClientEvents,
  AuditClientEvents,
  OperationsClientEvents,
  WebhookClientEvents,
  WarningClientEvents,
  PushClientEvents,
  PrivacyClientEvents,
]);
const ToClients = join([
  SessionServerEvents,
  CheckinServerEvents,
  ReportServerEvents,
  DeviceServerEvents,
  FlagServerEvents,
  SignInServerEvents,
  OperationsServerEvents,
  WarningServerEvents,
]);

export const ClientEvents = wireNames(FromClients);
export type ClientEvent = (typeof ClientEvents)[keyof typeof ClientEvents];

export const ClientPayloads = schemasByWire(FromClients);
export type ClientPayload<E extends ClientEvent> = z.input<(typeof ClientPayloads)[E]>;

export type ClientAckData = TypesByWire<typeof FromClients>;

export const ServerEvents = wireNames(ToClients);
export type ServerEvent = (typeof ServerEvents)[keyof typeof ServerEvents];

export type ServerPayloads = TypesByWire<typeof ToClients>;
