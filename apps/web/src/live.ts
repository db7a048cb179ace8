/**
 * The live channel: one Socket.IO connection per signed-in tab, with typed requests (acks with a
 * time-out) and pushes. socket.io-client reconnects by itself after a drop; a refused handshake
 * (busy identity-service) is retried here with back-off, an expired sign-in signs out.
 */
import { io, type Socket } from 'socket.io-client';
import { deviceId } from './device-id.js';
import type { ClientAckData, ClientEvent, ClientPayload, ErrorBody, Result, ServerEvent, ServerPayloads } from '@classconnect/contracts';

export type ConnectionState = 'connecting' | 'online' | 'offline';

/**
 * Watching the connection. The gateway pings every socket every 750 ms (Engine.IO's own ping,
 * answered by socket.io-client by itself; docs/protocol.md §1.2), so while the socket is connected
 * the server is heard at least that often. While the page is visible, a local check ten times a
 * second (no network) turns the header to "Offline" once nothing — no packet, no ping — has come
 * for SilentAfterMs, so a drop shows within 2 s and a ping up to 850 ms late is forgiven; a network that goes quiet (a hall's Wi-Fi that stays associated, a phone
 * between cells) fires no `offline` event, and this is how it is seen.
 *
 * Silence only changes the header: the transport is dropped (so socket.io reconnects) once nothing
 * at all has come for DropAfterMs. A gateway slowed down by a whole lecture hall at nine o'clock
 * pings late without being gone, and dropping every phone's socket then would lose the requests in
 * flight and send them all back at once; when the pings come again the header says "Connected".
 *
 * Only while the socket is not connected does the page ask `/health/live` (every 750 ms, while
 * visible): an answer shows the way to the server works again, and a reconnect stuck in an attempt
 * started while the network was gone is started afresh. (The page used to ask it all the time: at
 * about half a millisecond of the gateway's CPU each, a lecture hall of open pages cost the gateway
 * more than the hall's check-ins.)
 */
const WatchEveryMs = 100;
const SilentAfterMs = 1_600;
const DropAfterMs = 5_000;
const ProbeEveryMs = 750;
const ProbeLimitMs = 1_000;
const ProbePath = '/health/live';

export class Live {
  readonly socket: Socket;
  state: ConnectionState = 'connecting';
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly connectListeners = new Set<() => void>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;
  private beatTimer: ReturnType<typeof setTimeout> | undefined;
  private beating = false;
  private closed = false;
  /** When the socket last heard the server (a packet or one of its pings). */
  private heardAt = 0;
  /** When the page was last shown: silence is counted from then at the earliest. */
  private shownAt = Date.now();
  private kickedAt = 0;

  /**
   * `token` is asked on every (re)connect, so a refreshed access token is used. `onUnauthenticated`
   * gets the reason when the server ended this sign-in (auth:revoked, or a refused handshake).
   */
  constructor(token: string | (() => Promise<string>), onUnauthenticated: (reason?: string) => void) {
    const auth =
      typeof token === 'string'
        ? { token, deviceId: deviceId() }
        : (cb: (data: object) => void) => void token().then((t) => cb({ token: t, deviceId: deviceId() }), () => cb({ deviceId: deviceId() }));
    // Reconnect attempts at most 1.5 s apart: the header turns back to "Connected" soon after the network does.
    this.socket = io(location.origin, { path: '/socket.io', transports: ['websocket'], auth, reconnectionDelay: 500, reconnectionDelayMax: 1_500 });
    // The browser knows at once when the network goes (a socket would only notice at its next ping, up
    // to 40 s later): say so now, and drop the dead transport so the socket reconnects when it is back.
    if (typeof window !== 'undefined') {
      window.addEventListener('offline', this.onBrowserOffline);
      window.addEventListener('online', this.onBrowserOnline);
      document.addEventListener('visibilitychange', this.onVisibility);
      this.socket.io.on('packet', this.heard);
      this.socket.io.on('ping', this.heard);
      this.scheduleBeat(WatchEveryMs);
    }
    // Sign-in security: the server ends a revoked sign-in's socket right after saying why.
    this.socket.on('auth:revoked', (p: { reason?: string }) => onUnauthenticated(p?.reason ?? 'ended'));
    this.socket.on('connect', () => {
      this.retries = 0;
      this.setState('online');
      for (const listener of this.connectListeners) listener();
    });
    // A gateway shutting down (a rolling update) says so a second before it closes the connection:
    // reconnect now, through the same address, and another gateway takes it (docs/protocol.md §1.4).
    this.socket.on('server:reconnect', () => this.socket.disconnect().connect());
    this.socket.on('disconnect', () => this.setState('offline'));
    this.socket.io.on('reconnect_attempt', () => this.setState('offline'));
    this.socket.on('connect_error', (err: Error & { data?: ErrorBody }) => {
      if (err.data?.code === 'UNAUTHENTICATED') return onUnauthenticated();
      if (err.data?.code === 'SIGN_IN_REVOKED') return onUnauthenticated('ended');
      this.setState('offline');
      // A refused handshake is not retried by socket.io-client itself; a transport error is.
      if (!this.socket.active) {
        clearTimeout(this.retryTimer);
        const delay = Math.min(30_000, 500 * 2 ** this.retries++) * (0.75 + Math.random() / 2);
        this.retryTimer = setTimeout(() => this.socket.connect(), delay);
      }
    });
  }

