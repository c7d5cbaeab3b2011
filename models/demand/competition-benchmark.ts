import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../platform/errors.ts';
import { coverage, mape, mase, seasonalNaiveScale, smape } from './accuracy.ts';
import { DemandForecaster, type DemandForecasterParams } from './demand-forecaster.ts';
import type { Forecast } from './forecast.ts';
import { DEFAULT_SEASONALITIES, isoDay, mainPeriod, type Frequency } from './frequency.ts';
import { runMultiSeasonal } from './multi-seasonal-benchmark.ts';
import type { DemandSeries } from './series.ts';
import { minTrainLength, type Strategy } from './series-fit.ts';
import { parseCompetitionCsv, type CompetitionSeries } from './tourism-competition.ts';

/**
 * The tourism forecasting competition benchmark behind `spirit-ml forecast-benchmark` and `npm run bench -- demand`:
 * fit every series of `FREQUENCY_in.csv`, forecast as many steps as `FREQUENCY_oos.csv` holds, and score the
 * chosen forecaster next to seasonal naive and each model alone. MASE is scaled by the in-sample seasonal naive
 * (m = 12 / 4 / 1, and 7 for daily, 52 for weekly); MAPE skips steps whose actual value is zero. Daily and weekly
 * files go to the multi-seasonal forecaster (multi-seasonal.ts) instead, scored next to seasonal naive and AICc ETS.
 */
export const COMPETITION_FREQUENCIES = ['monthly', 'quarterly', 'yearly', 'weekly', 'daily'] as const;
export type CompetitionFrequency = (typeof COMPETITION_FREQUENCIES)[number];

export interface Accuracy {
  mase: number;
  smape: number;
  mape: number;
  cover80: number;
  cover95: number;
}

export interface FrequencyResult {
  frequency: CompetitionFrequency;
  series: number;
  horizon: number;
  /** Present when scored on a window of the training files (validationSplit) instead of the test files. */
  validation?: number;
  seriesLeftOut?: number;
  strategy: string;
  /** The ensemble's combination and each candidate's validation MASE (from the training part only, see ensemble.ts). */
  combination?: { chosen: string; validationMase: Record<string, number> };
  /** Theta's coefficient and each candidate's backtest MASE (training part only, see theta-choice.ts). */
  theta?: { chosen: number; backtestMase: Record<string, number> };
  chosen: Accuracy;
  seasonalNaive: Accuracy;
  /** Each model alone, and the per-series best, for comparison. */
  alternatives: Record<string, Accuracy>;
  fitSeconds: number;
  /** CPU seconds per model (backtests and final fits) summed over worker threads. */
  modelSeconds: Record<string, number>;
  /** Steps skipped by MAPE because the actual value was zero. */
  mapeZeroActualsSkipped: number;
  /** Daily and weekly: how many series chose each candidate of the multi-seasonal forecaster on validation. */
  candidatesChosen?: Record<string, number>;
}

/** The start of a competition series as a date: period = month, quarter, week or day of year. */
export function competitionStart(series: CompetitionSeries, frequency: Frequency): string {
  const { startYear: year, startPeriod: period } = series;
  switch (frequency) {
    case 'monthly':
      return isoDay(new Date(Date.UTC(year, period - 1, 1)));
    case 'quarterly':
      return isoDay(new Date(Date.UTC(year, (period - 1) * 3, 1)));
    case 'yearly':
      return `${year}-01-01`;
    case 'weekly':
      return isoDay(new Date(Date.UTC(year, 0, 1 + 7 * (period - 1))));
    case 'daily':
      return isoDay(new Date(Date.UTC(year, 0, period)));
  }
}

export function readCompetition(dir: string, frequency: CompetitionFrequency): { train: DemandSeries[]; actual: Float64Array[] } | undefined {
  const files = ['in', 'oos'].map((part) => path.join(dir, `${frequency}_${part}.csv`));
  if (!files.every(existsSync)) return undefined;
  const [train, test] = files.map((file) => parseCompetitionCsv(readFileSync(file, 'utf8'), file, frequency !== 'yearly'));
  if (train.length !== test.length || train.some((s, i) => s.name.toLowerCase() !== test[i].name.toLowerCase())) {
    throw new InputError(`${files[0]} and ${files[1]} do not hold the same series in the same order`, 'dir');
  }
  return { train: train.map((s) => ({ id: s.name, start: competitionStart(s, frequency), values: s.values })), actual: test.map((s) => s.values) };
}

/**
 * A validation split carved from the training files alone, for choosing a model or a setting without looking at the
 * test: each series loses its last `window` horizons, and the first of them becomes what is scored (window 1: the
 * last horizon of the training part; 2: the one before it). The test files give only the horizon's length. Series
 * left shorter than a backtest needs (`minTrainLength`) are left out and counted.
 */
export function validationSplit(data: { train: DemandSeries[]; actual: Float64Array[] }, window: number, period: number): { train: DemandSeries[]; actual: Float64Array[]; leftOut: number } {
  const horizon = data.actual[0].length;
  const train: DemandSeries[] = [];
  const actual: Float64Array[] = [];
  for (const s of data.train) {
    const cut = s.values.length - window * horizon;
    if (cut < minTrainLength(period)) continue;
    train.push({ ...s, values: s.values.slice(0, cut) });
    actual.push(s.values.slice(cut, cut + horizon));
  }
  return { train, actual, leftOut: data.train.length - train.length };
}

