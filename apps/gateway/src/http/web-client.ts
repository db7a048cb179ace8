import { existsSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Where `npm run build` puts the web client: dist/web, seen from dist/apps/gateway/src/http. */
export const WebClientDir = resolve(import.meta.dirname, '../../../../web');

/** Paths the web client never answers: the API, the socket, health checks, metrics. */
const ServerPaths = /^\/(api|socket\.io|health|metrics)(\/|$)/;

/**
 * What every response of the gateway says about itself to a browser. The client is one origin's
 * static files and a socket to the same origin, so the policy can be strict: scripts and styles
 * from our own files only (no inline script), no framing (clickjacking a check-in), no referrer to
 * other sites, and the powerful features (position, passkeys, the camera for QR codes) for our own
 * origin only.
 */
export const SecurityHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'geolocation=(self), publickey-credentials-get=(self), publickey-credentials-create=(self), camera=(self), microphone=(), payment=(), usb=(), interest-cohort=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
};

/** The compressed copies the build writes beside each text file, best first. */
const Encodings = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

/** The best compressed copy of `file` the build wrote that the request accepts, if any. */
function compressedCopy(file: string, req: Request): (typeof Encodings)[number] | undefined {
  const accepted = String(req.headers['accept-encoding'] ?? '');
  return Encodings.find((e) => new RegExp(`\\b${e.encoding}\\b`).test(accepted) && existsSync(file + e.suffix));
}

/**
 * Serves the built web client from the gateway's own origin (passkeys are bound to it): static
 * files, and index.html for any other GET that asks for a page (client-side routes). Returns false
 * when the client is not built, so the gateway's placeholder page answers `/` instead.
 */
export function mountWebClient(app: NestExpressApplication, dir = WebClientDir): boolean {
  app.use((_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of Object.entries(SecurityHeaders)) res.setHeader(name, value);
    next();
  });
  const indexHtml = join(dir, 'index.html');
  if (!existsSync(indexHtml)) return false;
  // A file the build compressed is sent compressed when the browser takes it (every browser does).
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || ServerPaths.test(req.path) || !/\.[a-z0-9]+$/i.test(req.path)) return next();
    const file = normalize(join(dir, decodeURIComponent(req.path)));
    if (!file.startsWith(dir + '/')) return next();
    const pick = compressedCopy(file, req);
    res.setHeader('Vary', 'Accept-Encoding');
    if (!pick || !existsSync(file)) return next();
    res.type(extname(file));
    res.setHeader('Content-Encoding', pick.encoding);
    res.setHeader('Cache-Control', file.startsWith(join(dir, 'assets') + '/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    res.sendFile(file + pick.suffix);
  });
  const staticFiles = express.static(dir, {
    index: 'index.html',
    setHeaders(res, path) {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      // Hashed bundles never change; everything else (index.html, manifest, icons) is re-checked.
      res.setHeader('Cache-Control', path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  // Only a GET for something the client could be: the API, health checks and metrics never look
  // at the disk (serve-static stats a file for every request it sees).
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || ServerPaths.test(req.path)) return next();
    staticFiles(req, res, next);
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || ServerPaths.test(req.path)) return next();
    // A missing file (a path with an extension) stays a 404; a page route gets the app.
    if (/\.[a-z0-9]+$/i.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Vary', 'Accept-Encoding');
    const pick = compressedCopy(indexHtml, req);
    if (!pick) return res.sendFile(indexHtml);
    res.type('html');
    res.setHeader('Content-Encoding', pick.encoding);
    res.sendFile(indexHtml + pick.suffix);
  });
  return true;
}
