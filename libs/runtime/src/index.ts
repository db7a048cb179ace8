/**
 * Starting ClassConnect on this machine: NATS, Redis and PostgreSQL (started or reused), Chromium,
 * and the five services as processes. The code is plain JavaScript with Node built-ins only, because
 * the launcher (`npm start`) and `npm test` in scripts/ import those files by path before
 * `npm install` and the build; everything else imports them from here.
 */
export * from './infra.mjs';
export * from './services.mjs';
