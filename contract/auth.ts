import { Type, type Static } from 'typebox';

/** Roles a credential carries (one each), and POST /v1/auth/token, which trades an API key for a bearer token. */
export const ROLES = ['quotation-engine', 'pricing-manager', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The longest lifetime is the server's setting (TOKEN_TTL_SECONDS), so the body is built with it. */
export const TokenRequest = (maxTtlSeconds: number) =>
  Type.Object(
    { ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: maxTtlSeconds, description: 'Lifetime, at most the server’s TOKEN_TTL_SECONDS' })) },
    { additionalProperties: false },
  );

export const TokenAnswer = Type.Object({ token: Type.String(), tokenType: Type.Literal('Bearer'), role: Type.String(), expiresAt: Type.String({ format: 'date-time' }) });
export type TokenAnswer = Static<typeof TokenAnswer>;
