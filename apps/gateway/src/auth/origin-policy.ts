import { DomainError, ErrorCode } from '@classconnect/contracts';
import type { GatewayConfig } from '../config/gateway.config.js';

/**
 * Which web pages may talk to this gateway: its own origins, PUBLIC_ORIGIN (default: the first
 * WEBAUTHN_ORIGINS entry) and the other WEBAUTHN_ORIGINS (the operator already declared the app is
 * served there, since passkeys are accepted from them).
 *
 * Browsers always send `Origin` on a WebSocket handshake and on a POST, and a page cannot forge or
 * remove it; a native app or a script usually sends none. So: a request that names a foreign origin
 * is refused everywhere this policy is asked, and a request that names none is refused only where a
 * browser cookie is the credential (there, no Origin means nobody vouches for the page).
 */
export class OriginPolicy {
  /** The address named to people: where ClassConnect is. */
  readonly home: string;
  private readonly allowed: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    // Configured addresses may carry a path (PUBLIC_ORIGIN=https://uni.edu/attend): their origin counts.
    const normalized = origins.filter((o) => URL.canParse(o)).map((o) => new URL(o).origin).filter((o) => o.startsWith('http'));
    if (normalized.length === 0) throw new Error('OriginPolicy needs at least one origin');
    this.home = normalized[0]!;
    this.allowed = new Set(normalized);
  }

  static of(config: Pick<GatewayConfig, 'PUBLIC_ORIGIN' | 'WEBAUTHN_ORIGINS'>): OriginPolicy {
    return new OriginPolicy([...(config.PUBLIC_ORIGIN ? [config.PUBLIC_ORIGIN] : []), ...config.WEBAUTHN_ORIGINS]);
  }

  /**
   * Throws ORIGIN_NOT_ALLOWED unless `origin` (the header's value, as Node hands it over) is one of
   * ours; an absent header passes unless `required` (a cookie-authenticated request).
   */
  check(origin: string | string[] | undefined, { required }: { required: boolean }): void {
    const value = Array.isArray(origin) ? origin.join(', ') : origin;
    if (value === undefined || value === '') {
      if (!required) return;
      throw new DomainError(
        ErrorCode.ORIGIN_NOT_ALLOWED,
        `A sign-in kept in the browser is used only from ClassConnect's own pages (${this.home}), and this request did not say which page sent it (no Origin header).`,
      );
    }
    if (this.allowed.has(normalize(value) ?? '')) return;
    throw new DomainError(
      ErrorCode.ORIGIN_NOT_ALLOWED,
      `This request came from a page at ${printable(value)}, which is not ClassConnect's address. Open ClassConnect at ${this.home}.`,
    );
  }
}

/** A header's `https://Attend.Example.edu:443` → `https://attend.example.edu`; anything that is not an http(s) origin (`null`, a path) → undefined. */
function normalize(origin: string): string | undefined {
  if (!URL.canParse(origin)) return undefined;
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // An Origin header is scheme, host and port only: a value with more is not a browser's.
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) return undefined;
  return url.origin;
}

/** The header as sent, short and without control characters: it goes back to the sender in the sentence. */
function printable(value: string): string {
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '');
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}
