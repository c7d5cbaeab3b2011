import type { FastifyInstance } from 'fastify';

/** Headers a browser page may send and read across origins: credentials travel in headers, never in cookies. */
const ALLOWED_HEADERS = 'authorization, x-api-key, content-type, x-request-id';
const EXPOSED_HEADERS = 'x-request-id, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset';
const ALLOWED_METHODS = 'GET, POST, PUT, DELETE';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * What browsers may do with the API (CORS). Cross-origin calls only from the CORS_ORIGINS allowlist (none by
 * default, `*` for any); every preflight is answered 204, with permission only for an allowed origin, so a
 * browser gets a clear refusal rather than a 404. The API authenticates by header, not cookie, so
 * `Access-Control-Allow-Credentials` is never sent (with `*` it could not be).
 */
export function installBrowserPolicy(app: FastifyInstance, origins: readonly string[]): void {
  const any = origins.length === 1 && origins[0] === '*';
  const allowed = new Set(origins);
  const allowedOrigin = (origin: string | undefined): string | undefined => {
    if (origin === undefined || (!any && !allowed.has(origin))) return undefined;
    return any ? '*' : origin;
  };

  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (origin === undefined) return done();
    // The answer differs by Origin: caches must keep one per origin.
    if (!any) reply.header('vary', 'Origin');
    const allow = allowedOrigin(origin);
    if (allow) {
      reply.header('access-control-allow-origin', allow);
      reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    }
    done();
  });

  app.options('*', { schema: { hide: true } }, async (request, reply) => {
    if (allowedOrigin(request.headers.origin) && request.headers['access-control-request-method'] !== undefined) {
      reply.header('access-control-allow-methods', ALLOWED_METHODS);
      reply.header('access-control-allow-headers', ALLOWED_HEADERS);
      reply.header('access-control-max-age', PREFLIGHT_MAX_AGE_SECONDS);
    }
    return reply.status(204).send();
  });
}

/** Set on every answer (pages set their own content security policy on top). */
export const ANSWER_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
