import { checkArtifact, ModelStateError, readParams, type Estimator, type ModelArtifact, type Params } from '../contract.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import type { BacktestScore } from './backtest.ts';
import { fitInParallel } from './fit-pool.ts';
import type { Forecast } from './forecast.ts';
import { nbeatsForecasts, restoreNetwork, serialiseNetwork, trainNBeats, type NBeatsParams, type SerialisedNetwork } from './nbeats.ts';
import type { tf } from './tf-backend.ts';
import { DEFAULT_SEASONALITIES, FREQUENCIES, isoDay, mainPeriod, parseDate, periodIndex, periodStart, type Frequency } from './frequency.ts';
import { checkSeries, seriesFromLongTable, type DemandObservation, type DemandSeries, type GapPolicy } from './series.ts';
import { fitSeries, forecastSeries, seriesCutoffs, type BacktestPlan, type SeriesFit, type Strategy } from './series-fit.ts';
import { STATISTICAL_MODELS } from './statistical-models.ts';

/**
 * The demand forecasting family (`demand`): many series of bookings or travellers per destination and departure,
 * fitted in one call; per series, seasonal naive, ETS, Theta (and harmonic regression with Peru's calendar when
 * the data has several seasonalities) are backtested from rolling origins and combined by their accuracy.
 */
export interface DemandForecasterParams extends Params {
  /** `ensemble` (backtest-weighted combination), `best` (per-series choice), or one model's name. */
  strategy: string;
  /** Rolling-origin cut-offs per series. */
  origins: number;
  /** Weights ∝ 1 / MASE^weightPower. */
  weightPower: number;
  /** Missing periods in the long table: `zero` (nothing booked) or `error`. */
  gaps: string;
  seed: number;
  /** Worker threads for fitting; 1 fits on the calling thread. */
  workers: number;
  /** Adds the global N-BEATS network (TensorFlow.js) to every series' candidates. */
  neural: boolean;
  /** Training epochs of the network, which bound its training time. */
  neuralEpochs: number;
}

export interface DemandFitOptions {
  frequency: Frequency;
  /** Seasonal periods in steps of the frequency (default: weekly and yearly for daily data, 12 for monthly…). */
  seasonalities?: readonly number[];
  /** Steps ahead the forecasts are for; backtests score that many steps. */
  horizon: number;
}

export interface DemandFitData extends DemandFitOptions {
  /** A long table (`series_id`, `date`, `value`)… */
  rows?: readonly DemandObservation[];
  /** …or series already on their grid. */
  series?: readonly DemandSeries[];
}

export interface DemandQuery {
  seriesId: string;
  horizon?: number;
  /** Overrides the forecaster's strategy for this query (e.g. `seasonal_naive` as a reference). */
  strategy?: Strategy;
}

/** A forecast with the first day of each forecast period. */
export interface DemandForecast extends Forecast {
  seriesId: string;
  dates: string[];
}

type StoredForecast = Record<keyof Forecast, number[]>;

interface NeuralState {
  params: NBeatsParams;
  network: SerialisedNetwork;
  q80: number[];
  q95: number[];
  backend: string;
  trainSeconds: number;
  /** Each fitted series' forecast from its latest window (the network needs no refit to forecast). */
  forecasts: Record<string, StoredForecast>;
}

interface DemandState {
  frequency: Frequency;
  seasonalities: number[];
  horizon: number;
  series: SeriesFit[];
  neural?: NeuralState;
}

const NEURAL = 'nbeats';

function storeForecast(f: Forecast): StoredForecast {
  return { mean: Array.from(f.mean), lo80: Array.from(f.lo80), hi80: Array.from(f.hi80), lo95: Array.from(f.lo95), hi95: Array.from(f.hi95) };
}

/** The first `horizon` steps of a stored forecast, or nothing when it is shorter. */
function loadForecast(f: StoredForecast, horizon: number): Forecast | undefined {
  if (f.mean.length < horizon) return undefined;
  const take = (path: number[]) => Float64Array.from(path.slice(0, horizon));
  return { mean: take(f.mean), lo80: take(f.lo80), hi80: take(f.hi80), lo95: take(f.lo95), hi95: take(f.hi95) };
}

