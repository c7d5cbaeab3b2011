import fs from 'node:fs';

/**
 * The data directory holds customers' names and e-mails (ClickHouse's files, PostgreSQL's cluster) and the
 * embedded stores' passwords, so nobody but its owner may list or read it. As root the embedded PostgreSQL runs as
 * the `postgres` user, which must be able to pass through to its own cluster: then others may traverse the
 * directory (0711) but still not list it, and every store keeps its own folder 0700.
 */
export function ensurePrivateDir(dir: string, opts: { traversableByOthers?: boolean } = {}): void {
  const mode = opts.traversableByOthers ? 0o711 : 0o700;
  fs.mkdirSync(dir, { recursive: true, mode });
  // mkdirSync leaves an existing directory's mode as it was (and the umask applies to a new one): set it.
  if ((fs.statSync(dir).mode & 0o777) !== mode) fs.chmodSync(dir, mode);
}

/** The data directory itself: private, traversable by others only when the embedded PostgreSQL runs as another user. */
export function ensureDataDir(dataDir: string): void {
  ensurePrivateDir(dataDir, { traversableByOthers: process.getuid?.() === 0 });
}

/** Writes a secret only its owner can read, replacing any previous one atomically. */
export function writeSecretFile(file: string, secret: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${secret}\n`, { mode: 0o600 });
  fs.renameSync(temporary, file);
}

export function readSecretFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
