import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { lowerOtherThreads } from './thread-priority.ts';

/**
 * Run in a child process: a lowered priority cannot be raised back without privilege, and the test runner's own
 * threads should keep theirs. The child starts worker threads (each a thread of its own), lowers, starts another
 * while the keeper runs, and prints the nice value of every thread it has.
 */
const CHILD = `
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { lowerOtherThreads, keepOtherThreadsLowered } from './platform/thread-priority.ts';
const idle = () => new Worker('setInterval(() => {}, 1000)', { eval: true });
const nices = () => Object.fromEntries(readdirSync('/proc/self/task').map((tid) => {
  const stat = readFileSync('/proc/self/task/' + tid + '/stat', 'utf8');
  return [tid === String(process.pid) ? 'main' : tid, Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[16])];
}));
const first = idle();
await new Promise((resolve) => first.once('online', resolve));
const mainBefore = os.getPriority();
const once = lowerOtherThreads(7);
const afterOnce = nices();
const stop = keepOtherThreadsLowered(9, 50);
const late = idle();
await new Promise((resolve) => late.once('online', resolve));
await new Promise((resolve) => setTimeout(resolve, 300));
stop();
console.log(JSON.stringify({ mainBefore, once, afterOnce, afterKeeper: nices() }));
process.exit(0);
`;

describe('lowering the priority of the other threads', () => {
  it('lowers every thread but the JavaScript one, and a keeper catches threads started later', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], { cwd: new URL('..', import.meta.url).pathname, encoding: 'utf8' });
    const { mainBefore, once, afterOnce, afterKeeper } = JSON.parse(out.trim().split('\n').at(-1)!) as {
      mainBefore: number;
      once: { lowered: number; threads: number };
      afterOnce: Record<string, number>;
      afterKeeper: Record<string, number>;
    };
    // A worker thread, V8's and libuv's threads: several others, all lowered.
    assert.ok(once.lowered >= 2, `lowered ${once.lowered} of ${once.threads}`);
    assert.equal(afterOnce.main, mainBefore);
    assert.equal(afterKeeper.main, mainBefore);
    const others = (nices: Record<string, number>) => Object.entries(nices).filter(([tid]) => tid !== 'main');
    for (const [tid, nice] of others(afterOnce)) assert.ok(nice >= 7, `thread ${tid} at nice ${nice} after lowering to 7`);
    // Including the worker started after the first call (it began at the main thread's priority).
    assert.ok(others(afterKeeper).length > others(afterOnce).length, 'the late worker added threads');
    for (const [tid, nice] of others(afterKeeper)) assert.ok(nice >= 9, `thread ${tid} at nice ${nice} under the keeper at 9`);
  });

  it('refuses a nice value outside 0-19', () => {
    assert.throws(() => lowerOtherThreads(20), /nice must be a whole number from 0 to 19, got 20/);
    assert.throws(() => lowerOtherThreads(-1), /got -1/);
    assert.throws(() => lowerOtherThreads(2.5), /got 2.5/);
  });
});
