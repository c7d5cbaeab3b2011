import v8 from 'node:v8';
import type { Logger } from './log.ts';

/**
 * How V8 is set for a process that answers requests (`spirit-ml serve`, `spirit-ml start` once its pipeline is done,
 * the serving bench's server). Both settings were found by lining up the API's latency under steady load with
 * `--trace-gc` (the serving bench; figures in bench/results/latest-serving.md):
 *
 * - **No memory reducer** (a start flag: V8 creates its memory reducer with the heap). Its watchdog starts a full,
 *   memory-reducing collection whenever the last one is old — always the case for a server whose old generation
 *   grows slowly — which stalls the API and shrinks the young generation, so young collections then run far more
 *   often. Without it, full collections come only when the old generation reaches V8's limit.
 * - **No allocation-site pretenuring** (set at run time). During warm-up, while feature lookups wait on ClickHouse,
 *   the request path's closures live long; pretenuring then allocates them old on every later request, as garbage
 *   only a full collection reclaims. V8 reads the flag at every collection. Not for batch jobs, where long-lived
 *   allocation sites are the common case pretenuring is for.
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
