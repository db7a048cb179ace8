import { Inject, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect, type OnGatewayInit } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { ClientEvents, DomainError, ErrorCode, Rpc, type ClientEvent } from '@classconnect/contracts';
import { RpcClient, toErrorBody } from '@classconnect/messaging';
import { Metrics, createLogger, newCorrelationId } from '@classconnect/observability';
import { AuthService, actorOf } from '../auth/auth.service.js';
import { OriginPolicy } from '../auth/origin-policy.js';
import { CheckinService } from '../checkin/checkin.service.js';
import { QrCodeService } from '../checkin/qr-code.service.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { checkHandshakeDeviceId, deviceFingerprintOf } from '../flags/device-fingerprint.js';
import { ClientEventRouter } from './client-event-router.js';
import { EventFanout } from './event-fanout.service.js';
import { GatewayDrain } from './gateway-drain.service.js';
import { RateLimiter } from './rate-limiter.js';
import { SocketServer } from './socket-server.js';
import { Rooms } from './rooms.js';
import { userOf, type SocketUser } from './socket-handler.js';

const log = createLogger('AttendanceGateway');

/**
 * The Socket.IO edge. A connection needs a valid access token in the handshake (`auth.token`);
 * each client event is rate-limited, validated, answered with an ack, and relayed to the owning
 * service (relay-table.ts) or handled here when it does more than a relay. The gateway's only
 * @WebSocketGateway: the other contexts reach the server and new connections through SocketServer.
 */
// A ping every 750 ms lets a client see a quiet network within 2 s from the pings alone (the web
// client shows "Offline" then), at about 80 µs of CPU per socket per second: a tenth of the HTTP
// heartbeat the web client sent before. A pong may come up to 10 s late before the server gives up on a
// socket, so a gateway slowed by a lecture hall does not drop its sockets.
@WebSocketGateway({ path: '/socket.io', serveClient: false, pingInterval: 750, pingTimeout: 10_000 })
export class AttendanceGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly limiter = new RateLimiter();
  private readonly sweeper = setInterval(() => this.limiter.sweep(), 60_000).unref();
  private readonly origins: OriginPolicy;

  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(CheckinService) private readonly checkins: CheckinService,
    @Inject(EventFanout) private readonly fanout: EventFanout,
    @Inject(QrCodeService) private readonly qrCodes: QrCodeService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(ClientEventRouter) private readonly router: ClientEventRouter,
    @Inject(SocketServer) private readonly sockets: SocketServer,
    @Inject(GatewayDrain) private readonly drain: GatewayDrain,
  ) {
    this.origins = OriginPolicy.of(config);
    router.handle(ClientEvents.whoami, 'account.read-self', async (_req, { actor, correlationId, socket }) => {
      const { claims } = userOf(socket);
      const { courses } = await this.rpc.request(Rpc.identityCoursesOf, { userId: actor.userId }, { correlationId });
      return { user: { id: claims.userId, email: claims.email, name: claims.name, role: claims.role }, courses };
    });
    router.handle(ClientEvents.checkinSubmit, 'checkin.submit', (req, { actor, correlationId, socket }) =>
      this.checkins.submit(actor.userId, req, correlationId, socket.id, userOf(socket).deviceFingerprint),
    );
    router.handle(ClientEvents.sessionQr, 'session.show-qr', (req, { actor, correlationId }) => this.qrCodes.current(actor, req.sessionId, correlationId));
  }

  afterInit(server: Server): void {
    this.sockets.open(server);
    server.use((socket, next) => {
      try {
        // First: a page of another site learns nothing else, not even that this gateway is draining.
        // No Origin is a native client or a script (a browser always sends one on a WebSocket handshake).
        this.origins.check(socket.handshake.headers.origin, { required: false });
      } catch (err) {
        const body = toErrorBody(err, log, { stage: 'handshake' });
        return next(Object.assign(new Error(body.message), { data: body }));
      }
      if (this.drain.draining) {
        // Shutting down: the client's retry goes through the load balancer to another gateway.
        const body = new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'This server is shutting down. Connect again in a moment.', undefined, 1).toBody();
        return next(Object.assign(new Error(body.message), { data: body }));
      }
      this.authenticate(socket).then(
        () => next(),
        (err) => {
          const body = toErrorBody(err, log, { stage: 'handshake' });
          next(Object.assign(new Error(body.message), { data: body }));
        },
      );
    });
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  onApplicationBootstrap(): void {
    this.fanout.attach(this.sockets.server);
  }

  /** Verifies the token and learns the user's courses before the connection is accepted, so rooms are joined at once. */
  private async authenticate(socket: Socket): Promise<void> {
    checkHandshakeDeviceId(socket.handshake);
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token = typeof auth?.token === 'string' ? auth.token : undefined;
    const claims = await this.auth.authenticate(token);
    const { courses } = await this.rpc.request(Rpc.identityCoursesOf, { userId: claims.userId }, { correlationId: newCorrelationId() });
    const user: SocketUser = {
      claims,
      actor: actorOf(claims),
      courseIds: {
        teaching: courses.filter((c) => c.relation === 'teacher').map((c) => c.id),
        enrolled: courses.filter((c) => c.relation === 'student').map((c) => c.id),
      },
      deviceFingerprint: deviceFingerprintOf(socket.handshake, this.config.AUTH_TOKEN_SECRET),
    };
    Object.assign(socket.data, user);
  }

  handleConnection(socket: Socket): void {
    const { actor, courseIds } = userOf(socket);
    if (!actor) return void socket.disconnect(true);
    forgetAccessToken(socket);
    void socket.join([
      Rooms.user(actor.userId),
      ...courseIds.teaching.map(Rooms.teaching),
      ...courseIds.enrolled.map(Rooms.enrolled),
    ]);
    // Every incoming event first spends from the connection's and the user's budgets; over budget,
    // the event is answered RATE_LIMITED and goes no further. Within budget, the router runs it: the
    // one closure here is all a connection carries for its client events.
    socket.use((packet, next) => {
      try {
        this.limiter.check(packet[0] as ClientEvent, actor.userId, socket.id);
      } catch (err) {
        const ack = packet[packet.length - 1];
        if (typeof ack === 'function') ack({ ok: false, error: toErrorBody(err, log) });
        return;
      }
      if (!this.router.dispatch(socket, packet)) next();
    });
    this.sockets.connected(socket);
    Metrics.sockets.inc();
  }

  handleDisconnect(socket: Socket): void {
    this.limiter.forgetConnection(socket.id);
    // Only connections handleConnection accepted were counted (it refuses those without an actor).
    if (userOf(socket)?.actor) Metrics.sockets.dec();
  }
}

/**
 * Drops the access token from the handshake once it is checked: the socket keeps its claims, and an
 * idle connection need not hold the token's text. (The HTTP request of the upgrade stays: Engine.IO's
 * upgrade response keeps it for the connection's life, so dropping Socket.IO's reference frees nothing.)
 */
function forgetAccessToken(socket: Socket): void {
  const auth = socket.handshake.auth as { token?: unknown };
  if (auth.token !== undefined) auth.token = undefined;
}
