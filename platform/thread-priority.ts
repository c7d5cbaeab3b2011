import { readdirSync } from 'node:fs';
import os from 'node:os';

/**
 * Lowers the scheduling priority of every thread of this process but the JavaScript one, so that where cores are
 * short the thread that answers requests runs first, and work that can wait — the embedded ClickHouse's inserts and
 * merges, V8's concurrent marking, the libuv pool — takes what is left.
 *
 * Why threads and not the process: the JavaScript thread must keep its priority. On Linux `setpriority` with a
 * thread id (PRIO_PROCESS) changes that thread alone, and `os.setPriority` passes the id through. Threads are read
 * from /proc/self/task; elsewhere (no /proc) this does nothing and says so.
 *
 * Why again and again: threads come and go (chDB starts pool threads when work arrives), and ClickHouse puts a
 * query's thread back to priority 0 when the query ends (`os_thread_priority` lasts for one query), so a thread
 * lowered once is not lowered for good.
 *
 * Lowering a priority needs no privilege; raising it back does, so a process that calls this keeps it for life.
 */
export function lowerOtherThreads(nice: number): { lowered: number; threads: number } | undefined {
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) throw new RangeError(`nice must be a whole number from 0 to 19, got ${nice}`);
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return undefined;
  }
  let lowered = 0;
  for (const name of tids) {
    const tid = Number(name);
    if (tid === process.pid) continue;
    try {
      if (os.getPriority(tid) < nice) {
        os.setPriority(tid, nice);
        lowered++;
      }
    } catch {
      // The thread ended between the listing and the call.
    }
  }
  return { lowered, threads: tids.length };
}

/** `lowerOtherThreads` now and every `everyMs`, until the returned function is called. */
export function keepOtherThreadsLowered(nice: number, everyMs = 1000): () => void {
  lowerOtherThreads(nice);
  const timer = setInterval(() => lowerOtherThreads(nice), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
