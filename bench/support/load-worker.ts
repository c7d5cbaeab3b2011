/**
 * The open-loop generator (open-loop.ts) on a thread of its own, for a bench whose API runs in the bench's process
 * (the soak): the generator's work stays off the API's event loop, and each request's latency and status land in
 * shared memory, indexed by request, for the bench to read by phase.
 *
 * Started with `startLoad`; the worker and its caller agree on when request 0 is due through the wall clock
 * (`performance.timeOrigin` differs per thread), and the caller measures from that same moment.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { startTsWorker } from '../../platform/ts-worker.ts';
import { openLoop, type LoadRequest, type OpenLoopResult } from './open-loop.ts';

export interface LoadPlan {
  url: string;
  rate: number;
  seconds: number;
  requests: readonly LoadRequest[];
  timeoutMs: number;
  maxSockets: number;
}

interface WorkerInput extends LoadPlan {
  /** Wall-clock ms (performance.timeOrigin + now) at which request 0 is due. */
  startEpochMs: number;
  latency: SharedArrayBuffer;
  status: SharedArrayBuffer;
}

export interface LoadRecords {
  /** Latency of request i from when it was due (ms); due at i / rate seconds after the start. */
  latencyMs: Float64Array;
  /** Status of request i; 0: no answer. */
  status: Int16Array;
  /** Requests without an answer, by cause (a connection error's code, `closed`, `timeout`). */
  noAnswer: Record<string, number>;
  result: OpenLoopResult;
}

/**
 * Sends `plan` from a worker thread, request 0 due `delayMs` from now. Returns when request 0 is due, on this
 * thread's performance.now() clock, and the records once every request has settled.
 */
export function startLoad(plan: LoadPlan, delayMs = 250): { startAt: number; done: Promise<LoadRecords> } {
  const total = Math.round(plan.rate * plan.seconds);
  const startAt = performance.now() + delayMs;
  const input: WorkerInput = {
    ...plan,
    startEpochMs: performance.timeOrigin + startAt,
    latency: new SharedArrayBuffer(total * Float64Array.BYTES_PER_ELEMENT),
    status: new SharedArrayBuffer(total * Int16Array.BYTES_PER_ELEMENT),
  };
  const worker = startTsWorker(new URL(import.meta.url), input);
  const done = new Promise<LoadRecords>((resolve, reject) => {
    worker.once('message', ({ result, noAnswer }: { result: OpenLoopResult; noAnswer: Record<string, number> }) =>
      resolve({ latencyMs: new Float64Array(input.latency), status: new Int16Array(input.status), noAnswer, result }),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the load worker exited (${code}) before reporting`)));
  });
  return { startAt, done };
}

if (!isMainThread && parentPort) {
  const input = workerData as WorkerInput;
  const latency = new Float64Array(input.latency);
  const status = new Int16Array(input.status);
  const noAnswer: Record<string, number> = {};
  const result = await openLoop({
    url: input.url,
    rate: input.rate,
    seconds: input.seconds,
    warmupSeconds: 0,
    requests: input.requests,
    timeoutMs: input.timeoutMs,
    maxSockets: input.maxSockets,
    startAt: input.startEpochMs - performance.timeOrigin,
    onSettled: (index, ms, answer, cause) => {
      latency[index] = ms;
      status[index] = answer;
      if (answer === 0) noAnswer[cause ?? 'unknown'] = (noAnswer[cause ?? 'unknown'] ?? 0) + 1;
    },
  });
  parentPort.postMessage({ result, noAnswer });
}