const FORMAT_VERSION = 1;

const DEFAULTS: DemandForecasterParams = { strategy: 'ensemble', origins: 3, weightPower: 2, gaps: 'zero', seed: 0, workers: 2, neural: false, neuralEpochs: 15 };

export class DemandForecaster implements Estimator<DemandFitData, readonly DemandQuery[], DemandForecast[]> {
  readonly family = 'demand';
  readonly params: DemandForecasterParams;
  private state_: DemandState | undefined;
  private index_ = new Map<string, SeriesFit>();
  private network_: tf.LayersModel | undefined;

  constructor(params: Partial<DemandForecasterParams> = {}) {
    this.params = { ...DEFAULTS, ...params } as DemandForecasterParams;
    const strategies = ['ensemble', 'best', ...STATISTICAL_MODELS, NEURAL];
    if (!strategies.includes(this.params.strategy)) throw new InputError(`strategy must be one of ${strategies.join(', ')}, got "${this.params.strategy}"`, 'strategy');
    if (!Number.isInteger(this.params.origins) || this.params.origins < 1) throw new InputError(`origins must be a whole number ≥ 1, got ${this.params.origins}`, 'origins');
    if (this.params.gaps !== 'zero' && this.params.gaps !== 'error') throw new InputError(`gaps must be "zero" or "error", got "${this.params.gaps}"`, 'gaps');
  }

  async fit(data: DemandFitData): Promise<this> {
    const { frequency, horizon } = data;
    if (!FREQUENCIES.includes(frequency)) throw new InputError(`frequency must be one of ${FREQUENCIES.join(', ')}, got "${String(frequency)}"`, 'frequency');
    if (!Number.isInteger(horizon) || horizon < 1) throw new InputError(`horizon must be a whole number ≥ 1, got ${horizon}`, 'horizon');
    const seasonalities = [...(data.seasonalities ?? DEFAULT_SEASONALITIES[frequency])];
    if (seasonalities.some((s) => !(s > 1))) throw new InputError(`seasonalities must be periods greater than 1, got ${seasonalities.join(', ')}`, 'seasonalities');
    let series: readonly DemandSeries[];
    if (data.series) {
      for (const s of data.series) checkSeries(s, frequency);
      series = data.series;
    } else if (data.rows) {
      series = seriesFromLongTable(data.rows, frequency, this.params.gaps as GapPolicy);
    } else {
      throw new InputError('fit needs rows (a long table) or series', 'rows');
    }
    if (series.length === 0) throw new InputError('no series to fit', 'rows');
    const ids = new Set<string>();
    for (const s of series) {
      if (ids.has(s.id)) throw new InputError(`series ${s.id} appears twice`, 'series_id');
      ids.add(s.id);
    }
    const period = mainPeriod(seasonalities);
    const plan = this.plan(horizon);
    const cutoffs = series.map((s) => seriesCutoffs(s.values.length, period, plan));
    const neural = this.params.neural ? await this.trainNeural(series, cutoffs, period, horizon) : undefined;
    const fits = await fitInParallel(
      {
        series: series.map((s, i) => ({ id: s.id, start: s.start, values: s.values, external: neural ? { [NEURAL]: neural.backtests[i] } : undefined })),
        context: { frequency, seasonalities, period },
        plan,
        seed: this.params.seed,
      },
      this.params.workers,
    );
    this.setState({ frequency, seasonalities, horizon, series: fits, neural: neural?.state });
    return this;
  }

