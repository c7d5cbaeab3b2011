import { checkArtifact, ModelStateError, readParams, type Estimator, type ModelArtifact, type Params } from '../contract.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import type { BacktestScore } from './backtest.ts';
import { fitInParallel } from './fit-pool.ts';
import type { Forecast } from './forecast.ts';
import { nbeatsForecasts, restoreNetwork, serialiseNetwork, trainNBeats, type NBeatsParams, type SerialisedNetwork } from './nbeats.ts';
import type { tf } from './tf-backend.ts';
import { DEFAULT_SEASONALITIES, FREQUENCIES, isoDay, mainPeriod, parseDate, periodIndex, periodStart, type Frequency } from './frequency.ts';
import { checkSeries, seriesFromLongTable, type DemandObservation, type DemandSeries, type GapPolicy } from './series.ts';
import { fitSeries, forecastSeries, scoreSeries, seriesCutoffs, type BacktestPlan, type SeriesFit, type Strategy } from './series-fit.ts';
import { modelsFor, STATISTICAL_MODELS } from './statistical-models.ts';
import { chooseCombination, combinationCandidates, isCombination, type Combination } from './ensemble.ts';
import { chooseTheta } from './theta-choice.ts';
import { MULTI_SEASONAL_CANDIDATES, type MultiSeasonalCandidate, type MultiSeasonalOptions } from './multi-seasonal.ts';
import { fitMultiSeasonalSeries, forecastMultiSeasonalFit, historyOf, type MultiSeasonalFit } from './multi-seasonal-fit.ts';

/**
 * The demand forecasting family (`demand`): many series of bookings or travellers per destination and departure,
 * fitted in one call. Monthly, quarterly and yearly series: seasonal naive, ETS and Theta are backtested from rolling
 * origins and combined by their accuracy. Daily and weekly series (several seasonalities, zeros, holidays): the
 * multi-seasonal forecaster of multi-seasonal.ts chooses per series on validation windows, unless the strategy names
 * a model only the backtested ensemble has (`ets`, `theta`, `nbeats`) or the network is on.
 */
export interface DemandForecasterParams extends Params {
  /** `ensemble` (backtest-weighted combination), `best` (per-series choice), or one model's name. */
  strategy: string;
  /** Rolling-origin cut-offs per series of yearly (non-seasonal) data. */
  origins: number;
  /**
   * Cut-offs per series of seasonal data (monthly, quarterly). More than for yearly data: on the tourism competition's
   * training part, more cut-offs lowered the combination's validation MASE on monthly and quarterly data and raised
   * it on yearly data, whose short histories the extra cut-offs cut shorter still.
   */
  seasonalOrigins: number;
  /** Weights ∝ 1 / MASE^weightPower (the `weighted` combination). */
  weightPower: number;
  /**
   * How the ensemble combines its models: `validated` (chosen per fit among weighted:1/2/4/weightPower, mean and
   * median, by validation MASE on each series' latest cut-off, weights from its earlier ones) or one of those.
   */
  combination: string;
  /** Missing periods in the long table: `zero` (nothing booked) or `error`. */
  gaps: string;
  seed: number;
  /** Worker threads for fitting; 1 fits on the calling thread. */
  workers: number;
  /** Adds the global N-BEATS network (TensorFlow.js) to every series' candidates. */
  neural: boolean;
  /** Training epochs of the network, which bound its training time. */
  neuralEpochs: number;
  /**
   * Networks in the ensemble, each from its own seed and weighted on its own backtests (`nbeats`, `nbeats_2`…): a
   * second member lowered the validation MASE of the combination on every frequency of the competition's training part.
   */
  neuralMembers: number;
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
  /**
   * Overrides the forecaster's strategy for this query (e.g. `seasonal_naive` as a reference); daily and weekly
   * models fitted by the multi-seasonal forecaster take `best`/`ensemble` (its choice) or one of its candidates.
   */
  strategy?: Strategy | MultiSeasonalCandidate;
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
  /** Series fitted by the backtested ensemble (empty when the multi-seasonal forecaster fitted them). */
  series: SeriesFit[];
  neural?: NeuralState;
  /** Networks after the first (`nbeats_2`, `nbeats_3`…), absent in older artefacts. */
  neuralMore?: NeuralState[];
  /** The ensemble's combination and each candidate's mean validation MASE (absent in artefacts older than the choice). */
  combination?: Combination;
  combinationValidation?: Record<string, number>;
  /** Theta's coefficient chosen on the backtests, and each candidate's mean backtest MASE (absent before the choice: θ = 2). */
  theta?: number;
  thetaBacktestMase?: Record<string, number>;
  /** Daily and weekly series fitted by the multi-seasonal forecaster (format 2 on). */
  multiSeasonal?: MultiSeasonalFit[];
}

