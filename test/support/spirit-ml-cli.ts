import { spawn } from 'node:child_process';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/**
 * `spirit-ml ARGS…` as a user runs it: a process of its own from the repository root, with the environment given
 * on top of this one (logs at error level, so that what it prints is what a user reads).
 */
export function runSpiritMl(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'error', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
