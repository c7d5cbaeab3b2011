import type { Role } from './roles.ts';

/**
 * What every route of the API follows, whether the API's own or a hosted plugin's (AppDeps.plugins: the review
 * desk, GraphQL, chat, personal data): it names the roles that may call it and how its writes are audited, and
 * it finds the caller in `request.principal`. The API (serving/auth, serving/audit) enforces it; plugins only
 * declare it, so both sides import this file and neither imports the other.
 */

/** Who is calling: the API key behind the request, whether it came as the key itself or as a token bought with it. */
export interface Principal {
  kind: 'api-key' | 'token';
  /** The key's id: what limits, logs and the audit trail count by, for the key and its tokens alike. */
  id: string;
  name: string;
  /** Always the key record's role, never a token's claim. */
  role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The caller's own X-Request-Id, logged beside ours (request.id) so their logs join ours; never ours. */
    callerRequestId: string | undefined;
  }
  interface FastifyContextConfig {
    /** Roles that may call the route. Required on every /v1 route; a route without it needs no credential. */
    roles?: readonly Role[];
    /**
     * How a write route is audited: `recorded` when the store records it with before and after in the write's own
     * transaction, `not-a-write` for a POST that only computes (prices, scores, queries). Any other successful
     * write through a route with roles is recorded here, after it answered, with the route and its parameters.
     */
    audit?: 'recorded' | 'not-a-write';
  }
}
