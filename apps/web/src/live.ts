/**
 * The live channel: one Socket.IO connection per signed-in tab, with typed requests (acks with a
 * time-out) and pushes. socket.io-client reconnects by itself after a drop; a refused handshake
 * (busy identity-service) is retried here with back-off, an expired sign-in signs out.
 */
import { io, type Socket } from 'socket.io-client';
import { deviceId } from './device-id.js';
import type { ClientAckData, ClientEvent, ClientPayload, ErrorBody, Result, ServerEvent, ServerPayloads } from '@classconnect/contracts';

export type ConnectionState = 'connecting' | 'online' | 'offline';

export class Live {
  readonly socket: Socket;
  state: ConnectionState = 'connecting';
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly connectListeners = new Set<() => void>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;

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

  /** Resolves once the socket is connected (at once if it is). */
  whenOnline(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  close(): void {
    clearTimeout(this.retryTimer);
    if (typeof window !== 'undefined') {
      window.removeEventListener('offline', this.onBrowserOffline);
      window.removeEventListener('online', this.onBrowserOnline);
    }
    this.socket.disconnect();
  }
}
