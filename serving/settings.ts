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
   * The scored-request log is written to ClickHouse every this many ms, or sooner when a batch is full. Every part
   * ClickHouse writes is merged again later, so fewer, larger inserts cost less in all; but with chDB each insert
   * runs in this process, and one of 20,000 rows took a core for ~0.3 s — the requests answered meanwhile were
   * the recommendation goal's tail (p99 50-180 ms at 5,000 reads/s). A second's worth at most is the balance.
   */
  requestLogFlushMs: number;
  requestLogBatchRows: number;
  /** Rows held while ClickHouse is unreachable; beyond this the oldest are dropped (and counted). */
  requestLogMaxBuffered: number;
  /**
   * Priority (nice, 0-19) of every thread of the API's process but the one that answers requests: the embedded
   * ClickHouse's inserts and merges, V8's concurrent marking and the libuv pool then take what cores the requests
   * leave. 0 leaves priorities alone. Applied only where the API owns its process (AppDeps.ownsProcess).
   */
  backgroundNice: number;
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
    requestLogBatchRows: intSetting(env, 'REQUEST_LOG_BATCH_ROWS', 5000, 1, 1_000_000),
    requestLogMaxBuffered: intSetting(env, 'REQUEST_LOG_MAX_BUFFERED', 200_000, 1, 10_000_000),
    backgroundNice: intSetting(env, 'API_BACKGROUND_NICE', 19, 0, 19),
    redisPrefix: env.REDIS_KEY_PREFIX?.trim() || 'spirit:',
  };
}
