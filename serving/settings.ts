import { InputError } from '../platform/errors.ts';
import { streamSettings, type StreamSettings } from '../platform/event-stream.ts';

/**
 * The API's own settings, read from the environment next to platform/config.ts (which holds what every
 * process shares). Each has a default that suits one API process on a laptop; buildApp takes overrides so tests
 * can shorten the poll interval or the feature timeout without touching the environment.
 */
export interface ServingSettings {
  /** HS256 secret for JWT bearer tokens; unset means a secret generated once per data directory (single machine only). */
  jwtSecret: string | undefined;
  /** Longest lifetime of the tokens POST /v1/auth/token hands out; tokens claiming longer are refused. */
  tokenTtlSeconds: number;
  /** Requests per minute allowed to one API key, its tokens included. */
  rateLimitPerMinute: number;
  /** Refused credentials one client address may present per minute before it is refused without a lookup. */
  failedCredentialsPerMinute: number;
  /** Origins whose pages may call the API from a browser (CORS); empty means none. `*` allows any, without credentials. */
  corsOrigins: string[];
  /**
   * Which X-Forwarded-For entries to believe for the client's address: false (none), a number of proxies in front
   * (the address the outermost of them saw; `true` is one), or the proxies' addresses or CIDR ranges. Trusting every
   * hop would let a client name its own address in the header, and with it escape the failed-credential limit.
   */
  trustProxy: false | number | string[];
  /** Largest request body; a batch of 500 quotations is about 150 KB. */
  bodyLimitBytes: number;
  /**
   * Longest a client may take to send a whole request. Fastify's default (none) let a client hold a connection open
   * for ever by trickling its body, with or without a credential.
   */
  requestTimeoutMs: number;
  /** Most connections open at once; beyond it new ones are closed at once, before they can use up file handles. */
  maxConnections: number;
  /** How often the registry is asked whether a family's champion changed. 0 turns polling off. */
  modelPollMs: number;
  /** Longest wait for online features before the defaults are used. */
  featureTimeoutMs: number;
  /** How often the catalogue held in memory (online/catalogue.ts) is read again; 0 loads it once. */
  catalogueRefreshMs: number;
  /** How long a verified API key is trusted without asking PostgreSQL again (revocation also clears it at once). */
  keyCacheMs: number;
  /** How long an already-verified key keeps working while PostgreSQL does not answer. */
  keyOutageGraceMs: number;
  /** How often the set of customers without personalisation (erased, no consent) is read again. */
  consentPollMs: number;
  /**
   * The scored-request log is written to ClickHouse every this many ms, or sooner when a batch is full. With chDB
   * each insert runs in this process, on the cores that answer requests, and holds a core for as long as it takes,
   * so batches are kept small (bench/results/latest-request-log-insert.md has the trade-off measured).
   */
  requestLogFlushMs: number;
  requestLogBatchRows: number;
  /** Rows held while ClickHouse is unreachable; beyond this the oldest are dropped (and counted). */
  requestLogMaxBuffered: number;
  /** Prefix of every Redis key the API writes (cache, rate-limit counts), so environments can share one Redis. */
  redisPrefix: string;
  /** The domain-event stream whose consumer lag the API reports (OUTBOX_STREAM, OUTBOX_STREAM_MAXLEN). */
  eventStream: StreamSettings;
  /** How often the event backlog (outbox and stream) is sampled for /metrics and /ready. 0 turns sampling off. */
  eventBacklogSampleMs: number;
}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new InputError(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`, name);
  return value;
}

/** `https://a.example, https://b.example` → the list; each must be an origin (scheme, host, port), or `*` alone. */
function originsSetting(env: NodeJS.ProcessEnv): string[] {
  const raw = env.CORS_ORIGINS?.trim();
  if (!raw) return [];
  const origins = raw.split(',').map((o) => o.trim()).filter((o) => o !== '');
  if (origins.includes('*')) {
    if (origins.length > 1) throw new InputError('CORS_ORIGINS is either * alone or a list of origins, not both', 'CORS_ORIGINS');
    return ['*'];
  }
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new InputError(`CORS_ORIGINS must list origins such as https://quotes.example.com (no path, no trailing slash), got "${origin}"`, 'CORS_ORIGINS');
    }
  }
  return origins;
}

const PROXY_ADDRESS = /^[0-9a-fA-F:.]+(?:\/\d{1,3})?$/;

function trustProxySetting(env: NodeJS.ProcessEnv): false | number | string[] {
  const raw = env.TRUST_PROXY?.trim();
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true') return 1;
  if (/^\d+$/.test(raw) && Number(raw) <= 10) return Number(raw);
  const addresses = raw.split(',').map((a) => a.trim()).filter(Boolean);
  if (addresses.length > 0 && addresses.every((a) => PROXY_ADDRESS.test(a))) return addresses;
  throw new InputError(`TRUST_PROXY must be false, true (one proxy in front), a number of proxies up to 10, or the proxies' addresses or CIDR ranges, got "${raw}"`, 'TRUST_PROXY');
}

export function loadServingSettings(env: NodeJS.ProcessEnv = process.env): ServingSettings {
  return {
    jwtSecret: env.JWT_SECRET?.trim() || undefined,
    tokenTtlSeconds: intSetting(env, 'TOKEN_TTL_SECONDS', 3600, 60, 7 * 86_400),
    rateLimitPerMinute: intSetting(env, 'RATE_LIMIT_PER_MINUTE', 300_000, 1, 100_000_000),
    failedCredentialsPerMinute: intSetting(env, 'FAILED_CREDENTIALS_PER_MINUTE', 30, 1, 1_000_000),
    corsOrigins: originsSetting(env),
    trustProxy: trustProxySetting(env),
    bodyLimitBytes: intSetting(env, 'API_BODY_LIMIT_BYTES', 1_048_576, 1024, 64 * 1_048_576),
    requestTimeoutMs: intSetting(env, 'API_REQUEST_TIMEOUT_SECONDS', 30, 1, 3600) * 1000,
    maxConnections: intSetting(env, 'API_MAX_CONNECTIONS', 10_000, 1, 1_000_000),
    modelPollMs: intSetting(env, 'MODEL_POLL_SECONDS', 10, 0, 86_400) * 1000,
    featureTimeoutMs: intSetting(env, 'FEATURE_TIMEOUT_MS', 50, 1, 60_000),
    catalogueRefreshMs: intSetting(env, 'CATALOGUE_REFRESH_MS', 300_000, 0, 86_400_000),
    keyCacheMs: intSetting(env, 'API_KEY_CACHE_SECONDS', 30, 0, 3600) * 1000,
    keyOutageGraceMs: intSetting(env, 'API_KEY_OUTAGE_GRACE_SECONDS', 600, 0, 86_400) * 1000,
    consentPollMs: intSetting(env, 'CONSENT_POLL_SECONDS', 5, 1, 3600) * 1000,
    requestLogFlushMs: intSetting(env, 'REQUEST_LOG_FLUSH_MS', 1000, 10, 600_000),
    requestLogBatchRows: intSetting(env, 'REQUEST_LOG_BATCH_ROWS', 2500, 1, 1_000_000),
    requestLogMaxBuffered: intSetting(env, 'REQUEST_LOG_MAX_BUFFERED', 200_000, 1, 10_000_000),
    redisPrefix: env.REDIS_KEY_PREFIX?.trim() || 'spirit:',
    eventStream: streamSettings(env),
    eventBacklogSampleMs: intSetting(env, 'EVENT_BACKLOG_SAMPLE_SECONDS', 5, 0, 3600) * 1000,
  };
}
