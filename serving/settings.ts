import { InputError } from '../platform/errors.ts';

/**
 * The API's own settings, read from the environment next to platform/config.ts (which holds what every
 * process shares). Each has a default that suits one API process on a laptop; buildApp takes overrides so tests
 * can shorten the poll interval or the feature timeout without touching the environment.
 */
export interface ServingSettings {
  /** HS256 secret for JWT bearer tokens; unset means a secret generated once per data directory. */
  jwtSecret: string | undefined;
  /** Lifetime of the tokens POST /v1/auth/token hands out. */
  tokenTtlSeconds: number;
  /** Requests per minute allowed to one credential (API key or token subject). */
  rateLimitPerMinute: number;
  /** Largest request body; a batch of 500 quotations is about 150 KB. */
  bodyLimitBytes: number;
  /** How often the registry is asked whether a family's champion changed. 0 turns polling off. */
  modelPollMs: number;
  /** Longest wait for online features before the defaults are used. */
  featureTimeoutMs: number;
  /** How long a verified API key is trusted without asking PostgreSQL again (revocation also clears it at once). */
  keyCacheMs: number;
  /**
   * The scored-request log is written to ClickHouse every this many ms, or sooner when a batch is full. With chDB
   * each insert runs in this process, on the cores that answer requests, and holds a core for as long as it takes:
   * `npm run bench -- request-log-insert` (5,000 recommendation rows/s) measured the longest insert at 49, 71, 160,
   * 274 and 599 ms for batches of 1,000, 2,500, 5,000, 10,000 and 20,000 rows, for about the same CPU per row
   * (24–30 µs including the merges; 1,000-row batches the most). 20,000 was the default, and its inserts were the
   * recommendation reads' tail; 2,500 holds a core a ninth as long.
   */
  requestLogFlushMs: number;
  requestLogBatchRows: number;
  /** Rows held while ClickHouse is unreachable; beyond this the oldest are dropped (and counted). */
  requestLogMaxBuffered: number;
  /** Prefix of every Redis key the API writes (cache, rate-limit counts), so environments can share one Redis. */
  redisPrefix: string;
}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new InputError(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`, name);
  return value;
}

export function loadServingSettings(env: NodeJS.ProcessEnv = process.env): ServingSettings {
  const jwtSecret = env.JWT_SECRET?.trim() || undefined;
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new InputError('JWT_SECRET must be at least 32 characters (an HS256 key shorter than its hash is guessable)', 'JWT_SECRET');
  }
  return {
    jwtSecret,
    tokenTtlSeconds: intSetting(env, 'TOKEN_TTL_SECONDS', 3600, 60, 7 * 86_400),
    rateLimitPerMinute: intSetting(env, 'RATE_LIMIT_PER_MINUTE', 300_000, 1, 100_000_000),
    bodyLimitBytes: intSetting(env, 'API_BODY_LIMIT_BYTES', 1_048_576, 1024, 64 * 1_048_576),
    modelPollMs: intSetting(env, 'MODEL_POLL_SECONDS', 10, 0, 86_400) * 1000,
    featureTimeoutMs: intSetting(env, 'FEATURE_TIMEOUT_MS', 50, 1, 60_000),
    keyCacheMs: intSetting(env, 'API_KEY_CACHE_SECONDS', 30, 0, 3600) * 1000,
    requestLogFlushMs: intSetting(env, 'REQUEST_LOG_FLUSH_MS', 1000, 10, 600_000),
    requestLogBatchRows: intSetting(env, 'REQUEST_LOG_BATCH_ROWS', 2500, 1, 1_000_000),
    requestLogMaxBuffered: intSetting(env, 'REQUEST_LOG_MAX_BUFFERED', 200_000, 1, 10_000_000),
    redisPrefix: env.REDIS_KEY_PREFIX?.trim() || 'spirit:',
  };
}
