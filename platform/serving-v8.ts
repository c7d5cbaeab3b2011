import v8 from 'node:v8';
import type { Logger } from './log.ts';

/**
 * How V8 is set for a process that answers requests (`spirit-ml serve`, `spirit-ml start` once its pipeline is done,
 * the serving bench's server). Two settings, each found by lining up the API's latency under steady load with
 * `--trace-gc` (serving/README.md#measured):
 *
 * - **No memory reducer** (a start flag: V8 creates its memory reducer with the heap, so it cannot be turned off
 *   from inside the process). The memory reducer exists to give memory back when a page goes idle; its watchdog
 *   starts a full, memory-reducing collection whenever the last one is more than 100 s old — which is always the
 *   case for a server whose old generation grows slowly. Under 5,000 recommendation reads/s that collection came
 *   about 100 s after the previous one, stalled the API for 60–140 ms (978 and 2,249 answers past 20 ms in two runs) and shrank
 *   the young generation, so young collections then ran eight times as often. Without it, full collections come
 *   only when the old generation reaches V8's limit: none in 360 s of the same load.
 * - **No allocation-site pretenuring** (set at run time). Pretenuring allocates straight into the old generation from
 *   any site whose objects were seen to live long — and during the API's warm-up, when feature lookups miss the
 *   cache and wait on ClickHouse, the request path's closures and async state do live long. Judged long-lived then,
 *   they were allocated old on every request after, as garbage only a full collection reclaims: the old generation
 *   grew 0.37–0.40 MB/s under recommendation reads with pretenuring, 0.22–0.23 MB/s without. V8 reads the flag at
 *   every collection, so it takes effect from the next one. Not for batch jobs, where long-lived allocation sites
 *   are the common case pretenuring is for.
 */
export const SERVING_V8_FLAGS: readonly string[] = ['--no-memory-reducer'];

/** The serving start flags this process was not started with (`node --no-memory-reducer …`). */
export function missingServingV8Flags(execArgv: readonly string[] = process.execArgv): string[] {
  // V8 takes --no_memory_reducer as well as --no-memory-reducer.
  const given = new Set(execArgv.map((arg) => arg.replaceAll('_', '-')));
  return SERVING_V8_FLAGS.filter((flag) => !given.has(flag));
}

/**
 * Sets what can be set at run time and says, once, which start flags are missing: the API works without them, with
 * a full collection and its stall about every 100 s under load.
 */
export function tuneV8ForServing(log: Logger): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
  const missing = missingServingV8Flags();
  if (missing.length > 0) {
    log.warn(`node was started without ${missing.join(' ')}: under steady load V8 will stop the API for a full collection about every 100 s. Start it as \`node ${SERVING_V8_FLAGS.join(' ')} bin/spirit-ml.js serve\` (npm start and the spirit-ml command do)`, { missingFlags: missing });
  }
}