const NEURAL = 'nbeats';
const networkName = (k: number) => (k === 0 ? NEURAL : `${NEURAL}_${k + 1}`);

/** Every trained network of a state with its model name. */
function networksOf(state: DemandState): Array<[string, NeuralState]> {
  return [state.neural, ...(state.neuralMore ?? [])].flatMap((n, k) => (n ? [[networkName(k), n] as [string, NeuralState]] : []));
}

function storeForecast(f: Forecast): StoredForecast {
  return { mean: Array.from(f.mean), lo80: Array.from(f.lo80), hi80: Array.from(f.hi80), lo95: Array.from(f.lo95), hi95: Array.from(f.hi95) };
}

/** The first `horizon` steps of a stored forecast, or nothing when it is shorter. */
function loadForecast(f: StoredForecast, horizon: number): Forecast | undefined {
  if (f.mean.length < horizon) return undefined;
  const take = (path: number[]) => Float64Array.from(path.slice(0, horizon));
  return { mean: take(f.mean), lo80: take(f.lo80), hi80: take(f.hi80), lo95: take(f.lo95), hi95: take(f.hi95) };
}

/** Format 2 adds `multiSeasonal`; format 1 artefacts (no such field) read as they are. */
const FORMAT_VERSION = 2;
const READABLE_FORMATS = [1, 2];

/** Models only the backtested ensemble has: asking for one keeps daily and weekly data on the ensemble. */
const ENSEMBLE_ONLY: readonly string[] = ['ets', 'theta', NEURAL];

/** Cut-offs per series: `seasonalOrigins` for seasonal data (a main period above 1), `origins` for yearly data. */
export function backtestOrigins(period: number, params: Pick<DemandForecasterParams, 'origins' | 'seasonalOrigins'>): number {
  return period > 1 ? params.seasonalOrigins : params.origins;
}

const DEFAULTS: DemandForecasterParams = { strategy: 'ensemble', origins: 3, seasonalOrigins: 5, weightPower: 2, combination: 'validated', gaps: 'zero', seed: 0, workers: 2, neural: false, neuralEpochs: 15, neuralMembers: 1 };

export class DemandForecaster implements Estimator<DemandFitData, readonly DemandQuery[], DemandForecast[]> {
  readonly family = 'demand';
  readonly params: DemandForecasterParams;
  private state_: DemandState | undefined;
  private index_ = new Map<string, SeriesFit>();
  private multiIndex_ = new Map<string, MultiSeasonalFit>();
  private histories_ = new Map<string, Float64Array>();
  private networks_ = new Map<string, tf.LayersModel>();

  constructor(params: Partial<DemandForecasterParams> = {}) {
    this.params = { ...DEFAULTS, ...params } as DemandForecasterParams;
    const strategies = ['ensemble', 'best', ...STATISTICAL_MODELS, NEURAL];
    if (!strategies.includes(this.params.strategy)) throw new InputError(`strategy must be one of ${strategies.join(', ')}, got "${this.params.strategy}"`, 'strategy');
    if (!Number.isInteger(this.params.origins) || this.params.origins < 1) throw new InputError(`origins must be a whole number ≥ 1, got ${this.params.origins}`, 'origins');
    if (!Number.isInteger(this.params.seasonalOrigins) || this.params.seasonalOrigins < 1) {
      throw new InputError(`seasonalOrigins must be a whole number ≥ 1, got ${this.params.seasonalOrigins}`, 'seasonalOrigins');
    }
    if (this.params.combination !== 'validated' && !isCombination(this.params.combination)) {
      throw new InputError(`combination must be validated, mean, median or weighted:POWER, each optionally followed by " without MEMBER", got "${this.params.combination}"`, 'combination');
    }
    if (!Number.isInteger(this.params.neuralMembers) || this.params.neuralMembers < 1) throw new InputError(`neuralMembers must be a whole number ≥ 1, got ${this.params.neuralMembers}`, 'neuralMembers');
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
    if (this.usesMultiSeasonal(frequency)) {
      const options: MultiSeasonalOptions = { frequency, seasonalities, horizon };
      this.setState({ frequency, seasonalities, horizon, series: [], multiSeasonal: series.map((s) => fitMultiSeasonalSeries(s, options)) });
      return this;
    }
    const period = mainPeriod(seasonalities);
    const networks = this.params.neural ? Array.from({ length: this.params.neuralMembers }, (_, k) => networkName(k)) : [];
    const plan = this.plan(horizon, period, [...modelsFor({ seasonalities, period }), ...networks]);
    const cutoffs = series.map((s) => seriesCutoffs(s.values.length, period, plan));
    const theta = chooseTheta(series.map((s) => s.values), cutoffs, period, horizon);
    // The statistical members are fitted on worker threads while this thread trains the networks: each alone would
    // leave a core idle. Both are seeded, so the overlap changes nothing in what is learned.
    const members = fitInParallel(
      { series: series.map((s) => ({ id: s.id, start: s.start, values: s.values })), context: { frequency, seasonalities, period, theta: theta.theta }, plan, seed: this.params.seed },
      this.params.workers,
    );
    members.catch(() => undefined); // awaited below; a network that fails first must not leave it unhandled
    const neural: Array<Awaited<ReturnType<DemandForecaster['trainNeural']>>> = [];
    for (let k = 0; this.params.neural && k < this.params.neuralMembers; k++) neural.push(await this.trainNeural(series, cutoffs, period, horizon, k));
    const fits = (await members).map((fitted, i) =>
      scoreSeries(fitted, series[i].values, period, plan, Object.fromEntries(neural.map((n, k) => [networkName(k), n.backtests[i]]))),
    );
    const chosen = chooseCombination(fits.map((f) => f.combinationValidation ?? {}), plan.combinations);
    this.setState({ frequency, seasonalities, horizon, series: fits, neural: neural[0]?.state, neuralMore: neural.length > 1 ? neural.slice(1).map((n) => n.state) : undefined, combination: chosen.combination, combinationValidation: chosen.mase, theta: theta.theta, thetaBacktestMase: theta.backtestMase });
    return this;
  }

