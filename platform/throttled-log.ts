import type { Logger } from './log.ts';

/**
 * A log line for an error that repeats while a server is away (a client reconnecting every few milliseconds):
 * the first one at once, then at most one per `intervalMs`, saying how many were left out since the last.
 */
export function throttledLog(log: Logger, level: 'warn' | 'error', message: string, intervalMs = 10_000): (fields: Record<string, unknown>) => void {
  let last = -Infinity;
  let left = 0;
  return (fields) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      left++;
      return;
    }
    log[level](message, left > 0 ? { ...fields, repeated: left } : fields);
    last = now;
    left = 0;
  };
}
