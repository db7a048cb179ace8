import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsSecurity, type NatsSecurity } from '@classconnect/config';
import { connectNats } from './nats-connection.js';
import { RpcClient, RpcServer } from './rpc.js';
import { EventPublisher, ensureStreams } from './jetstream.js';
import { IdentityClient, SessionClient } from './clients.js';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

export interface MessagingModuleOptions {
  url: string;
  /** Connection name, shown in NATS monitoring. */
  name: string;
  /** The service's queue group for the commands it serves. */
  queue: string;
  /** CloudEvents `source` of the events this service publishes, e.g. /classconnect/session-service */
  source: string;
  /** How long a command may take before the caller gets SERVICE_UNAVAILABLE (default 5 s). */
  rpcTimeoutMs?: number;
  /** Replicas of the JetStream streams (1 on one machine, 3 on a production cluster): the app's NATS_STREAM_REPLICAS. */
  streamReplicas: number;
  /** DIRECTORY's age limit in days (DIRECTORY_RETENTION_DAYS); the default when absent. */
  directoryRetentionDays?: number;
  /** The service's NATS user and the certificate authority for TLS. */
  security?: NatsSecurity;
}

class NatsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}
  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

/** One NATS connection per process, with the RPC server/client, the typed service clients and the event publisher built on it. */
@Global()
@Module({})
export class MessagingModule {
  /**
   * The set-up every process of ours uses: the connection, the queue group and the events'
   * `source` named after the process, the streams' replicas from its config.
   */
  static forService(
    service: string,
    config: { NATS_URL: string; NATS_STREAM_REPLICAS: number; DIRECTORY_RETENTION_DAYS?: number; NATS_USER?: string | undefined; NATS_PASSWORD?: string | undefined; NATS_TLS_CA_FILE?: string | undefined },
    more: Pick<MessagingModuleOptions, 'rpcTimeoutMs'> = {},
  ): DynamicModule {
    return MessagingModule.forRoot({
      url: config.NATS_URL,
      name: service,
      queue: service,
      source: `/classconnect/${service}`,
      streamReplicas: config.NATS_STREAM_REPLICAS,
      ...(config.DIRECTORY_RETENTION_DAYS ? { directoryRetentionDays: config.DIRECTORY_RETENTION_DAYS } : {}),
      security: natsSecurity(config),
      ...more,
    });
  }

  static forRoot(opts: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        {
          provide: NATS_CONNECTION,
          useFactory: async () => {
            const nc = await connectNats(opts.url, opts.name, opts.security);
            await ensureStreams(nc, opts.streamReplicas, opts.directoryRetentionDays);
            return nc;
          },
        },
        { provide: RpcServer, useFactory: (nc: NatsConnection) => new RpcServer(nc, opts.queue), inject: [NATS_CONNECTION] },
        { provide: RpcClient, useFactory: (nc: NatsConnection) => new RpcClient(nc, opts.rpcTimeoutMs), inject: [NATS_CONNECTION] },
        { provide: EventPublisher, useFactory: (nc: NatsConnection) => new EventPublisher(nc, opts.source), inject: [NATS_CONNECTION] },
        { provide: IdentityClient, useFactory: (rpc: RpcClient) => new IdentityClient(rpc), inject: [RpcClient] },
        { provide: SessionClient, useFactory: (rpc: RpcClient) => new SessionClient(rpc), inject: [RpcClient] },
        NatsLifecycle,
      ],
      exports: [NATS_CONNECTION, RpcServer, RpcClient, EventPublisher, IdentityClient, SessionClient],
    };
  }
}
