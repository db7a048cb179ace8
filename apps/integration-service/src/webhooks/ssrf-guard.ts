/**
 * The SSRF guard: a webhook URL is resolved once, every address it resolves to must be public (or
 * on the allow-list), and the connection is then made to that checked address — never resolved a
 * second time — so a name that answers differently the next time (DNS rebinding) cannot reach
 * inside. Used when an endpoint is registered and before every delivery attempt.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Ranges that are not the public internet: loopback, private, link-local, CGNAT, documentation, multicast, reserved. */
const NotPublicV4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
/** The same for IPv6, with the ranges that embed an IPv4 address (mapped, NAT64, 6to4) refused outright. */
const NotPublicV6 = ['::/128', '::1/128', '::ffff:0:0/96', '64:ff9b::/96', '64:ff9b:1::/48', '100::/64', '2001:db8::/32', '2002::/16', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8'];

function blockList(cidrs: string[], what: string): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net, bits] = cidr.split('/');
    const family = isIP(net ?? '');
    const prefix = Number(bits ?? (family === 6 ? 128 : 32));
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) throw new Error(`${what}: "${cidr}" is not an address range (CIDR), e.g. 10.0.0.0/8`);
    list.addSubnet(net!, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Lookup = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (what a connection would use), every address it returns. */
export const systemLookup: Lookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** Why a URL may not be called: a sentence for the admin. */
export class UrlRefusedError extends Error {
  override name = 'UrlRefusedError';
}

/**
 * Node's BlockList also matches an IPv4 address against IPv6 ranges (as ::ffff:a.b.c.d), so each
 * family gets lists of its own.
 */
export class AddressPolicy {
  private readonly notPublic: Record<'ipv4' | 'ipv6', BlockList>;
  private readonly allowed: Record<'ipv4' | 'ipv6', BlockList>;

  /** `allowedCidrs`: ranges that may be called although they are not public (WEBHOOK_ALLOWED_CIDRS). */
  constructor(allowedCidrs: readonly string[] = []) {
    const v6 = (c: string) => c.includes(':');
    this.notPublic = { ipv4: blockList(NotPublicV4, 'built-in ranges'), ipv6: blockList(NotPublicV6, 'built-in ranges') };
    this.allowed = {
      ipv4: blockList(allowedCidrs.filter((c) => !v6(c)), 'WEBHOOK_ALLOWED_CIDRS'),
      ipv6: blockList(allowedCidrs.filter(v6), 'WEBHOOK_ALLOWED_CIDRS'),
    };
  }

  isAllowed(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    // An IPv4 address written as IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it is.
    const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
    const [ip, type] = mapped ? [mapped, 'ipv4' as const] : [address, family === 6 ? ('ipv6' as const) : ('ipv4' as const)];
    if (this.allowed[type].check(ip, type)) return true;
    return !this.notPublic[type].check(ip, type);
  }

  /**
   * Checks the URL's form and resolves its host once. Returns the address to connect to; throws
   * UrlRefusedError if the URL may not be called.
   */
  async resolve(rawUrl: string, lookup: Lookup = systemLookup): Promise<ResolvedAddress> {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw new UrlRefusedError('The URL is not valid.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UrlRefusedError('Only http:// and https:// URLs can receive webhooks.');
    if (url.username || url.password) throw new UrlRefusedError('The URL must not contain a user name or password: authenticate the sender by the webhook signature.');
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: ResolvedAddress[];
    if (isIP(host)) addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
    else {
      try {
        addresses = await lookup(host);
      } catch (err) {
        throw new UrlRefusedError(`The host name ${host} does not resolve (${(err as { code?: string }).code ?? 'no address'}).`);
      }
    }
    if (addresses.length === 0) throw new UrlRefusedError(`The host name ${host} does not resolve.`);
    // Every address must pass: which one a client would pick is not ours to guess.
    const refused = addresses.find((a) => !this.isAllowed(a.address));
    if (refused) throw new UrlRefusedError(`${host} resolves to ${refused.address}, which is not a public address (loopback, private, link-local or reserved) and is not on the allow-list (WEBHOOK_ALLOWED_CIDRS).`);
    return addresses[0]!;
  }
}
