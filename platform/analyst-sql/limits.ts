import { InputError } from '../errors.ts';

/**
 * What one analyst query may take. Each caller (the CLI, the API) picks its defaults within the ceilings; the
 * ceilings are also the MAX constraints of the ClickHouse server's analyst profile (deploy/clickhouse), so a
 * server refuses more even when asked directly.
 */
export interface AnalystLimits {
  /** Wall time of the query, seconds (ClickHouse's max_execution_time). */
  seconds: number;
  /** Rows in the result; a query that would return more fails (max_result_rows, overflow mode throw). */
  rows: number;
  /** Uncompressed size of the result, bytes (max_result_bytes, overflow mode throw). */
  resultBytes: number;
  /** Memory the query may use, bytes (max_memory_usage). */
  memoryBytes: number;
  /** Threads the query may use; undefined leaves ClickHouse's default (all cores). */
  threads?: number;
}

export const LIMIT_CEILINGS: Required<AnalystLimits> = {
  seconds: 300,
  rows: 1_000_000,
  resultBytes: 1024 ** 3,
  memoryBytes: 4 * 1024 ** 3,
  threads: 16,
};

/** A person at the command line: room for a big export, still bounded. */
export const CLI_LIMITS: AnalystLimits = { seconds: 120, rows: 1_000_000, resultBytes: 512 * 1024 ** 2, memoryBytes: 2 * 1024 ** 3 };

/** An analyst query inside the API process shares its cores with scoring: one thread, less memory, less time. */
export const API_LIMITS: Required<AnalystLimits> = { seconds: 30, rows: 10_000, resultBytes: 64 * 1024 ** 2, memoryBytes: 1024 ** 3, threads: 1 };

/** The limits asked for, each within its ceiling; names the field at fault otherwise. */
export function checkLimits(limits: AnalystLimits, ceilings: AnalystLimits = LIMIT_CEILINGS): AnalystLimits {
  const fields: Array<[keyof AnalystLimits, string]> = [
    ['seconds', 'timeoutSeconds'],
    ['rows', 'maxRows'],
    ['resultBytes', 'maxResultBytes'],
    ['memoryBytes', 'maxMemoryBytes'],
    ['threads', 'maxThreads'],
  ];
  for (const [key, field] of fields) {
    const value = limits[key];
    if (value === undefined) continue;
    const ceiling = ceilings[key] ?? LIMIT_CEILINGS[key];
    if (!Number.isInteger(value) || value < 1 || value > ceiling) {
      throw new InputError(`${field} must be a whole number from 1 to ${ceiling}, got ${String(value)}`, field);
    }
  }
  return limits;
}

/** The ClickHouse settings that enforce the limits. */
export function limitSettings(limits: AnalystLimits): Record<string, number | string> {
  const settings: Record<string, number | string> = {
    max_execution_time: limits.seconds,
    timeout_overflow_mode: 'throw',
    max_result_rows: limits.rows,
    max_result_bytes: limits.resultBytes,
    result_overflow_mode: 'throw',
    max_memory_usage: limits.memoryBytes,
  };
  if (limits.threads !== undefined) settings.max_threads = limits.threads;
  return settings;
}
