/**
 * What a bearer token may say, and what it is trusted for. A token names the API key it was bought with as its
 * subject (`key:<id>`) and carries its issue and expiry times; nothing else in it is believed. The caller's role
 * and name come from that key's record, so a token signed by someone who learnt the secret still cannot make
 * itself an admin, and revoking the key ends its tokens at once.
 */
export interface TokenClaims {
  sub: string;
  iat: number;
  exp: number;
}

/** Clock difference between API replicas tolerated on `iat`. */
const CLOCK_SKEW_SECONDS = 60;

const KEY_SUBJECT = /^key:([1-9][0-9]{0,17})$/;

export function tokenSubject(keyId: string): string {
  return `key:${keyId}`;
}

export type ClaimsVerdict = { keyId: string } | { refused: string };

/**
 * The key id a verified token stands for, or why it is refused: no subject naming a key, no expiry, or a
 * lifetime longer than the server hands out (a token minted elsewhere to last for ever).
 */
export function checkClaims(claims: Record<string, unknown>, maxTtlSeconds: number, nowSeconds = Date.now() / 1000): ClaimsVerdict {
  const keyId = typeof claims.sub === 'string' ? KEY_SUBJECT.exec(claims.sub)?.[1] : undefined;
  if (keyId === undefined) return { refused: 'the bearer token names no API key as its subject' };
  const { exp, iat } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return { refused: 'the bearer token has no expiry (exp): ask for one at POST /v1/auth/token' };
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return { refused: 'the bearer token has no issue time (iat): ask for one at POST /v1/auth/token' };
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS) return { refused: 'the bearer token was issued in the future' };
  if (exp - iat > maxTtlSeconds || exp - nowSeconds > maxTtlSeconds + CLOCK_SKEW_SECONDS) {
    return { refused: `the bearer token lives longer than this server allows (${maxTtlSeconds} s): ask for one at POST /v1/auth/token` };
  }
  return { keyId };
}