  /**
   * The network learns from every series' history up to its earliest backtest cut-off, so all its backtest
   * forecasts are out of sample, like the statistical models' ones; it then forecasts from each latest window.
   */
  private async trainNeural(series: readonly DemandSeries[], cutoffs: number[][], period: number, horizon: number) {
    const params: NBeatsParams = {
      inputLength: Math.max(2 * horizon, 2 * period, 4),
      horizon,
      blocks: 3,
      units: 64,
      layersPerBlock: 2,
      epochs: this.params.neuralEpochs,
      batchSize: 256,
      learningRate: 1e-3,
      windowsPerSeries: 12,
      seed: this.params.seed,
    };
    const t0 = performance.now();
    const trained = await trainNBeats(series.map((s) => s.values), series.map((s, i) => cutoffs[i][0] ?? s.values.length), params);
    const backtests = series.map((s, i) => nbeatsForecasts(trained, cutoffs[i].map((end) => ({ values: s.values, end })), params));
    const latest = nbeatsForecasts(trained, series.map((s) => ({ values: s.values, end: s.values.length })), params);
    this.network_ = trained.model;
    const state: NeuralState = {
      params,
      network: await serialiseNetwork(trained.model),
      q80: trained.q80,
      q95: trained.q95,
      backend: trained.backend,
      trainSeconds: (performance.now() - t0) / 1000,
      forecasts: Object.fromEntries(series.map((s, i) => [s.id, storeForecast(latest[i])])),
    };
    return { state, backtests };
  }

  /** A forecast per query, for series of the fitted table (`forecast` fits a new series on demand). */
  predict(queries: readonly DemandQuery[]): DemandForecast[] {
    return queries.map((q) => this.predictOne(q));
  }

  private predictOne(query: DemandQuery): DemandForecast {
    const state = this.fitted();
    const { seriesId, horizon = state.horizon, strategy = this.params.strategy as Strategy } = query;
    const fit = this.index_.get(seriesId);
    if (!fit) throw new NotFoundError(`series ${seriesId} was not in the fitted table; use forecast() for a new series`, 'seriesId');
    const stored = state.neural?.forecasts[seriesId];
    const h = this.checkHorizon(horizon);
    const neural = stored && loadForecast(stored, h);
    return this.describe(fit, h, neural ? { [NEURAL]: neural } : {}, strategy);
  }

  /**
   * On-demand forecast of a series that was not fitted: its statistical models are fitted now, with this
   * forecaster's settings, and the trained network (if any) forecasts it too, scored on the same backtests.
   */
  async forecast(series: DemandSeries, horizon?: number): Promise<DemandForecast> {
    const state = this.fitted();
    checkSeries(series, state.frequency);
    const h = this.checkHorizon(horizon ?? state.horizon);
    const period = mainPeriod(state.seasonalities);
    const context = { frequency: state.frequency, seasonalities: state.seasonalities, period, start: series.start };
    const plan = this.plan(state.horizon);
    if (!state.neural) return this.describe(fitSeries(series, context, plan, this.params.seed), h);
    this.network_ ??= await restoreNetwork(state.neural.network);
    const trained = { model: this.network_, q80: state.neural.q80, q95: state.neural.q95 };
    const ends = [...seriesCutoffs(series.values.length, period, plan), series.values.length];
    const forecasts = nbeatsForecasts(trained, ends.map((end) => ({ values: series.values, end })), state.neural.params);
    const latest = loadForecast(storeForecast(forecasts.pop()!), h);
    const fit = fitSeries(series, context, plan, this.params.seed, { [NEURAL]: forecasts });
    return this.describe(fit, h, latest ? { [NEURAL]: latest } : {});
  }

  get seriesIds(): string[] {
    return this.fitted().series.map((s) => s.id);
  }

  /** Backtest scores of one series, per model, and its combination weights and best model. */
  backtestOf(seriesId: string): Pick<SeriesFit, 'backtest' | 'weights' | 'best'> {
    const fit = this.index_.get(seriesId);
    if (!fit) throw new NotFoundError(`series ${seriesId} was not fitted`, 'seriesId');
    return { backtest: fit.backtest, weights: fit.weights, best: fit.best };
  }

