import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tokenSubject } from '../auth/bearer-tokens.ts';
import { ROLES } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { ForbiddenError } from '../../platform/http/api-errors.ts';
import { TokenAnswer, TokenRequest } from '../../contract/auth.ts';
import { errorResponses } from '../../contract/common.ts';

/**
 * POST /v1/auth/token: an API key buys a short-lived JWT that acts with the key's role (for browsers and services that
 * should not hold the long-lived key in memory). A token cannot buy another token, so a leaked one ends at its
 * expiry at the latest; revoking the key ends its tokens at once (authentication checks the key behind every token).
 */
export const authRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.post(
    '/auth/token',
    {
      config: { roles: ROLES },
      // The body is optional: a POST without one asks for the default lifetime.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ['auth'],
        summary: 'Exchange an API key for a bearer token (JWT, HS256) with the same role',
        body: TokenRequest(ctx.settings.tokenTtlSeconds),
        response: { 200: TokenAnswer, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const principal = request.principal!;
      if (principal.kind !== 'api-key') throw new ForbiddenError('tokens are issued for API keys only; use your key to get a new token');
      const ttl = request.body.ttlSeconds ?? ctx.settings.tokenTtlSeconds;
      // The subject and the times only: who the bearer is, and with which role, is read from the key at each use.
      const token = app.jwt.sign({ sub: tokenSubject(principal.id) }, { expiresIn: ttl });
      return { token, tokenType: 'Bearer' as const, role: principal.role, expiresAt: new Date(Date.now() + ttl * 1000).toISOString() };
    },
  );
};
