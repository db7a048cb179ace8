import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** Where `npm run build` puts the web client: dist/web, seen from dist/apps/gateway/src/http. */
export const WebClientDir = resolve(import.meta.dirname, '../../../../web');

/** Paths the web client never answers: the API, the socket, health checks, metrics. */
const ServerPaths = /^\/(api|socket\.io|health|metrics)(\/|$)/;

/**
 * Serves the built web client from the gateway's own origin (passkeys are bound to it): static
 * files, and index.html for any other GET that asks for a page (client-side routes). Returns false
 * when the client is not built, so the gateway's placeholder page answers `/` instead.
 */
export function mountWebClient(app: NestExpressApplication, dir = WebClientDir): boolean {
  const indexHtml = join(dir, 'index.html');
  if (!existsSync(indexHtml)) return false;
  app.useStaticAssets(dir, {
    index: 'index.html',
    setHeaders(res, path) {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      // Hashed bundles never change; everything else (index.html, manifest, icons) is re-checked.
      res.setHeader('Cache-Control', path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || ServerPaths.test(req.path)) return next();
    // A missing file (a path with an extension) stays a 404; a page route gets the app.
    if (/\.[a-z0-9]+$/i.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexHtml);
  });
  return true;
}