  private readonly onBrowserOffline = () => {
    this.setState('offline');
    this.socket.io.engine?.close();
  };

  /** The network is back: connect now rather than at the next back-off step. */
  private readonly onBrowserOnline = () => {
    if (this.socket.connected) return;
    this.socket.disconnect();
    this.socket.connect();
  };

  private readonly heard = () => {
    this.heardAt = Date.now();
  };

  /**
   * Back in view (a phone unlocked, a tab brought forward): look at once, the socket may have died
   * meanwhile. A page the phone suspended heard nothing while asleep, so the silence counts from now.
   */
  private readonly onVisibility = () => {
    if (document.visibilityState !== 'visible') return;
    this.shownAt = Date.now();
    this.scheduleBeat(0);
  };

  private scheduleBeat(delayMs: number) {
    clearTimeout(this.beatTimer);
    if (!this.closed) this.beatTimer = setTimeout(() => void this.beat(), delayMs);
  }

  /** One look at the connection; a hidden page stops looking until it is shown again. */
  private async beat() {
    if (this.beating || document.visibilityState !== 'visible') return;
    if (this.socket.connected) {
      const silentMs = Date.now() - Math.max(this.heardAt, this.shownAt);
      if (silentMs > SilentAfterMs) {
        // The way to the server may be gone: say so now; drop the transport, so socket.io
        // reconnects, only when the server has been silent for long enough not to be merely slow.
        this.setState('offline');
        if (silentMs > DropAfterMs) this.socket.io.engine?.close();
      } else if (this.state === 'offline') {
        // It was slow, not gone: the same connection carries on.
        this.setState('online');
      }
      this.scheduleBeat(WatchEveryMs);
      return;
    }
    this.beating = true;
    const started = Date.now();
    const answered = await fetch(ProbePath, { cache: 'no-store', signal: AbortSignal.timeout(ProbeLimitMs) }).then(
      () => true,
      () => false,
    );
    this.beating = false;
    if (this.closed) return;
    if (answered && !this.socket.connected && this.socket.active && Date.now() - this.kickedAt > 3_000) {
      // The server answers again but the socket is still between attempts (or stuck in one that
      // started while the network was gone): connect now instead of at the next back-off step.
      this.kickedAt = Date.now();
      this.socket.disconnect().connect();
    }
    this.scheduleBeat(this.socket.connected ? WatchEveryMs : Math.max(0, started + ProbeEveryMs - Date.now()));
  }

  private setState(state: ConnectionState) {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Runs after every (re)connect, and at once when already connected: pushes are not replayed, so re-read state here. */
  onConnect(listener: () => void): () => void {
    this.connectListeners.add(listener);
    if (this.socket.connected) listener();
    return () => this.connectListeners.delete(listener);
  }

  on<E extends ServerEvent>(event: E, listener: (payload: ServerPayloads[E]) => void): () => void {
    const handler = listener as (...args: any[]) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
    this.socket.on(event as string, handler);
    return () => this.socket.off(event as string, handler);
  }

  /** Sends a client event; a time-out or a dropped connection comes back as SERVICE_UNAVAILABLE. */
  async request<E extends ClientEvent>(event: E, payload: ClientPayload<E>, timeoutMs = 10_000): Promise<Result<ClientAckData[E]>> {
    try {
      return (await this.socket.timeout(timeoutMs).emitWithAck(event, payload)) as Result<ClientAckData[E]>;
    } catch {
      return { ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: 'No answer from the server.' } };
    }
  }

  /** Resolves once the socket is connected and the server answers (at once if both hold). */
  whenOnline(): Promise<void> {
    if (this.socket.connected && this.state === 'online') return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.onState((state) => {
        if (state !== 'online') return;
        off();
        resolve();
      });
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.beatTimer);
    if (typeof window !== 'undefined') {
      window.removeEventListener('offline', this.onBrowserOffline);
      window.removeEventListener('online', this.onBrowserOnline);
      document.removeEventListener('visibilitychange', this.onVisibility);
    }
    this.socket.disconnect();
  }
}
