import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The code that trained a model: the git commit when running from a checkout, else the package version
 * (an installed build has no .git). A checkout with changes not committed (tracked or new files) adds `+dirty`:
 * the commit alone would name code that did not train the model. Read once per process.
 */
const repoRoot = new URL('../..', import.meta.url);
let cached: string | undefined;

/** The commit checked out in `dir`, with `+dirty` when it has changes; undefined outside a git checkout. */
export function gitCommit(dir: URL | string = repoRoot): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    const commit = out.toString().trim();
    if (!/^[0-9a-f]{40}$/.test(commit)) return undefined;
    const changes = execFileSync('git', ['status', '--porcelain'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).toString();
    return `git:${commit}${changes.trim() ? '+dirty' : ''}`;
  } catch {
    return undefined;
  }
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('package.json', repoRoot), 'utf8')) as { name?: string; version?: string };
    return `${pkg.name ?? 'spirit-ml'}@${pkg.version ?? 'unknown'}`;
  } catch {
    return 'unknown';
  }
}

export function codeVersion(): string {
  cached ??= gitCommit() ?? packageVersion();
  return cached;
}
