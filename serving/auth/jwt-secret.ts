import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The HS256 secret for bearer tokens: JWT_SECRET when set (every replica of the API must share it), else a
 * secret generated on first start and kept under the data directory (readable by its owner only), so tokens
 * survive a restart of a single-machine install without any configuration.
 */
export function jwtSecret(dataDir: string, configured: string | undefined): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'serving', 'jwt-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = crypto.randomBytes(48).toString('base64url');
  try {
    // 'wx' fails if another process wrote it first; then that one's secret is the one to use.
    fs.writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw err;
  }
}
