/**
 * Clients that behave as docs/protocol.md asks a phone to behave when the system misbehaves: a
 * socket that reconnects by itself (and after a refused handshake), requests that are retried with
 * capped back-off on SERVICE_UNAVAILABLE, on no ack and on a dropped connection, and a check-in
 * whose submit is re-sent with the same idempotency key until a verdict is known.
 *
 * Everything a client saw is recorded with its time, so the chaos runner can count from outside
 * what was submitted, what was told accepted and what was never answered.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import {
  ClientEvents,
  ErrorCode,
  ServerEvents,
  type CheckinResult,
  type ClientAckData,
  type ClientEvent,
  type Position,
  type Result,
} from '@classconnect/contracts';
import { SoftAuthenticator } from '../soft-authenticator.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long a request waits for its ack: the gateway gives up on a service after 5 s (RPC_TIMEOUT_MS). */
export const AckTimeoutMs = 10_000;
/** Back-off between retries: 250 ms doubling, capped at 2 s, with jitter (the server's own retries are capped at 2 s too). */
export const RetryCapMs = 2_000;
/** A pending submission whose verdict has not come within this long is re-sent (same key), as after a reconnect. */
export const VerdictWaitMs = 8_000;

export function backoff(attempt: number): number {
  const ms = Math.min(RetryCapMs, 250 * 2 ** Math.min(attempt, 10));
  return ms * (0.5 + Math.random() * 0.5);
}

/** A rejection after which the protocol says to start again with a fresh challenge and a new key (§9). */
const StartAgain = new Set<string>(['CHALLENGE_NOT_FOUND', 'CHALLENGE_MISMATCH', 'CHALLENGE_ALREADY_USED', 'ASSERTION_INVALID', 'COUNTER_REPLAY']);
/** Answers that mean "try again later" rather than a decision. */
const Transient = new Set<string>([ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.RATE_LIMITED, ErrorCode.INTERNAL]);

/** A socket that stays connected as long as the client wants it: socket.io's reconnection, plus a manual one after a refused handshake. */
export class ResilientSocket {
  readonly socket: Socket;
  /** Error codes seen in acks and refused handshakes, with how often. */
  readonly errors = new Map<string, number>();
  disconnects = 0;
  private closed = false;
  private refusedAttempts = 0;

  constructor(gatewayUrl: string, auth: Record<string, string>) {
    this.socket = io(gatewayUrl, {
      path: '/socket.io',
      transports: ['websocket'],
      auth,
      forceNew: true,
      reconnection: true,
      reconnectionDelay: 250,
      reconnectionDelayMax: RetryCapMs,
      randomizationFactor: 0.5,
      timeout: AckTimeoutMs,
    });
    this.socket.on('connect', () => (this.refusedAttempts = 0));
    this.socket.on('disconnect', () => this.disconnects++);
    this.socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      if (err.data?.code) this.count(`handshake:${err.data.code}`);
      // socket.io-client does not retry a handshake the server refused (e.g. SERVICE_UNAVAILABLE while identity-service restarts).
      if (!this.socket.active && !this.closed) {
        const code = err.data?.code;
        if (code === ErrorCode.SIGN_IN_REVOKED || code === ErrorCode.UNAUTHENTICATED) return;
        setTimeout(() => !this.closed && this.socket.connect(), backoff(this.refusedAttempts++)).unref();
      }
    });
  }

  count(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /** Resolves once connected (at once if it is), or false at the deadline. */
  async connected(deadline: number): Promise<boolean> {
    if (this.socket.connected) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), Math.max(0, deadline - Date.now()));
      const onConnect = () => done(true);
      const done = (v: boolean) => {
        clearTimeout(timer);
        this.socket.off('connect', onConnect);
        resolve(v);
      };
      this.socket.on('connect', onConnect);
    });
  }

  /**
   * One request: sent only while connected (never buffered for a later connection), answered by
   * its ack, or `undefined` when no ack came (timeout, or the connection dropped first).
   */
  async once<E extends ClientEvent>(event: E, payload: unknown): Promise<Result<ClientAckData[E]> | undefined> {
    if (!this.socket.connected) return undefined;
    const socket = this.socket;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (v: Result<ClientAckData[E]> | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('disconnect', onDrop);
        resolve(v);
      };
      const onDrop = () => finish(undefined);
      const timer = setTimeout(() => finish(undefined), AckTimeoutMs);
      socket.on('disconnect', onDrop);
      socket.emit(event, payload, (ack: Result<ClientAckData[E]>) => finish(ack));
    });
  }

  /**
   * A request retried until it gets an answer that is not "try again": no ack, SERVICE_UNAVAILABLE,
   * INTERNAL (the protocol says "retry later") and RATE_LIMITED (after the wait it names) are
   * retried with back-off. Returns the last answer, or undefined if none came before the deadline.
   */
  async request<E extends ClientEvent>(event: E, payload: unknown, deadline: number): Promise<Result<ClientAckData[E]> | undefined> {
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      if (!(await this.connected(deadline))) return undefined;
      const ack = await this.once(event, payload);
      if (ack?.ok) return ack;
      if (ack) this.count(ack.error.code);
      else this.count('no-ack');
      if (ack && !Transient.has(ack.error.code)) return ack;
      let wait = backoff(attempt);
      if (ack?.error.code === ErrorCode.RATE_LIMITED) wait = Number(/wait (\d+) second/.exec(ack.error.message)?.[1] ?? 1) * 1_000 + 100;
      await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
    }
    return undefined;
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }
}