function score(train: readonly DemandSeries[], actual: readonly Float64Array[], forecasts: readonly Forecast[], period: number): Accuracy & { zeros: number } {
  let sums = { mase: 0, maseSeries: 0, smape: 0, mape: 0, mapeSeries: 0, cover80: 0, cover95: 0 };
  let zeros = 0;
  forecasts.forEach((f, i) => {
    const a = actual[i];
    const p = mape(a, f.mean);
    const c = coverage(a, f);
    // A flat history (an itinerary that never sold) has no MASE scale: it is left out of the MASE average.
    const m = mase(a, f.mean, seasonalNaiveScale(train[i].values, period));
    zeros += a.length - p.steps;
    sums = {
      mase: sums.mase + (Number.isFinite(m) ? m : 0),
      maseSeries: sums.maseSeries + (Number.isFinite(m) ? 1 : 0),
      smape: sums.smape + smape(a, f.mean),
      mape: sums.mape + (Number.isFinite(p.value) ? p.value : 0),
      mapeSeries: sums.mapeSeries + (Number.isFinite(p.value) ? 1 : 0),
      cover80: sums.cover80 + c.cover80,
      cover95: sums.cover95 + c.cover95,
    };
  });
  const n = forecasts.length;
  const r = (v: number, digits = 3) => Number(v.toFixed(digits));
  return { mase: r(sums.mase / sums.maseSeries), smape: r(sums.smape / n, 2), mape: r(sums.mape / sums.mapeSeries, 2), cover80: r(sums.cover80 / n), cover95: r(sums.cover95 / n), zeros };
}

export interface BenchmarkOptions {
  /** Daily and weekly: fit the AICc ETS baseline too (the slowest part). */
  ets?: boolean;
  /** Score on a window of the training files instead of the test files (see validationSplit); 0 or absent: the test. */
  validation?: number;
}

export async function runCompetitionBenchmark(
  dir: string,
  frequency: CompetitionFrequency,
  params: Partial<DemandForecasterParams> = {},
  options: BenchmarkOptions = {},
): Promise<FrequencyResult | undefined> {
  const read = readCompetition(dir, frequency);
  if (!read) return undefined;
  const seasonalities = DEFAULT_SEASONALITIES[frequency];
  const period = mainPeriod(seasonalities);
  const split = options.validation ? validationSplit(read, options.validation, period) : undefined;
  if (split && split.train.length === 0) throw new InputError(`no ${frequency} series is long enough for validation window ${options.validation}`, 'validation');
  const data = split ?? read;
  const horizon = data.actual[0].length;
  const scoredOn = split ? { validation: options.validation!, seriesLeftOut: split.leftOut } : {};
  if (frequency === 'daily' || frequency === 'weekly') return { ...multiSeasonalResult(data, frequency, seasonalities, horizon, options.ets ?? true), ...scoredOn };
  const forecaster = new DemandForecaster(params);
  const t0 = performance.now();
  await forecaster.fit({ series: data.train, frequency, seasonalities, horizon });
  const fitSeconds = (performance.now() - t0) / 1000;
  const fits = forecaster.toArtifact().state.series;
  const forecastsOf = (strategy: Strategy) => forecaster.predict(fits.map((fit) => ({ seriesId: fit.id, horizon, strategy })));
  const { zeros, ...chosen } = score(data.train, data.actual, forecastsOf(forecaster.params.strategy as Strategy), period);
  const alternatives: Record<string, Accuracy> = {};
  for (const strategy of ['ensemble', 'best', ...Object.keys(fits[0].weights)] as Strategy[]) {
    if (strategy === forecaster.params.strategy) continue;
    const { zeros: _skipped, ...accuracy } = score(data.train, data.actual, forecastsOf(strategy), period);
    alternatives[strategy] = accuracy;
  }
  const modelSeconds = Object.fromEntries(Object.entries(forecaster.fitSeconds()).map(([m, s]) => [m, Number(s.toFixed(2))]));
  return {
    frequency,
    series: fits.length,
    horizon,
    ...scoredOn,
    strategy: forecaster.params.strategy,
    combination: {
      chosen: forecaster.combination!,
      validationMase: Object.fromEntries(Object.entries(forecaster.toArtifact().state.combinationValidation ?? {}).map(([c, m]) => [c, Number(m.toFixed(3))])),
    },
    theta: {
      chosen: forecaster.theta!,
      backtestMase: Object.fromEntries(Object.entries(forecaster.toArtifact().state.thetaBacktestMase ?? {}).map(([t, m]) => [t, Number(m.toFixed(3))])),
    },
    chosen,
    seasonalNaive: alternatives.seasonal_naive,
    alternatives,
    fitSeconds: Number(fitSeconds.toFixed(2)),
    modelSeconds,
    mapeZeroActualsSkipped: zeros,
  };
}

function multiSeasonalResult(data: { train: DemandSeries[]; actual: Float64Array[] }, frequency: 'daily' | 'weekly', seasonalities: number[], horizon: number, withEts: boolean): FrequencyResult {
  const period = mainPeriod(seasonalities);
  const run = runMultiSeasonal(data.train, frequency, seasonalities, horizon, withEts);
  const { zeros, ...chosen } = score(data.train, data.actual, run.ours, period);
  const { zeros: _naiveZeros, ...seasonalNaive } = score(data.train, data.actual, run.seasonalNaive, period);
  const alternatives: Record<string, Accuracy> = { seasonal_naive: seasonalNaive };
  if (run.ets) {
    const { zeros: _etsZeros, ...ets } = score(data.train, data.actual, run.ets, period);
    alternatives.ets = ets;
  }
  return {
    frequency,
    series: data.train.length,
    horizon,
    strategy: 'multi_seasonal',
    chosen,
    seasonalNaive,
    alternatives,
    fitSeconds: Number(run.fitSeconds.toFixed(2)),
    modelSeconds: run.modelSeconds,
    mapeZeroActualsSkipped: zeros,
    candidatesChosen: run.chosen,
  };
}
