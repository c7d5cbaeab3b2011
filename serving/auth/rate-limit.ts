import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { RateLimitedError } from '../../platform/http/api-errors.ts';
import type { Count, RateCounts } from './rate-counts.ts';

const WINDOW_MS = 60_000;

/**
 * Requests per minute per API key, counted after authentication: a key and every token bought with it share one
 * count across all routes (and across replicas through Redis). Routes without roles (health, readiness) are not
 * counted. Answers carry the IETF draft's RateLimit headers; a refusal is 429 with Retry-After.
 */
export function installRateLimit(app: FastifyInstance, deps: { counts: RateCounts; perMinute: number }): void {
  const apply = (reply: FastifyReply, count: Count, done: HookHandlerDoneFunction) => {
    const remaining = Math.max(0, deps.perMinute - count.current);
    const reset = Math.max(1, Math.ceil(count.ttl / 1000));
    reply.header('ratelimit-limit', deps.perMinute);
    reply.header('ratelimit-remaining', remaining);
    reply.header('ratelimit-reset', reset);
    if (count.current <= deps.perMinute) return done();
    reply.header('retry-after', reset);
    done(new RateLimitedError(`rate limit of ${deps.perMinute} requests per minute for this API key and its tokens reached; retry in ${reset} s`));
  };

  // A callback hook: without Redis the count is synchronous, and the request path makes no promise for it.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const principal = request.principal;
    if (!principal) return done();
    const count = deps.counts.hit(`key:${principal.id}`, WINDOW_MS);
    if ('then' in count) count.then((c) => apply(reply, c, done), done);
    else apply(reply, count, done);
  });
}