  /**
   * The network learns from every series' history up to its earliest backtest cut-off, so all its backtest
   * forecasts are out of sample, like the statistical models' ones; it then forecasts from each latest window.
   */
  private async trainNeural(series: readonly DemandSeries[], cutoffs: number[][], period: number, horizon: number, member: number) {
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
      seed: this.params.seed + member,
    };
    const t0 = performance.now();
    const trained = await trainNBeats(series.map((s) => s.values), series.map((s, i) => cutoffs[i][0] ?? s.values.length), params);
    const backtests = series.map((s, i) => nbeatsForecasts(trained, cutoffs[i].map((end) => ({ values: s.values, end })), params));
    const latest = nbeatsForecasts(trained, series.map((s) => ({ values: s.values, end: s.values.length })), params);
    this.networks_.set(networkName(member), trained.model);
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
    if (state.multiSeasonal) {
      const fit = this.multiIndex_.get(query.seriesId);
      if (!fit) throw new NotFoundError(`series ${query.seriesId} was not in the fitted table; use forecast() for a new series`, 'seriesId');
      return this.describeMultiSeasonal(fit, this.histories_.get(fit.id)!, this.checkHorizon(query.horizon ?? state.horizon), query.strategy);
    }
    const { seriesId, horizon = state.horizon } = query;
    const strategy = (query.strategy ?? this.params.strategy) as Strategy;
    const fit = this.index_.get(seriesId);
    if (!fit) throw new NotFoundError(`series ${seriesId} was not in the fitted table; use forecast() for a new series`, 'seriesId');
    const h = this.checkHorizon(horizon);
    const external: Record<string, Forecast> = {};
    for (const [name, network] of networksOf(state)) {
      const stored = network.forecasts[seriesId];
      const f = stored && loadForecast(stored, h);
      if (f) external[name] = f;
    }
    return this.describe(fit, h, external, strategy);
  }

  /**
   * On-demand forecast of a series that was not fitted: its statistical models are fitted now, with this
   * forecaster's settings, and the trained network (if any) forecasts it too, scored on the same backtests.
   */
  async forecast(series: DemandSeries, horizon?: number): Promise<DemandForecast> {
    const state = this.fitted();
    checkSeries(series, state.frequency);
    const h = this.checkHorizon(horizon ?? state.horizon);
    if (state.multiSeasonal) return this.describeMultiSeasonal(fitMultiSeasonalSeries(series, this.multiSeasonalOptions()), series.values, h);
    const period = mainPeriod(state.seasonalities);
    const context = { frequency: state.frequency, seasonalities: state.seasonalities, period, start: series.start, theta: state.theta };
    const plan = this.plan(state.horizon, period, [...modelsFor(context), ...networksOf(state).map(([name]) => name)]);
    const ends = [...seriesCutoffs(series.values.length, period, plan), series.values.length];
    const backtests: Record<string, Forecast[]> = {};
    const latest: Record<string, Forecast> = {};
    for (const [name, network] of networksOf(state)) {
      if (!this.networks_.has(name)) this.networks_.set(name, await restoreNetwork(network.network));
      const trained = { model: this.networks_.get(name)!, q80: network.q80, q95: network.q95 };
      const forecasts = nbeatsForecasts(trained, ends.map((end) => ({ values: series.values, end })), network.params);
      const last = loadForecast(storeForecast(forecasts.pop()!), h);
      backtests[name] = forecasts;
      if (last) latest[name] = last;
    }
    return this.describe(fitSeries(series, context, plan, this.params.seed, backtests), h, latest);
  }

  get seriesIds(): string[] {
    const state = this.fitted();
    return (state.multiSeasonal ?? state.series).map((s) => s.id);
  }

  /** Daily and weekly models: the candidate one series' validation chose, and each candidate's validation MASE. */
  validationOf(seriesId: string): Pick<MultiSeasonalFit, 'chosen' | 'validationMase'> {
    const fit = this.multiIndex_.get(seriesId);
    if (!fit) throw new NotFoundError(`series ${seriesId} was not fitted by the multi-seasonal forecaster`, 'seriesId');
    return { chosen: fit.chosen, validationMase: fit.validationMase };
  }

  /** Backtest scores of one series, per model, and its combination weights and best model. */
  backtestOf(seriesId: string): Pick<SeriesFit, 'backtest' | 'weights' | 'best'> {
    if (this.fitted().multiSeasonal) throw new ModelStateError('daily and weekly series are chosen on validation windows, not backtested: use validationOf()');
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

  /**
   * Scores as numbers for the registry. Backtested ensemble: per model, `<model>_mase`, `_smape`, `_coverage80`,
   * `_coverage95`. Multi-seasonal: per candidate, its mean validation MASE (`<candidate>_validation_mase`) and how many
   * series chose it (`<candidate>_chosen`), and the chosen candidates' mean validation MASE (`validation_mase`).
   */
  metrics(): Record<string, number> {
    const state = this.fitted();
    if (state.multiSeasonal) return multiSeasonalMetrics(state.multiSeasonal, state.horizon);
    const out: Record<string, number> = { series: this.fitted().series.length, horizon: this.fitted().horizon };
    for (const [combination, mase] of Object.entries(state.combinationValidation ?? {})) out[`${combination}_combination_validation_mase`] = mase;
    if (state.theta !== undefined) out.theta_coefficient = state.theta;
    for (const [theta, mase] of Object.entries(state.thetaBacktestMase ?? {})) out[`theta_${theta}_backtest_mase`] = mase;
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
    if (state.multiSeasonal) out.multi_seasonal = state.multiSeasonal.reduce((sum, fit) => sum + fit.seconds, 0);
    // The network's training time, plus the scoring of its forecasts above.
    for (const [name, network] of networksOf(state)) out[name] = (out[name] ?? 0) + network.trainSeconds;
    return out;
  }

  /**
   * The fitted state without its timings (0 in the artefact; fitSeconds() reads them on the fitted instance): how
   * long a fit took is not part of the model, and with it two fits from one seed would not be the same bytes.
   */
  toArtifact(): ModelArtifact<DemandState> {
    const state = this.fitted();
    const untimed: DemandState = {
      ...state,
      series: state.series.map((fit) => ({ ...fit, seconds: Object.fromEntries(Object.keys(fit.seconds).map((model) => [model, 0])) })),
      multiSeasonal: state.multiSeasonal?.map((fit) => ({ ...fit, seconds: 0 })),
      neural: state.neural && { ...state.neural, trainSeconds: 0 },
      neuralMore: state.neuralMore?.map((n) => ({ ...n, trainSeconds: 0 })),
    };
    return { family: this.family, formatVersion: FORMAT_VERSION, params: { ...this.params }, state: untimed };
  }

  static fromArtifact(artifact: ModelArtifact): DemandForecaster {
    checkArtifact(artifact, 'demand', READABLE_FORMATS.includes(artifact?.formatVersion) ? artifact.formatVersion : FORMAT_VERSION);
    const forecaster = new DemandForecaster(readParams(artifact.params, DEFAULTS, 'demand'));
    forecaster.setState(artifact.state as DemandState);
    return forecaster;
  }

  /**
   * `members`: the statistical models and networks whose forecasts are combined. Combinations that leave one of them
   * out are candidates on data without a season only. There the members' backtests are few and short, and leaving ETS
   * out won on each held-out window of the tourism competition's yearly training part. On monthly and quarterly data,
   * the latest cut-offs chose to leave a member out, and every held-out window got worse.
   */
  private plan(horizon: number, period: number, members: readonly string[]): BacktestPlan {
    const validated = () => combinationCandidates(this.params.weightPower, period === 1 ? members : []);
    const combinations = this.params.combination === 'validated' ? validated() : [this.params.combination as Combination];
    return { horizon, origins: backtestOrigins(period, this.params), step: Math.max(1, Math.floor(horizon / 2)), weightPower: this.params.weightPower, combinations };
  }

  private setState(state: DemandState): void {
    this.state_ = state;
    this.index_ = new Map(state.series.map((s) => [s.id, s]));
    this.multiIndex_ = new Map((state.multiSeasonal ?? []).map((s) => [s.id, s]));
    this.histories_ = new Map((state.multiSeasonal ?? []).map((s) => [s.id, historyOf(s)]));
  }

  /** Daily and weekly data go to the multi-seasonal forecaster unless the strategy or the network asks for the ensemble. */
  private usesMultiSeasonal(frequency: Frequency): boolean {
    return (frequency === 'daily' || frequency === 'weekly') && !this.params.neural && !ENSEMBLE_ONLY.includes(this.params.strategy);
  }

  private multiSeasonalOptions(): MultiSeasonalOptions {
    const { frequency, seasonalities, horizon } = this.fitted();
    return { frequency, seasonalities, horizon };
  }

  private describeMultiSeasonal(fit: MultiSeasonalFit, values: Float64Array, horizon: number, strategy: string = this.params.strategy): DemandForecast {
    const candidate = strategy === 'best' || strategy === 'ensemble' ? fit.chosen : strategy;
    if (!(MULTI_SEASONAL_CANDIDATES as readonly string[]).includes(candidate)) {
      throw new InputError(`strategy ${strategy} is not one of this daily/weekly model's: best, ensemble, ${MULTI_SEASONAL_CANDIDATES.join(', ')}`, 'strategy');
    }
    const f = forecastMultiSeasonalFit(fit, values, this.multiSeasonalOptions(), horizon, candidate as MultiSeasonalCandidate);
    return { seriesId: fit.id, dates: this.datesAfter(fit.start, fit.n, horizon), ...f };
  }

  private datesAfter(start: string, n: number, horizon: number): string[] {
    const { frequency } = this.fitted();
    const first = periodIndex(parseDate(start, 'start'), frequency) + n;
    return Array.from({ length: horizon }, (_, h) => isoDay(periodStart(first + h, frequency)));
  }

  private fitted(): DemandState {
    if (!this.state_) throw new ModelStateError('DemandForecaster is not fitted: call fit() or fromArtifact() first');
    return this.state_;
  }

  private checkHorizon(horizon: number): number {
    if (!Number.isInteger(horizon) || horizon < 1) throw new InputError(`horizon must be a whole number ≥ 1, got ${horizon}`, 'horizon');
    return horizon;
  }

  /** The ensemble's combination (chosen on validation unless the params name one); undefined for older artefacts. */
  get combination(): Combination | undefined {
    return this.fitted().combination;
  }

  /** Theta's coefficient, chosen on the backtests; undefined for older artefacts (which use the classic 2). */
  get theta(): number | undefined {
    return this.fitted().theta;
  }

  /** Which backend trained the network, when there is one (`wasm`, `cpu` or `tensorflow`). */
  get neuralBackend(): string | undefined {
    return this.fitted().neural?.backend;
  }

  private describe(fit: SeriesFit, horizon: number, external: Record<string, Forecast> = {}, strategy = this.params.strategy as Strategy): DemandForecast {
    const f = forecastSeries(fit, horizon, strategy, this.params.seed, external, this.fitted().combination);
    return { seriesId: fit.id, dates: this.datesAfter(fit.start, fit.n, horizon), ...f };
  }
}

function multiSeasonalMetrics(fits: readonly MultiSeasonalFit[], horizon: number): Record<string, number> {
  const out: Record<string, number> = { series: fits.length, horizon };
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
  const scored = (value: number | null): value is number => value !== null && Number.isFinite(value);
  for (const candidate of MULTI_SEASONAL_CANDIDATES) {
    out[`${candidate}_validation_mase`] = mean(fits.map((f) => f.validationMase[candidate]).filter(scored));
    out[`${candidate}_chosen`] = fits.filter((f) => f.chosen === candidate).length;
  }
  out.validation_mase = mean(fits.map((f) => f.validationMase[f.chosen]).filter(scored));
  return out;
}
