import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../http/api-errors.ts';
import type { ApiMetrics } from '../metrics/api-metrics.ts';
import { looksLikeApiKey } from './api-keys.ts';
import type { ApiKeyVerifier } from './key-verifier.ts';
import { isRole, type Role } from './roles.ts';

/** Who is calling: an API key (id = key id) or a bearer token (id = its subject). */
export interface Principal {
  kind: 'api-key' | 'token';
  id: string;
  name: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Roles that may call the route. Required on every /v1 route; a route without it needs no credential. */
    roles?: readonly Role[];
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; role: Role; name: string };
  }
}

/** Tokens name the key they were issued for as their subject (routes/auth.ts). */
const KEY_SUBJECT = /^key:([1-9][0-9]{0,17})$/;

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
 */
export function installAuthentication(app: FastifyInstance, deps: { verifier: ApiKeyVerifier; metrics: ApiMetrics }): void {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/v1/') && !route.config?.roles) {
      throw new Error(`route ${String(route.method)} ${route.url} must declare config.roles (who may call it)`);
    }
  });

  const refuse = (reason: string, error: Error): never => {
    deps.metrics.authFailures.inc({ reason });
    throw error;
  };

  app.addHook('onRequest', async (request, reply) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    const credential = credentialOf(request);
    if (!credential) {
      reply.header('www-authenticate', 'Bearer realm="spirit-ml"');
      refuse('missing', new UnauthorizedError('a credential is required: send an API key in the X-API-Key header, or Authorization: Bearer <key or token>'));
      return;
    }
    let principal: Principal;
    if (credential.kind === 'api-key') {
      const key = await deps.verifier.verify(credential.value);
      if (!key) {
        reply.header('www-authenticate', 'Bearer realm="spirit-ml", error="invalid_token"');
        return refuse('invalid', new UnauthorizedError('the API key is unknown or revoked'));
      }
      principal = { kind: 'api-key', id: key.id, name: key.name, role: key.role };
    } else {
      let claims: { sub?: unknown; role?: unknown; name?: unknown };
      try {
        claims = app.jwt.verify(credential.value);
      } catch (err) {
        const expired = (err as { code?: string }).code === 'FAST_JWT_EXPIRED';
        reply.header('www-authenticate', 'Bearer realm="spirit-ml", error="invalid_token"');
        return refuse(expired ? 'expired' : 'invalid', new UnauthorizedError(expired ? 'the token has expired: ask for a new one at POST /v1/auth/token' : 'the bearer token is not valid'));
      }
      if (typeof claims.sub !== 'string' || !isRole(claims.role)) {
        return refuse('invalid', new UnauthorizedError('the bearer token has no subject or no known role'));
      }
      // A token is only as good as the key it was bought with: revoking the key ends its tokens too.
      const keyId = KEY_SUBJECT.exec(claims.sub)?.[1];
      if (keyId === undefined || !(await deps.verifier.isKeyActive(keyId))) {
        reply.header('www-authenticate', 'Bearer realm="spirit-ml", error="invalid_token"');
        return refuse('revoked', new UnauthorizedError('the API key this token was issued for is unknown or revoked: ask for a new token with an active key'));
      }
      principal = { kind: 'token', id: claims.sub, name: typeof claims.name === 'string' ? claims.name : claims.sub, role: claims.role };
    }
    request.principal = principal;
    if (!roles.includes(principal.role)) {
      refuse('forbidden', new ForbiddenError(`role ${principal.role} may not call ${request.method} ${request.routeOptions.url}; it needs one of: ${roles.join(', ')}`));
    }
  });
}
