import type { FastifyInstance } from 'fastify';
import fastifyCors from '@fastify/cors';

/** Headers a browser page may send and read across origins: credentials travel in headers, never in cookies. */
const ALLOWED_HEADERS = ['authorization', 'x-api-key', 'content-type', 'x-request-id'];
const EXPOSED_HEADERS = ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'];

/**
 * What browsers may do with the API. Cross-origin calls only from the CORS_ORIGINS allowlist (none by default);
 * a preflight is always answered (204), with permission only for an allowed origin. The API authenticates by
 * header, not cookie, so `Access-Control-Allow-Credentials` is never sent (and could never be with `*`).
 * Every answer tells browsers not to sniff types, cache or frame it.
 */
export async function installBrowserPolicy(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  const any = origins.length === 1 && origins[0] === '*';
  const allowed = new Set(origins);
  await app.register(fastifyCors, {
    origin: (origin, callback) => callback(null, origin !== undefined && (any || allowed.has(origin))),
    credentials: false,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    strictPreflight: false,
  });
}

/** Set on every answer (pages set their own content security policy on top). */
export const ANSWER_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
