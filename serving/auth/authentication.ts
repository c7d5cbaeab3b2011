import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, RateLimitedError, UnauthorizedError } from '../../platform/http/api-errors.ts';
import type { ApiMetrics } from '../metrics/api-metrics.ts';
import { looksLikeApiKey, type VerifiedKey } from './api-keys.ts';
import { checkClaims } from './bearer-tokens.ts';
import type { ApiKeyVerifier } from './key-verifier.ts';
import type { RateCounts } from './rate-counts.ts';
import type { Principal } from '../../platform/http/route-contract.ts';

export interface AuthenticationDeps {
  verifier: ApiKeyVerifier;
  metrics: ApiMetrics;
  counts: RateCounts;
  /** Longest token lifetime this server hands out; longer-lived tokens are refused whoever signed them. */
  maxTokenTtlSeconds: number;
  /** Failed credentials one client address may present per minute before it is refused without a lookup. */
  failedCredentialsPerMinute: number;
}

const FAILURE_WINDOW_MS = 60_000;

function credentialOf(request: FastifyRequest): { kind: 'api-key' | 'token'; value: string } | undefined {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return { kind: 'api-key', value: apiKey.trim() };
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return undefined;
  // Prometheus and most HTTP clients can only send a bearer credential, so keys are accepted there too.
  return { kind: looksLikeApiKey(match[1]) ? 'api-key' : 'token', value: match[1] };
}

/**
 * Adds authentication and role checks to the whole app (not as an encapsulated plugin: every plugin registered
 * after it, including the review desk's, is covered). Routes say who may call them with `config.roles`; a /v1
 * route without it stops the app at start-up. Missing or bad credential → 401, a role the route does not
 * accept → 403.
 *
 * Guessing is limited per client address: after `failedCredentialsPerMinute` refused credentials, the address
 * gets 429 for the rest of the minute for any key the verifier has not already found valid, so a flood of
 * made-up keys costs no database lookups while the address's valid keys go on working.
 */
export function installAuthentication(app: FastifyInstance, deps: AuthenticationDeps): void {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/v1/') && !route.config?.roles) {
      throw new Error(`route ${String(route.method)} ${route.url} must declare config.roles (who may call it)`);
    }
  });

  const failedBucket = (request: FastifyRequest) => `failed:${request.ip}`;

  const refuse = async (request: FastifyRequest, reply: FastifyReply, reason: string, message: string): Promise<never> => {
    deps.metrics.authFailures.inc({ reason });
    await deps.counts.hit(failedBucket(request), FAILURE_WINDOW_MS);
    reply.header('www-authenticate', 'Bearer realm="spirit-ml", error="invalid_token"');
    throw new UnauthorizedError(message);
  };

  const refuseGuessing = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const failed = await deps.counts.read(failedBucket(request));
    if (failed.current < deps.failedCredentialsPerMinute) return;
    deps.metrics.authFailures.inc({ reason: 'throttled' });
    const seconds = Math.max(1, Math.ceil(failed.ttl / 1000));
    reply.header('retry-after', String(seconds));
    throw new RateLimitedError(`too many refused credentials from this address; retry in ${seconds} s with a valid key`);
  };

  const keyOf = async (request: FastifyRequest, reply: FastifyReply, credential: { kind: 'api-key' | 'token'; value: string }): Promise<{ key: VerifiedKey; kind: Principal['kind'] }> => {
    if (credential.kind === 'api-key') {
      if (!deps.verifier.vouchedFor(credential.value)) await refuseGuessing(request, reply);
      const key = await deps.verifier.verify(credential.value);
      if (!key) return refuse(request, reply, 'invalid', 'the API key is unknown or revoked');
      return { key, kind: 'api-key' };
    }
    let claims: Record<string, unknown>;
    try {
      claims = app.jwt.verify(credential.value);
    } catch (err) {
      const expired = (err as { code?: string }).code === 'FAST_JWT_EXPIRED';
      return refuse(request, reply, expired ? 'expired' : 'invalid', expired ? 'the token has expired: ask for a new one at POST /v1/auth/token' : 'the bearer token is not valid');
    }
    const verdict = checkClaims(claims, deps.maxTokenTtlSeconds);
    if ('refused' in verdict) return refuse(request, reply, 'invalid', verdict.refused);
    if (!deps.verifier.vouchedForId(verdict.keyId)) await refuseGuessing(request, reply);
    // A token is only as good as the key it was bought with: revoking the key ends its tokens too.
    const key = await deps.verifier.keyById(verdict.keyId);
    if (!key) return refuse(request, reply, 'revoked', 'the API key this token was issued for is unknown or revoked: ask for a new token with an active key');
    return { key, kind: 'token' };
  };

  app.addHook('onRequest', async (request, reply) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    const credential = credentialOf(request);
    if (!credential) {
      deps.metrics.authFailures.inc({ reason: 'missing' });
      reply.header('www-authenticate', 'Bearer realm="spirit-ml"');
      throw new UnauthorizedError('a credential is required: send an API key in the X-API-Key header, or Authorization: Bearer <key or token>');
    }
    const { key, kind } = await keyOf(request, reply, credential);
    request.principal = { kind, id: key.id, name: key.name, role: key.role };
    if (!roles.includes(key.role)) {
      deps.metrics.authFailures.inc({ reason: 'forbidden' });
      throw new ForbiddenError(`role ${key.role} may not call ${request.method} ${request.routeOptions.url}; it needs one of: ${roles.join(', ')}`);
    }
  });
}
