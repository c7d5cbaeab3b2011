import { normalForecast, type Forecast } from './forecast.ts';

/**
 * Seasonal naive: each step repeats the value one season earlier (the plain naive forecast when period = 1).
 * The benchmark every forecaster must beat, and the scale of MASE.
 */
export interface SeasonalNaiveState {
  lastSeason: number[];
  /** Observations seen, so the phase of the next step is known. */
  n: number;
  sigma2: number;
}

export function fitSeasonalNaive(y: ArrayLike<number>, period: number): SeasonalNaiveState {
  const m = y.length > period ? period : 1;
  let sum = 0;
  for (let t = m; t < y.length; t++) sum += (y[t] - y[t - m]) ** 2;
  return { lastSeason: Array.from({ length: m }, (_, j) => y[y.length - m + j]), n: y.length, sigma2: y.length > m ? sum / (y.length - m) : 0 };
}

/** Steps h share the error of ⌈h/m⌉ seasonal random-walk increments: sd = σ·√(⌊(h−1)/m⌋ + 1). */
export function seasonalNaiveForecast(state: SeasonalNaiveState, horizon: number): Forecast {
  const m = state.lastSeason.length;
  const mean = Array.from({ length: horizon }, (_, h) => state.lastSeason[h % m]);
  const sd = Array.from({ length: horizon }, (_, h) => Math.sqrt(state.sigma2 * (Math.floor(h / m) + 1)));
  return normalForecast(mean, sd);
}