export interface Verdict {
  submissionId: string;
  verdict: 'accepted' | 'rejected';
  reason?: string;
  /** Date.now() when the client learnt it. */
  at: number;
  /** When the server decided it (the result's `at`; server and clients share the machine's clock). */
  decidedAt?: number;
  via: 'push' | 'ack' | 'begin';
}

/** What became of one student's check-in, as the student's phone knows it. */
export interface CheckinOutcome {
  /** Got a submit ack (pending or decided) for at least one attempt. */
  submitted: boolean;
  /** The final answer: accepted (a verdict, a decided ack, or ALREADY_CHECKED_IN), rejected with a reason, or none. */
  final: 'accepted' | 'rejected' | 'unanswered';
  reason?: string;
  /** Every attempt's submission id (a new one only after a "start again" rejection). */
  submissionIds: string[];
  verdicts: Verdict[];
  startedAt: number;
  endedAt: number;
}

/** A student with a phone that does the right thing under faults. */
export class RetryingStudent {
  readonly conn: ResilientSocket;
  readonly authenticator = new SoftAuthenticator();
  /** Every checkin:result push, with when it came. */
  readonly pushes: (CheckinResult & { receivedAt: number })[] = [];
  private readonly listeners = new Set<(r: CheckinResult) => void>();

  constructor(
    gatewayUrl: string,
    readonly origin: string,
    token: string,
    readonly studentId: string,
  ) {
    this.conn = new ResilientSocket(gatewayUrl, { token, deviceId: `chaos-device-${randomUUID()}` });
    this.conn.socket.on(ServerEvents.checkinResult, (r: CheckinResult) => {
      this.pushes.push({ ...r, receivedAt: Date.now() });
      for (const l of this.listeners) l(r);
    });
  }

  async registerPasskey(deadline: number): Promise<void> {
    const options = await this.conn.request(ClientEvents.passkeyOptions, {}, deadline);
    if (!options?.ok) throw new Error(`passkey:options failed: ${options ? options.error.code : 'no answer'}`);
    const response = await this.authenticator.createCredential(options.data, { origin: this.origin });
    const registered = await this.conn.request(ClientEvents.passkeyRegister, { response, deviceName: 'Chaos phone' }, deadline);
    if (!registered?.ok) throw new Error(`passkey:register failed: ${registered ? registered.error.code : 'no answer'}`);
  }

