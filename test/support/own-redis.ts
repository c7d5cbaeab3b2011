import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.ts';
import { portAnswers, requireServices } from './services.ts';

/**
 * A Redis server of the test's own, on a free port, for tests that stop it (the machine's Redis on 6379 is
 * shared and must keep running). Needs `redis-server` on the PATH; without it the test says so and is skipped,
 * or fails under REQUIRE_SERVICES=1. `kill()` ends it as a crash would (SIGKILL) and `restart()` starts it again
 * on the same port: empty, unless `appendOnlyDir` is given (then it persists as docker-compose runs it, an
 * append-only file synced every second).
 */
export interface OwnRedis {
  url?: string;
  skipReason?: string;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}


async function spawnRedis(port: number, appendOnlyDir: string | undefined): Promise<ChildProcess> {
  const persistence = appendOnlyDir ? ['--appendonly', 'yes', '--dir', appendOnlyDir] : ['--appendonly', 'no'];
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--maxmemory-policy', 'noeviction', ...persistence], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => resolve());
  });
  for (let i = 0; i < 100 && !(await portAnswers('127.0.0.1', port, 200)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return child;
}

export async function startOwnRedis(opts: { appendOnlyDir?: string } = {}): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = await spawnRedis(port, opts.appendOnlyDir);
  } catch (err) {
    const reason = `redis-server cannot be started (${(err as Error).message}); skipping the tests that stop a Redis`;
    if (requireServices) throw new Error(reason);
    process.stderr.write(`# ${reason}\n`);
    const nothing = async () => undefined;
    return { skipReason: reason, kill: nothing, restart: nothing, stop: nothing };
  }
  let stopped = false;
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    async restart() {
      await kill();
      child = await spawnRedis(port, opts.appendOnlyDir);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill();
    },
  };
}
