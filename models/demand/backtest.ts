import { seasonalNaiveScale } from './accuracy.ts';
import type { Forecast } from './forecast.ts';

/**
 * Rolling-origin backtests: forecast from several cut-offs in the history and score each model against what came
 * next. A forecaster only ever receives a copy of the values before its cut-off, so it cannot see the future.
 */
export interface BacktestScore {
  /** Mean over origins and steps of |error| / in-sample scale (MASE). */
  mase: number;
  /** Symmetric MAPE, percent. */
  smape: number;
  cover80: number;
  cover95: number;
  /** The same measures per step ahead (index 0 = one step ahead). */
  perStep: { mase: number[]; cover80: number[]; cover95: number[] };
}

/**
 * Cut-offs, latest last: the last one leaves exactly one horizon to score, earlier ones step back by `step`;
 * a cut-off that would leave fewer than `minTrain` observations to fit on is dropped.
 */
export function backtestCutoffs(n: number, horizon: number, origins: number, step: number, minTrain: number): number[] {
  const cutoffs: number[] = [];
  for (let k = origins - 1; k >= 0; k--) {
    const cut = n - horizon - k * step;
    if (cut >= minTrain) cutoffs.push(cut);
  }
  return cutoffs;
}

/** MASE scale that never divides by zero: seasonal naive, else naive, else the mean level, else 1. */
export function robustScale(history: ArrayLike<number>, period: number): number {
  const seasonal = seasonalNaiveScale(history, period);
  if (seasonal > 0) return seasonal;
  const naive = seasonalNaiveScale(history, 1);
  if (naive > 0) return naive;
  let mean = 0;
  for (let t = 0; t < history.length; t++) mean += Math.abs(history[t]) / history.length;
  return mean > 0 ? mean : 1;
}

/** Accumulates errors of one model over origins, per step ahead. */
export class ScoreAccumulator {
  private readonly absScaled: number[];
  private readonly sym: number[];
  private readonly in80: number[];
  private readonly in95: number[];
  private readonly counts: number[];

  constructor(private readonly horizon: number) {
    this.absScaled = new Array(horizon).fill(0);
    this.sym = new Array(horizon).fill(0);
    this.in80 = new Array(horizon).fill(0);
    this.in95 = new Array(horizon).fill(0);
    this.counts = new Array(horizon).fill(0);
  }

  add(actual: ArrayLike<number>, forecast: Forecast, scale: number): void {
    for (let h = 0; h < this.horizon; h++) {
      const a = actual[h];
      const f = forecast.mean[h];
      this.absScaled[h] += Math.abs(a - f) / scale;
      const denominator = Math.abs(a) + Math.abs(f);
      this.sym[h] += denominator === 0 ? 0 : (200 * Math.abs(a - f)) / denominator;
      if (a >= forecast.lo80[h] && a <= forecast.hi80[h]) this.in80[h]++;
      if (a >= forecast.lo95[h] && a <= forecast.hi95[h]) this.in95[h]++;
      this.counts[h]++;
    }
  }

  score(): BacktestScore {
    const per = (sums: number[]) => sums.map((s, h) => (this.counts[h] ? s / this.counts[h] : NaN));
    const overall = (sums: number[]) => {
      const total = this.counts.reduce((a, b) => a + b, 0);
      return total ? sums.reduce((a, b) => a + b, 0) / total : NaN;
    };
    return {
      mase: overall(this.absScaled),
      smape: overall(this.sym),
      cover80: overall(this.in80),
      cover95: overall(this.in95),
      perStep: { mase: per(this.absScaled), cover80: per(this.in80), cover95: per(this.in95) },
    };
  }
}

export type HistoryForecaster = (history: Float64Array, cutoff: number) => Forecast;

/** Each cut-off's forecast by one forecaster, which is given `y[0..cutoff)` only. */
export function backtestForecasts(y: Float64Array, cutoffs: readonly number[], forecaster: HistoryForecaster): Forecast[] {
  return cutoffs.map((cut) => forecaster(y.slice(0, cut), cut));
}

/** Scores forecasts made from `cutoffs` (one per cut-off) against what followed each. */
export function scoreBacktest(y: Float64Array, cutoffs: readonly number[], horizon: number, period: number, forecasts: readonly Forecast[]): BacktestScore {
  const acc = new ScoreAccumulator(horizon);
  cutoffs.forEach((cut, k) => acc.add(y.subarray(cut, cut + horizon), forecasts[k], robustScale(y.subarray(0, cut), period)));
  return acc.score();
}

/** Scores each named forecaster from every cut-off; the forecaster is given `y[0..cutoff)` only. */
export function rollingOriginBacktest(
  y: Float64Array,
  cutoffs: readonly number[],
  horizon: number,
  period: number,
  forecasters: Record<string, HistoryForecaster>,
): Record<string, BacktestScore> {
  const scores: Record<string, BacktestScore> = {};
  for (const [name, forecaster] of Object.entries(forecasters)) scores[name] = scoreBacktest(y, cutoffs, horizon, period, backtestForecasts(y, cutoffs, forecaster));
  return scores;
}
