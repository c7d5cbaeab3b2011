import type { Logger } from '../../platform/log.ts';
import type { ModelRegistry } from '../../models/registry/model-registry.ts';
import type { Upstream } from '../../models/registry/model-version.ts';
import { ModelUnavailableError } from '../http/api-errors.ts';
import { withoutInternalPaths } from '../http/internal-paths.ts';
import type { ApiMetrics } from '../metrics/api-metrics.ts';
import { MODEL_FAMILIES, type ModelFamilies } from '../../models/families.ts';
import { loadServedModel, noChampionMessage, type Family, type ServedModels } from './families.ts';

export interface LoadedModel<F extends Family = Family> {
  family: F;
  version: string;
  model: ServedModels[F];
  /** Version of the feature definitions the model was trained with (from the registry record). */
  featuresVersion: string;
  /** The other families' versions it was trained with, loaded with it (the registry record's lineage). */
  upstream: Upstream;
  loadedAt: string;
}

export type RefreshOutcome = 'loaded' | 'unchanged' | 'no-champion' | 'failed' | 'skipped-failed-before' | 'registry-error';

export interface FamilyStatus {
  family: Family;
  /** The version being served, or null. */
  serving: string | null;
  /** The registry's champion when last asked; differs from `serving` while a new one loads or after a failed load. */
  champion: string | null;
  loadedAt: string | null;
  lastError: { version: string | null; message: string; at: string } | null;
}

interface FamilyState {
  loaded: LoadedModel | undefined;
  champion: string | null;
  /** A champion whose artefact failed to load is not retried by every poll, only by an explicit reload. */
  failedVersion: string | null;
  lastError: FamilyStatus['lastError'];
}

/**
 * The champion model of each family, loaded from the registry at start and swapped when the champion changes.
 *
 * A swap replaces one reference: a request takes the model it will use once, at its start, so requests in flight
 * finish on the model they began with and none fails. A new artefact that cannot be loaded (corrupt, wrong format,
 * missing) leaves the current model serving; the failure is logged, counted in /metrics and shown by
 * GET /v1/admin/models until a later champion loads.
 */
export class ChampionModels {
  private readonly states: Map<string, FamilyState>;
  private refreshing: Promise<Record<Family, RefreshOutcome>> | undefined;
  private poller: NodeJS.Timeout | undefined;
  /** True once every family has been looked up at least once (loaded or known to have no champion). */
  initialised = false;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly log: Logger,
    private readonly metrics: ApiMetrics,
    /** Every family of models/families.ts; a test may add one. */
    private readonly families: ModelFamilies = MODEL_FAMILIES,
  ) {
    this.states = new Map(Object.keys(families).map((f) => [f, { loaded: undefined, champion: null, failedVersion: null, lastError: null }]));
    metrics.registry.onCollect(() => {
      metrics.modelInfo.reset();
      for (const state of this.states.values()) if (state.loaded) metrics.modelInfo.set({ family: state.loaded.family, version: state.loaded.version }, 1);
    });
  }

  /**
   * The served model of a family; a family without one is a ModelUnavailableError (HTTP 503). The answer says what
   * to do, not what the loader met: its message names files (admins see it, paths removed, at /v1/admin/models).
   */
  get<F extends Family>(family: F): LoadedModel<F> {
    const loaded = this.states.get(family)!.loaded;
    if (!loaded) {
      const state = this.states.get(family)!;
      throw new ModelUnavailableError(
        family,
        state.champion === null
          ? noChampionMessage(family)
          : `no ${family} model is being served: its champion could not be loaded (an admin sees why at GET /v1/admin/models; promote a loadable version, or retry with POST /v1/admin/models/reload)`,
      );
    }
    return loaded as LoadedModel<F>;
  }

  /** The served model of a family, or undefined (for routes where the family is optional). */
  peek<F extends Family>(family: F): LoadedModel<F> | undefined {
    return this.states.get(family)!.loaded as LoadedModel<F> | undefined;
  }

  status(): FamilyStatus[] {
    return [...this.states.keys()].map((family) => {
      const s = this.states.get(family)!;
      return { family: family as Family, serving: s.loaded?.version ?? null, champion: s.champion, loadedAt: s.loaded?.loadedAt ?? null, lastError: s.lastError };
    });
  }

  /**
   * Asks the registry for every family's champion and loads those that changed. Concurrent calls share one pass;
   * `force` (the admin reload) also retries a champion that failed before.
   */
  async refresh(options: { force?: boolean } = {}): Promise<Record<Family, RefreshOutcome>> {
    if (this.refreshing) {
      const current = await this.refreshing;
      if (!options.force) return current;
    }
    this.refreshing = (async () => {
      const outcomes = {} as Record<Family, RefreshOutcome>;
      for (const family of this.states.keys()) outcomes[family as Family] = await this.refreshFamily(family, options.force === true);
      this.initialised = true;
      return outcomes;
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshFamily(family: string, force: boolean): Promise<RefreshOutcome> {
    const state = this.states.get(family)!;
    let champion: string | null;
    try {
      champion = (await this.registry.aliases(family)).champion;
    } catch (err) {
      state.lastError = { version: null, message: withoutInternalPaths(`cannot read the registry: ${(err as Error).message}`), at: new Date().toISOString() };
      const serving = state.loaded?.version ?? null;
      this.log.error(serving ? 'model registry unreadable; the model already loaded keeps serving' : 'model registry unreadable; no model of this family is being served', {
        family,
        serving,
        error: (err as Error).message,
      });
      return 'registry-error';
    }
    state.champion = champion;
    if (champion === null) return 'no-champion';
    if (state.loaded?.version === champion) return 'unchanged';
    if (state.failedVersion === champion && !force) return 'skipped-failed-before';
    const started = performance.now();
    try {
      const record = await this.registry.get(family, champion);
      const model = await loadServedModel(this.families, record, this.registry);
      const previous = state.loaded?.version ?? null;
      state.loaded = { family, version: record.version, model, featuresVersion: record.featuresVersion, upstream: record.upstream, loadedAt: new Date().toISOString() } as LoadedModel;
      state.failedVersion = null;
      state.lastError = null;
      this.metrics.modelLoads.inc({ family, outcome: 'loaded' });
      this.log.info('model loaded', { family, version: record.version, previous, ms: Math.round(performance.now() - started) });
      return 'loaded';
    } catch (err) {
      state.failedVersion = champion;
      state.lastError = { version: champion, message: withoutInternalPaths((err as Error).message), at: new Date().toISOString() };
      this.metrics.modelLoads.inc({ family, outcome: 'failed' });
      const serving = state.loaded?.version ?? null;
      // Says what is true: a previous model keeps serving only when there is one.
      this.log.error(serving ? 'champion model failed to load; the previous model keeps serving' : 'champion model failed to load; no model of this family is being served, its routes answer 503', {
        family,
        version: champion,
        serving,
        error: (err as Error).message,
      });
      return 'failed';
    }
  }

  /** Polls the registry every `intervalMs` (the file registry has no notifications to wait on). */
  startPolling(intervalMs: number): void {
    if (intervalMs <= 0 || this.poller) return;
    this.poller = setInterval(() => {
      void this.refresh().catch((err) => this.log.error('model refresh failed', { error: (err as Error).message }));
    }, intervalMs);
    this.poller.unref();
  }

  async close(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
    await this.refreshing?.catch(() => undefined);
  }
}
