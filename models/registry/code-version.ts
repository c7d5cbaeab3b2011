import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The code that trained a model: the git commit when running from a checkout, else the package version
 * (an installed build has no .git). Read once per process: it cannot change while the process runs.
 */
const repoRoot = new URL('../..', import.meta.url);
let cached: string | undefined;

function gitCommit(): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    const commit = out.toString().trim();
    return /^[0-9a-f]{40}$/.test(commit) ? `git:${commit}` : undefined;
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