  /** The push for `submissionId` if it came (or comes within `ms`, or before the connection drops). */
  private verdictPush(submissionId: string, ms: number): Promise<CheckinResult | undefined> {
    const seen = this.pushes.find((p) => p.submissionId === submissionId);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const done = (r: CheckinResult | undefined) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        this.conn.socket.off('disconnect', onDrop);
        resolve(r);
      };
      const listener = (r: CheckinResult) => r.submissionId === submissionId && done(r);
      const onDrop = () => done(undefined);
      const timer = setTimeout(() => done(undefined), ms);
      this.listeners.add(listener);
      this.conn.socket.on('disconnect', onDrop);
    });
  }

  /**
   * One student's check-in, start to verdict, until `deadline`: begin (retried), sign, submit and
   * re-submit the same payload (same key) until a verdict is known; a "start again" rejection starts
   * a new attempt with a new key (at most a few).
   */
  async checkIn(sessionId: string, position: Position, deadline: number): Promise<CheckinOutcome> {
    const out: CheckinOutcome = { submitted: false, final: 'unanswered', submissionIds: [], verdicts: [], startedAt: Date.now(), endedAt: 0 };
    const finish = (final: CheckinOutcome['final'], reason?: string) => {
      out.final = final;
      if (reason) out.reason = reason;
      out.endedAt = Date.now();
      return out;
    };
    for (let attempt = 0; attempt < 4 && Date.now() < deadline; attempt++) {
      const begin = await this.conn.request(ClientEvents.checkinBegin, { sessionId }, deadline);
      if (!begin) return finish('unanswered', 'checkin:begin never answered');
      if (!begin.ok) {
        if (begin.error.code === ErrorCode.ALREADY_CHECKED_IN) {
          out.verdicts.push({ submissionId: out.submissionIds.at(-1) ?? '', verdict: 'accepted', reason: 'ALREADY_CHECKED_IN', at: Date.now(), via: 'begin' });
          return finish('accepted', 'ALREADY_CHECKED_IN');
        }
        // Refused before any submission: the session is closed or unknown, a transient error till the deadline…
        return finish(Transient.has(begin.error.code) ? 'unanswered' : 'rejected', `checkin:begin ${begin.error.code}`);
      }
      const assertion = await this.authenticator.getAssertion(begin.data.options, { origin: this.origin });
      const payload = { sessionId, assertion, position, idempotencyKey: randomUUID() };
      let verdict: Verdict | undefined;
      for (let resend = 0; !verdict && Date.now() < deadline; resend++) {
        const ack = await this.conn.request(ClientEvents.checkinSubmit, payload, deadline);
        if (!ack) break;
        if (!ack.ok) return finish('rejected', `checkin:submit ${ack.error.code}`);
        out.submitted = true;
        const { submissionId } = ack.data;
        if (!out.submissionIds.includes(submissionId)) out.submissionIds.push(submissionId);
        if (ack.data.status === 'decided' && ack.data.result) {
          const r = ack.data.result;
          verdict = { submissionId, verdict: r.verdict, ...(r.reason ? { reason: r.reason } : {}), at: Date.now(), decidedAt: Date.parse(r.at), via: 'ack' };
          break;
        }
        const push = await this.verdictPush(submissionId, Math.min(VerdictWaitMs, Math.max(0, deadline - Date.now())));
        if (push) verdict = { submissionId, verdict: push.verdict, ...(push.reason ? { reason: push.reason } : {}), at: Date.now(), decidedAt: Date.parse(push.at), via: 'push' };
        // No verdict yet (slow, or the push was lost with a dropped connection): re-send the same submit.
      }
      if (!verdict) return finish('unanswered', out.submitted ? 'no verdict' : 'checkin:submit never acked');
      out.verdicts.push(verdict);
      if (verdict.verdict === 'accepted') return finish('accepted');
      if (verdict.reason === ErrorCode.ALREADY_CHECKED_IN) return finish('accepted', 'ALREADY_CHECKED_IN');
      if (!verdict.reason || !StartAgain.has(verdict.reason)) return finish('rejected', verdict.reason);
      // A "start again" rejection: a fresh challenge and a new key.
    }
    return finish(out.verdicts.length ? 'rejected' : 'unanswered', out.verdicts.at(-1)?.reason ?? 'gave up');
  }

  close(): void {
    this.conn.close();
  }
}
