import type { FamilyStatus } from '../champions/champion-models.ts';
import type { ServingContext } from '../context.ts';
import { withoutInternalPaths } from '../http/internal-paths.ts';
import { eventBacklogWarnings, type EventBacklogSample } from './event-backlog.ts';

const CHECK_TIMEOUT_MS = 2000;

export interface StoreCheck {
  ok: boolean;
  ms: number;
  /** Why not, without paths (hosts and ports are for the operator reading this). */
  error?: string;
}

/**
 * Whether this API process can do its work, and why not. `reasons` and `warnings` are sentences a caller can act
 * on, with no versions, hosts or paths: they are what the public /ready shows. The rest is for operators
 * (GET /v1/admin/readiness).
 */
export interface ReadinessReport {
  ready: boolean;
  reasons: string[];
  warnings: string[];
  stores: { postgres: StoreCheck; clickhouse: StoreCheck };
  models: FamilyStatus[];
  /** How far domain events lag (details only; the public answer gets the warnings). */
  events: EventBacklogSample | null;
}

/** A check that has not answered within the timeout has failed: readiness must answer even when a store hangs. */
async function within<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function timed(work: () => Promise<unknown>): Promise<StoreCheck> {
  const started = performance.now();
  try {
    await within(work());
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - started), error: withoutInternalPaths((err as Error).message) };
  }
}

/** What a family without a model means for a caller. */
function familyReason(status: FamilyStatus): string {
  if (status.champion === null) return `no ${status.family} model is being served (none has been promoted yet): its routes answer 503 until one is`;
  return `no ${status.family} model is being served (its champion could not be loaded): its routes answer 503 until a loadable version is promoted`;
}

export async function assessReadiness(ctx: ServingContext, opts: { details?: boolean } = {}): Promise<ReadinessReport> {
  const [postgres, clickhouse, events] = await Promise.all([
    timed(() => ctx.pg.query('SELECT 1')),
    timed(() => ctx.clickhouse.query({ query: 'SELECT 1' }).then((r) => r.text())),
    opts.details ? within(ctx.events.sample()).catch(() => null) : Promise.resolve(null),
  ]);
  const reasons: string[] = [];
  const warnings: string[] = [];
  if (!postgres.ok) reasons.push('the booking database does not answer: requests that need it answer 503 until it is back');
  if (!clickhouse.ok) reasons.push('the warehouse does not answer: features fall back to defaults and data routes fail until it is back');
  const models = ctx.champions.status();
  if (!ctx.champions.initialised) reasons.push('the models are still being loaded');
  if (!ctx.catalogue.loaded) reasons.push('the catalogue and its departure features are still being loaded: prices wait for them rather than guess');
  else for (const status of models) if (status.serving === null) reasons.push(familyReason(status));
  for (const status of models) {
    if (status.serving === null || !status.lastError) continue;
    warnings.push(
      status.lastError.version === null
        ? `the model registry could not be read for ${status.family}: the ${status.family} model already loaded keeps serving`
        : `the newest ${status.family} champion could not be loaded: the ${status.family} model loaded before keeps serving`,
    );
  }
  warnings.push(...eventBacklogWarnings(events ?? ctx.events.latest));
  return { ready: reasons.length === 0, reasons, warnings, stores: { postgres, clickhouse }, models, events };
}
