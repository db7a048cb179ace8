/**
 * socket.io-client helpers that speak the protocol of docs/protocol.md, as a mobile or web client would.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import {
  ClientEvents,
  ServerEvents,
  type CheckinResult,
  type ClientAckData,
  type ClientEvent,
  type ClientPayload,
  type Position,
  type Result,
  type ServerEvent,
  type ServerPayloads,
} from '@classconnect/contracts';
import { SoftAuthenticator } from './soft-authenticator.js';

/** `extraAuth`: more handshake fields, e.g. the check-in flags' `deviceId`. */
export async function connectSocket(gatewayUrl: string, token: string | undefined, extraAuth: { deviceId?: string } = {}): Promise<Socket> {
  const socket = io(gatewayUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: token === undefined ? { ...extraAuth } : { token, ...extraAuth },
    reconnection: false,
    forceNew: true,
    timeout: 20_000,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return socket;
}

/** The error code a refused handshake carries, or undefined when the socket connects (it is closed again). */
export async function handshakeError(gatewayUrl: string, token: string): Promise<string | undefined> {
  try {
    (await connectSocket(gatewayUrl, token)).close();
    return undefined;
  } catch (err) {
    return (err as { data?: { code?: string } }).data?.code;
  }
}

/** Emits a client event and resolves with its ack. */
export function request<E extends ClientEvent>(socket: Socket, event: E, payload?: ClientPayload<E> | unknown, timeoutMs = 20_000): Promise<Result<ClientAckData[E]>> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Result<ClientAckData[E]>>;
}

/**
 * Like request, but throws unless the ack is ok. Told RATE_LIMITED, it waits as asked and tries again
 * (a few times), as a well-behaved client does: specs that send many events from one socket stay in budget.
 */
export async function requestOk<E extends ClientEvent>(socket: Socket, event: E, payload?: ClientPayload<E> | unknown): Promise<ClientAckData[E]> {
  let result = await request(socket, event, payload);
  for (let i = 0; i < 5 && !result.ok && result.error.code === 'RATE_LIMITED'; i++) {
    const waitS = Number(/wait (\d+) second/.exec(result.error.message)?.[1] ?? 1);
    await new Promise((resolve) => setTimeout(resolve, waitS * 1_000 + 100));
    result = await request(socket, event, payload);
  }
  if (!result.ok) throw new Error(`${event} failed: ${result.error.code} ${result.error.message}`);
  return result.data;
}

/** Collects every push of one server event, to wait for or count later. */
export class EventLog<E extends ServerEvent> {
  readonly items: ServerPayloads[E][] = [];
  private waiters: { match: (p: ServerPayloads[E]) => boolean; resolve: (p: ServerPayloads[E]) => void }[] = [];

  constructor(
    socket: Socket,
    private readonly event: E,
  ) {
    socket.on(event as string, (payload: ServerPayloads[E]) => {
      this.items.push(payload);
      this.waiters = this.waiters.filter((w) => (w.match(payload) ? (w.resolve(payload), false) : true));
    });
  }

  waitFor(match: (p: ServerPayloads[E]) => boolean, timeoutMs = 30_000): Promise<ServerPayloads[E]> {
    const found = this.items.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a matching ${this.event} push (${this.items.length} seen)`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }
}

export interface CheckinExtra {
  /** The rotating QR code's token or short code. */
  qr?: string;
  /** When the code is given: with checkin:begin (judged there), or with the submission (the older way; the default). */
  qrAt?: 'begin' | 'submit';
}

/** A student with a phone: a socket, a passkey, a position. */
export class StudentClient {
  readonly results: EventLog<typeof ServerEvents.checkinResult>;
  readonly opened: EventLog<typeof ServerEvents.sessionOpened>;

  private constructor(
    readonly socket: Socket,
    readonly authenticator: SoftAuthenticator,
    readonly origin: string,
  ) {
    this.results = new EventLog(socket, ServerEvents.checkinResult);
    this.opened = new EventLog(socket, ServerEvents.sessionOpened);
  }

  /**
   * `opts.deviceId`: the device id sent in the handshake, as the web client keeps one in
   * localStorage. By default each student gets their own, as if on their own phone (every test
   * client shares one IP and user agent, which would otherwise look like one shared device).
   */
  static async connect(gatewayUrl: string, origin: string, token: string, opts: { userVerification?: boolean; deviceId?: string } = {}): Promise<StudentClient> {
    const socket = await connectSocket(gatewayUrl, token, { deviceId: opts.deviceId ?? `test-device-${randomUUID()}` });
    return new StudentClient(socket, new SoftAuthenticator(opts), origin);
  }

  async registerPasskey(deviceName = 'Test phone'): Promise<string> {
    const options = await requestOk(this.socket, ClientEvents.passkeyOptions, {});
    const response = await this.authenticator.createCredential(options, { origin: this.origin });
    const registered = await requestOk(this.socket, ClientEvents.passkeyRegister, { response, deviceName });
    return registered.credentialId;
  }

  /**
   * The whole check-in: challenge, signature, submit. Resolves with the submit ack (the verdict comes
   * as an event), or with checkin:begin's refusal. `extra.qr` goes with the submission (the older way)
   * unless `extra.qrAt` is 'begin', where it is judged at once.
   */
  async submitCheckin(sessionId: string, position: Position, idempotencyKey: string = randomUUID(), extra: CheckinExtra = {}) {
    const { qr, qrAt = 'submit' } = extra;
    const begin = await request(this.socket, ClientEvents.checkinBegin, { sessionId, ...(qr !== undefined && qrAt === 'begin' ? { qr } : {}) });
    if (!begin.ok) return begin;
    const assertion = await this.authenticator.getAssertion(begin.data.options, { origin: this.origin });
    return request(this.socket, ClientEvents.checkinSubmit, { sessionId, assertion, position, idempotencyKey, ...(qr !== undefined && qrAt === 'submit' ? { qr } : {}) });
  }

  /** `extra.qr`: the rotating QR code's token or short code (see submitCheckin). */
  async checkIn(sessionId: string, position: Position, extra: CheckinExtra = {}): Promise<CheckinResult> {
    const ack = await this.submitCheckin(sessionId, position, randomUUID(), extra);
    if (!ack.ok) throw new Error(`check-in refused before submission: ${ack.error.code} ${ack.error.message}`);
    const { submissionId } = ack.data as { submissionId: string };
    return this.results.waitFor((r) => r.submissionId === submissionId);
  }

  close(): void {
    this.socket.close();
  }
}

/** A point `metres` north of `origin` (good enough for tests near the fence). */
export function offsetNorth(origin: Position, metres: number, accuracy = 10): Position {
  return { latitude: origin.latitude + metres / 111_320, longitude: origin.longitude, accuracy };
}
