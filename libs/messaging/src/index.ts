export * from './nats-connection.js';
export * from './rpc.js';
export * from './jetstream.js';
export type { NatsConnection } from '@nats-io/transport-node';
export type { JsMsg } from '@nats-io/jetstream';
export * from './messaging.module.js';
export * from './bootstrap.js';
export * from './follow.js';
