import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { portAnswers, requireServices } from './services.ts';

/**
 * A Redis server of the test's own, on a free port, for tests that stop it (the machine's Redis on 6379 is
 * shared and must keep running). Needs `redis-server` on the PATH; without it the test says so and is skipped,
 * or fails under REQUIRE_SERVICES=1.
 */
export interface OwnRedis {
  url?: string;
  skipReason?: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve());
    });
  } catch (err) {
    const reason = `redis-server cannot be started (${(err as Error).message}); skipping the tests that stop a Redis`;
    if (requireServices) throw new Error(reason);
    process.stderr.write(`# ${reason}\n`);
    return { skipReason: reason, stop: async () => undefined };
  }
  for (let i = 0; i < 100 && !(await portAnswers('127.0.0.1', port, 200)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
