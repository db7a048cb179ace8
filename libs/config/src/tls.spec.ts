import { describe, expect, it } from '@jest/globals';
import { BaseEnv, DatabaseEnv, RedisEnv, loadConfig, natsSecurity } from './index.js';

const Env = BaseEnv.extend(RedisEnv.shape).extend(DatabaseEnv.shape);

describe('connection security settings', () => {
  it('are off by default, and empty values count as unset', () => {
    const config = loadConfig(Env, { NATS_USER: '', NATS_PASSWORD: '', REDIS_TLS_CA_FILE: '' });
    expect(config.NATS_USER).toBeUndefined();
    expect(natsSecurity(config)).toEqual({});
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/classconnect');
  });

  it('give NATS its user and certificate authority', () => {
    const config = loadConfig(Env, { NATS_USER: 'session-service', NATS_PASSWORD: 's3cret', NATS_TLS_CA_FILE: '/etc/cc/nats-ca.pem' });
    expect(natsSecurity(config)).toEqual({ user: 'session-service', pass: 's3cret', tls: { caFile: '/etc/cc/nats-ca.pem' } });
  });

  it('refuse a NATS user without a password, naming the missing one', () => {
    expect(() => loadConfig(Env, { NATS_USER: 'session-service' })).toThrow(/NATS_PASSWORD: NATS_USER and NATS_PASSWORD are set together/);
  });

  it('refuse a Redis certificate authority with a plain redis:// address', () => {
    expect(() => loadConfig(Env, { REDIS_TLS_CA_FILE: '/ca.pem' })).toThrow(/REDIS_URL: must be a rediss:\/\/ address/);
  });

  it('fold the Postgres certificate authority into the URL, verify-full unless a mode is named', () => {
    const config = loadConfig(Env, { DATABASE_URL: 'postgres://cc:pw@db:5432/classconnect', DATABASE_TLS_CA_FILE: '/etc/cc/pg-ca.pem' });
    const url = new URL(config.DATABASE_URL);
    expect(url.searchParams.get('sslrootcert')).toBe('/etc/cc/pg-ca.pem');
    expect(url.searchParams.get('sslmode')).toBe('verify-full');
    const named = loadConfig(Env, { DATABASE_URL: 'postgres://db/classconnect?sslmode=verify-ca', DATABASE_TLS_CA_FILE: '/ca.pem' });
    expect(new URL(named.DATABASE_URL).searchParams.get('sslmode')).toBe('verify-ca');
  });
});
