/**
 * zod compiles fast parsers with `new Function`, after probing whether it may. The page's
 * Content-Security-Policy allows no eval, and the probe alone is reported as a violation: tell zod
 * not to try. Imported before anything that builds a schema (the contracts), so it runs first.
 */
import { config } from 'zod';

config({ jitless: true });
