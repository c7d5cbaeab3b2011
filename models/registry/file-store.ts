import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { InputError, SpiritError } from '../../platform/errors.ts';
import { KeyExistsError, type ArtifactStore, type StoreOptions } from './artifact-store.ts';

/** Keys are plain relative paths: no `..`, no absolute paths, no hidden or temporary names. */
const KEY_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const TEMP_SUFFIX = '.tmp';
const LOCK_SUFFIX = '.lock';
/**
 * Model files hold customers' ids and factors: readable by the owner only, as every store under the data directory
 * (platform/data-dir.ts). Folders and files were made with the umask's 0755/0644, readable by any local user.
 */
const PRIVATE_FOLDER = 0o700;
const PRIVATE_FILE = 0o600;

function checkKey(key: string): void {
  const segments = key.split('/');
  if (segments.some((s) => !KEY_SEGMENT.test(s) || s.endsWith(TEMP_SUFFIX) || s.endsWith(LOCK_SUFFIX))) {
    throw new InputError(`"${key}" is not a valid registry key (letters, digits, . _ - separated by /)`, 'key');
  }
}

/**
 * The `file:` store. Writes go to a temporary file in the target's folder and are renamed into place, which is
 * atomic on one filesystem; exclusive writes use link(), which refuses to replace an existing name.
 * Locks are files created with the `wx` flag (fails if present), so they work across processes on one host
 * and on NFS v3+.
 */
export class FileArtifactStore implements ArtifactStore {
  readonly url: string;
  private readonly lockTimeoutMs: number;

  constructor(
    readonly root: string,
    options: StoreOptions = {},
  ) {
    this.url = pathToFileURL(root).href;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
  }

  private pathOf(key: string): string {
    checkKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  private async writeTemp(file: string, bytes: Uint8Array): Promise<string> {
    await mkdir(path.dirname(file), { recursive: true, mode: PRIVATE_FOLDER });
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
    await writeFile(temp, bytes, { flush: true, mode: PRIVATE_FILE });
    return temp;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const file = this.pathOf(key);
    await rename(await this.writeTemp(file, bytes), file);
  }

  async putNew(key: string, bytes: Uint8Array): Promise<void> {
    const file = this.pathOf(key);
    const temp = await this.writeTemp(file, bytes);
    try {
      await link(temp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new KeyExistsError(key);
      throw err;
    } finally {
      await unlink(temp);
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const folder = prefix.replace(/\/+$/, '');
    const start = folder === '' ? this.root : this.pathOf(folder);
    let entries;
    try {
      entries = await readdir(start, { recursive: true, withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw err;
    }
    return entries
      .filter((e) => e.isFile() && KEY_SEGMENT.test(e.name) && !e.name.endsWith(TEMP_SUFFIX) && !e.name.endsWith(LOCK_SUFFIX))
      .map((e) => path.relative(this.root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .sort();
  }

  urlOf(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  async lock(key: string): Promise<() => Promise<void>> {
    const file = this.pathOf(key) + LOCK_SUFFIX;
    await mkdir(path.dirname(file), { recursive: true, mode: PRIVATE_FOLDER });
    const holder = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() });
    const deadline = Date.now() + this.lockTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(file, 'wx', PRIVATE_FILE);
        await handle.writeFile(holder);
        await handle.close();
        return () => unlink(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      if (Date.now() > deadline) {
        const current = await readFile(file, 'utf8').catch(() => 'unknown holder');
        // A crashed process leaves its lock behind; removing it automatically could break a live holder's
        // registration, so a person decides.
        throw new SpiritError(
          'registry_locked',
          `registry lock ${file} is still held after ${this.lockTimeoutMs} ms by ${current}; if that process is gone, delete the file`,
        );
      }
      // Jittered back-off so two waiting processes do not retry in lockstep.
      await sleep(Math.min(200, 5 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()));
    }
  }
}
