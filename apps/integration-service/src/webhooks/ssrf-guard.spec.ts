import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { AddressPolicy, UrlRefusedError, type Lookup } from './ssrf-guard.js';
import { postPinned } from './webhook-http.js';

const fixed =
  (...addresses: string[]): Lookup =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('AddressPolicy', () => {
  const policy = new AddressPolicy();

  it('refuses loopback, private, link-local, CGNAT, reserved and IPv4-in-IPv6 addresses', () => {
    for (const ip of ['127.0.0.1', '10.2.3.4', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', 'fc00::5', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a00:1', 'ff02::1']) {
      expect({ ip, allowed: policy.isAllowed(ip) }).toEqual({ ip, allowed: false });
    }
  });

  it('lets public addresses through', () => {
    for (const ip of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111']) expect({ ip, allowed: policy.isAllowed(ip) }).toEqual({ ip, allowed: true });
  });

  it('lets through exactly what the allow-list names', () => {
    const allowing = new AddressPolicy(['127.0.0.1/32', '10.20.0.0/16']);
    expect(allowing.isAllowed('127.0.0.1')).toBe(true);
    expect(allowing.isAllowed('127.0.0.2')).toBe(false);
    expect(allowing.isAllowed('10.20.5.5')).toBe(true);
    expect(allowing.isAllowed('10.21.0.1')).toBe(false);
    expect(() => new AddressPolicy(['10.0.0.0/99'])).toThrow(/WEBHOOK_ALLOWED_CIDRS/);
  });

  it('refuses a name when any of its addresses is not public, and says why', async () => {
    await expect(policy.resolve('https://hooks.example.org/x', fixed('93.184.216.34', '10.0.0.7'))).rejects.toThrow(/10\.0\.0\.7.*not a public address/);
    await expect(policy.resolve('https://hooks.example.org/x', fixed('93.184.216.34'))).resolves.toEqual({ address: '93.184.216.34', family: 4 });
    await expect(policy.resolve('http://127.0.0.1:9/x')).rejects.toBeInstanceOf(UrlRefusedError);
    await expect(policy.resolve('http://[::1]/x')).rejects.toBeInstanceOf(UrlRefusedError);
    await expect(policy.resolve('file:///etc/passwd')).rejects.toThrow(/http/);
    await expect(policy.resolve('https://a:b@hooks.example.org/')).rejects.toThrow(/user name or password/);
    await expect(
      policy.resolve('https://nowhere.invalid/', async () => {
        throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      }),
    ).rejects.toThrow(/does not resolve \(ENOTFOUND\)/);
  });
});

describe('postPinned', () => {
  it('connects to the checked address, whatever the name would resolve to now, and keeps the name in Host', async () => {
    const seen: { host?: string; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ host: req.headers.host, body });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      // A name that does not exist: only the pinned address can make this work.
      const outcome = await postPinned({ url: `http://rebinding.invalid:${port}/hook`, address: { address: '127.0.0.1', family: 4 }, headers: {}, body: '{"a":1}', timeoutMs: 2_000 });
      expect(outcome).toEqual({ statusCode: 202 });
      expect(seen).toEqual([{ host: `rebinding.invalid:${port}`, body: '{"a":1}' }]);
    } finally {
      server.close();
    }
  });

  it('gives up at the time-out', async () => {
    const server = http.createServer(() => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const outcome = await postPinned({ url: `http://127.0.0.1:${port}/`, address: { address: '127.0.0.1', family: 4 }, headers: {}, body: '', timeoutMs: 300 });
      expect(outcome).toEqual({ error: 'no answer within 300 ms' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
