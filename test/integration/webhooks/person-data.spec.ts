import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { ErrorCode, Rpc, type Actor, type WebhookSecretReply } from '@classconnect/contracts';
import { loadConfig } from '@classconnect/config';
import { RpcClient, connectNats, subscriptionsRegistered, type NatsConnection } from '@classconnect/messaging';
import { migrate } from '@classconnect/persistence';
import { AppModule } from '../../../apps/integration-service/src/app.module.js';
import { Env } from '../../../apps/integration-service/src/config.js';
import { integrationDataSourceOptions } from '../../../apps/integration-service/src/infrastructure/database.js';

/**
 * integration-service's part of a person's data (cc.integration.person-data.v1), in-process against
 * the real Postgres (a throw-away database of this spec's own) and NATS: the webhook endpoints the
 * person registered, and never their secrets.
 */
const databaseUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/classconnect');
databaseUrl.pathname = '/classconnect_it_integration_privacy';
// Loopback is allowed so that an endpoint can be registered at all; nothing is delivered to it.
const config = loadConfig(Env, { ...process.env, DATABASE_URL: databaseUrl.toString(), WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' });

jest.setTimeout(60_000);

describe('integration-service: the webhook endpoints a person registered', () => {
  let app: INestApplicationContext;
  let nc: NatsConnection;
  let client: RpcClient;
  const ada: Actor = { userId: randomUUID(), role: 'admin' };
  const bob: Actor = { userId: randomUUID(), role: 'admin' };
  const created: WebhookSecretReply[] = [];

  const create = async (actor: Actor, path: string, description?: string) => {
    const reply = await client.request(Rpc.integrationWebhookCreate, {
      actor,
      url: `http://127.0.0.1:9/${path}`,
      eventTypes: ['attendance.session.opened.v1'],
      ...(description ? { description } : {}),
    });
    created.push(reply);
    return reply;
  };

  beforeAll(async () => {
    await migrate(integrationDataSourceOptions(config.DATABASE_URL));
    nc = await connectNats(config.NATS_URL, 'integration-privacy-spec');
    client = new RpcClient(nc, 15_000); // creating an endpoint also creates its durable consumers: slow on a loaded machine
    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
    await app.init();
    await subscriptionsRegistered(app);
  });

  afterAll(async () => {
    // Each endpoint has a durable consumer on the shared NATS: deleting the endpoint removes it.
    for (const { endpoint } of created) await client?.request(Rpc.integrationWebhookDelete, { actor: ada, endpointId: endpoint.id }).catch(() => {});
    await app?.close();
    await nc?.drain();
  });

  it('lists the endpoints the person registered, enabled or not, without their secrets, to them or another admin', async () => {
    const lms = await create(ada, 'lms', 'The LMS gradebook');
    const sis = await create(ada, 'sis');
    const others = await create(bob, 'analytics', 'Bob’s analytics');
    await client.request(Rpc.integrationWebhookUpdate, { actor: ada, endpointId: sis.endpoint.id, enabled: false });
    // A rotation keeps the old secret for a while: that one must not be shown either.
    const rotated = await client.request(Rpc.integrationWebhookRotateSecret, { actor: ada, endpointId: lms.endpoint.id, overlapMinutes: 60 });

    const own = await client.request(Rpc.integrationPersonData, { actor: ada, userId: ada.userId });
    expect(own).toEqual({
      webhookEndpoints: [
        { id: lms.endpoint.id, url: 'http://127.0.0.1:9/lms', description: 'The LMS gradebook', createdAt: lms.endpoint.createdAt, enabled: true },
        { id: sis.endpoint.id, url: 'http://127.0.0.1:9/sis', description: null, createdAt: sis.endpoint.createdAt, enabled: false },
      ],
    });
    const text = JSON.stringify(own);
    for (const secret of [lms.secret, sis.secret, rotated.secret]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/secret/i);
    expect(text).not.toContain(others.endpoint.id);

    await expect(client.request(Rpc.integrationPersonData, { actor: bob, userId: ada.userId })).resolves.toEqual(own);
    await expect(client.request(Rpc.integrationPersonData, { actor: ada, userId: bob.userId })).resolves.toEqual({
      webhookEndpoints: [expect.objectContaining({ id: others.endpoint.id, description: 'Bob’s analytics', enabled: true })],
    });
  });

  it('gives anyone else nothing but FORBIDDEN, and a person who registered none an empty list', async () => {
    const student: Actor = { userId: randomUUID(), role: 'student' };
    const teacher: Actor = { userId: randomUUID(), role: 'teacher' };
    for (const actor of [student, teacher]) {
      await expect(client.request(Rpc.integrationPersonData, { actor, userId: ada.userId })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    }
    await expect(client.request(Rpc.integrationPersonData, { actor: student, userId: student.userId })).resolves.toEqual({ webhookEndpoints: [] });
  });
});