  /** Backtest MASE, sMAPE and coverage per model, averaged over series, overall and per step ahead. */
  backtestSummary(): Record<string, BacktestScore & { series: number }> {
    const out: Record<string, BacktestScore & { series: number }> = {};
    const groups = new Map<string, BacktestScore[]>();
    for (const fit of this.fitted().series) {
      for (const [model, score] of Object.entries(fit.backtest)) if (Number.isFinite(score.mase)) groups.set(model, [...(groups.get(model) ?? []), score]);
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    for (const [model, scores] of groups) {
      const steps = scores[0].perStep.mase.length;
      const perStep = (key: 'mase' | 'cover80' | 'cover95') => Array.from({ length: steps }, (_, h) => mean(scores.map((s) => s.perStep[key][h])));
      out[model] = {
        series: scores.length,
        mase: mean(scores.map((s) => s.mase)),
        smape: mean(scores.map((s) => s.smape)),
        cover80: mean(scores.map((s) => s.cover80)),
        cover95: mean(scores.map((s) => s.cover95)),
        perStep: { mase: perStep('mase'), cover80: perStep('cover80'), cover95: perStep('cover95') },
      };
    }
    return out;
  }

  /** Backtest scores as numbers for the registry: per model, `<model>_mase`, `_smape`, `_coverage80`, `_coverage95`. */
  metrics(): Record<string, number> {
    const out: Record<string, number> = { series: this.fitted().series.length, horizon: this.fitted().horizon };
    for (const [model, s] of Object.entries(this.backtestSummary())) {
      out[`${model}_mase`] = s.mase;
      out[`${model}_smape`] = s.smape;
      out[`${model}_coverage80`] = s.cover80;
      out[`${model}_coverage95`] = s.cover95;
    }
    return out;
  }

  /** Seconds spent fitting, per model, summed over series (both workers' time counts). */
  fitSeconds(): Record<string, number> {
    const out: Record<string, number> = {};
    const state = this.fitted();
    for (const fit of state.series) for (const [model, s] of Object.entries(fit.seconds)) out[model] = (out[model] ?? 0) + s;
    // The network's training time, plus the scoring of its forecasts above.
    if (state.neural) out[NEURAL] = (out[NEURAL] ?? 0) + state.neural.trainSeconds;
    return out;
  }

  toArtifact(): ModelArtifact<DemandState> {
    return { family: this.family, formatVersion: FORMAT_VERSION, params: { ...this.params }, state: this.fitted() };
  }

  static fromArtifact(artifact: ModelArtifact): DemandForecaster {
    checkArtifact(artifact, 'demand', FORMAT_VERSION);
    const forecaster = new DemandForecaster(readParams(artifact.params, DEFAULTS, 'demand'));
    forecaster.setState(artifact.state as DemandState);
    return forecaster;
  }

  private plan(horizon: number): BacktestPlan {
    return { horizon, origins: this.params.origins, step: Math.max(1, Math.floor(horizon / 2)), weightPower: this.params.weightPower };
  }

  private setState(state: DemandState): void {
    this.state_ = state;
    this.index_ = new Map(state.series.map((s) => [s.id, s]));
  }

  private fitted(): DemandState {
    if (!this.state_) throw new ModelStateError('DemandForecaster is not fitted: call fit() or fromArtifact() first');
    return this.state_;
  }

  private checkHorizon(horizon: number): number {
    if (!Number.isInteger(horizon) || horizon < 1) throw new InputError(`horizon must be a whole number ≥ 1, got ${horizon}`, 'horizon');
    return horizon;
  }

  /** Which backend trained the network, when there is one (`wasm`, `cpu` or `tensorflow`). */
  get neuralBackend(): string | undefined {
    return this.fitted().neural?.backend;
  }

  private describe(fit: SeriesFit, horizon: number, external: Record<string, Forecast> = {}, strategy = this.params.strategy as Strategy): DemandForecast {
    const state = this.fitted();
    const f = forecastSeries(fit, horizon, strategy, this.params.seed, external);
    const first = periodIndex(parseDate(fit.start, 'start'), state.frequency) + fit.n;
    return { seriesId: fit.id, dates: Array.from({ length: horizon }, (_, h) => isoDay(periodStart(first + h, state.frequency))), ...f };
  }
}
