import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../platform/errors.ts';

/** An HS256 key shorter than its hash output is guessable offline from any token. */
export const MIN_SECRET_BYTES = 32;

/**
 * Secrets that have been published as examples (ours included) or are common placeholders: anyone can sign
 * tokens with them, so the API refuses to start with one.
 */
const KNOWN_EXAMPLES = [
  'change-me-shared-by-every-api-replica',
  'change-me',
  'changeme',
  'secret',
  'your-256-bit-secret',
  'supersecret',
  'jwt-secret',
  'please-change-this-secret',
];

/** Why this configured secret must not be used, or undefined when it may. */
export function weakSecretReason(secret: string): string | undefined {
  const lowered = secret.toLowerCase();
  if (KNOWN_EXAMPLES.some((example) => lowered === example || lowered.startsWith('change-me') || lowered.startsWith('changeme'))) {
    return 'JWT_SECRET is a published example value: anyone can sign tokens with it; generate one, e.g. `openssl rand -base64 48`';
  }
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    return `JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (an HS256 key shorter than its hash is guessable); generate one, e.g. \`openssl rand -base64 48\``;
  }
  if (new Set(secret).size < 8) return 'JWT_SECRET repeats too few characters to be random; generate one, e.g. `openssl rand -base64 48`';
  return undefined;
}

/**
 * The HS256 secret for bearer tokens. JWT_SECRET when set, and then it must be strong. Without it, a single
 * machine (embedded PostgreSQL) gets a secret generated on first start and kept under the data directory
 * (readable by its owner only); an API on a shared database (DATABASE_URL) refuses to start, because its
 * replicas could not agree on a secret and none may be defaulted.
 */
export function jwtSecret(dataDir: string, configured: string | undefined, options: { sharedDatabase: boolean }): string {
  if (configured !== undefined) {
    const weak = weakSecretReason(configured);
    if (weak) throw new InputError(weak, 'JWT_SECRET');
    return configured;
  }
  if (options.sharedDatabase) {
    throw new InputError('JWT_SECRET is required when the API runs on a database server (DATABASE_URL): every replica must share it; generate one, e.g. `openssl rand -base64 48`', 'JWT_SECRET');
  }
  const file = path.join(dataDir, 'serving', 'jwt-secret');
  try {
    return generated(fs.readFileSync(file, 'utf8').trim(), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = crypto.randomBytes(48).toString('base64url');
  try {
    // 'wx' fails if another process wrote it first; then that one's secret is the one to use.
    fs.writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return generated(fs.readFileSync(file, 'utf8').trim(), file);
    throw err;
  }
}

/** What the API writes in its secret file: 48 random bytes, base64url. */
const GENERATED = /^[A-Za-z0-9_-]{64}$/;

/**
 * The secret file's text, if it is one this API generated. Anything else (a file overwritten by whoever could
 * write there, with text they know) would let them sign tokens: the API refuses to start, naming the file.
 */
function generated(secret: string, file: string): string {
  if (GENERATED.test(secret) && weakSecretReason(secret) === undefined) return secret;
  throw new InputError(`${file} does not hold a secret this API generated (64 base64url characters); delete it to generate a new one (tokens signed with the old one stop working), or set JWT_SECRET`, 'JWT_SECRET');
}
