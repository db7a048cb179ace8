/**
 * Connections over TLS as the settings describe them (docs/architecture.md): NATS with
 * NATS_TLS_CA_FILE, Redis with a rediss:// REDIS_URL and REDIS_TLS_CA_FILE — against real
 * nats-server and redis-server processes with a certificate from a throw-away authority. Without the
 * authority the same connection is refused: the server's certificate is checked, not just accepted.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisEnv, loadConfig, natsSecurity, redisTlsOptions } from '@classconnect/config';
import { connectNats } from '@classconnect/messaging';
import { freePort } from '@classconnect/runtime';
import { waitFor } from '@classconnect/testing';

const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A certificate authority and a server certificate for 127.0.0.1 and localhost, signed by it. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=ClassConnect test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'ext.cnf', '-out', 'server.pem');
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };
}

describe('TLS to NATS and Redis', () => {
  let dir: string;
  let certs: { ca: string; cert: string; key: string };
  const children: ChildProcess[] = [];
  let natsUrl: string;
  let redisPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'classconnect-tls-'));
    certs = makeCertificates(dir);
    const natsPort = await freePort();
    natsUrl = `nats://127.0.0.1:${natsPort}`;
    children.push(spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(natsPort), '--tls', '--tlscert', certs.cert, '--tlskey', certs.key], { stdio: 'ignore' }));
    redisPort = await freePort();
    children.push(
      spawn('redis-server', ['--port', '0', '--bind', '127.0.0.1', '--tls-port', String(redisPort), '--tls-cert-file', certs.cert, '--tls-key-file', certs.key, '--tls-ca-cert-file', certs.ca, '--tls-auth-clients', 'no', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }),
    );
    await new Promise((r) => setTimeout(r, 300));
  });

  afterAll(() => {
    children.forEach((c) => c.kill('SIGTERM'));
    rmSync(dir, { recursive: true, force: true });
  });

  it('NATS: NATS_TLS_CA_FILE gives a TLS connection that works; without it the server is not trusted', async () => {
    const nc = await waitFor(() => connectNats(natsUrl, 'tls-test', natsSecurity({ NATS_TLS_CA_FILE: certs.ca })).catch(() => null), 'a TLS connection to NATS');
    try {
      expect(nc.info?.tls_required).toBe(true);
      expect(await nc.rtt()).toBeGreaterThanOrEqual(0);
    } finally {
      await nc.close();
    }
    const { connect } = await import('@nats-io/transport-node');
    await expect(connect({ servers: natsUrl, reconnect: false, timeout: 3_000 })).rejects.toThrow();
  });

  it('Redis: a rediss:// URL with REDIS_TLS_CA_FILE answers; without the authority it does not', async () => {
    const config = loadConfig(RedisEnv, { REDIS_URL: `rediss://127.0.0.1:${redisPort}`, REDIS_TLS_CA_FILE: certs.ca });
    const redis = new Redis(config.REDIS_URL, { ...redisTlsOptions(config), maxRetriesPerRequest: 1, lazyConnect: true });
    try {
      await waitFor(() => redis.connect().then(() => true, () => false), 'a TLS connection to Redis');
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }
    const untrusted = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    const errors: string[] = [];
    untrusted.on('error', (err: Error) => errors.push(err.message));
    await expect(untrusted.connect()).rejects.toThrow();
    expect(errors.join('\n')).toMatch(/self[- ]signed|unable to verify|certificate/i);
    untrusted.disconnect();
  });
});
