import { substream } from '../../platform/random.ts';
import type { Forecast } from './forecast.ts';
import { clipAtZero } from './forecast.ts';
import { mainPeriod, type Frequency } from './frequency.ts';
import { forecastMultiSeasonal, MULTI_SEASONAL_CANDIDATES, type MultiSeasonalCandidate } from './multi-seasonal.ts';
import { fitModel, forecastModel } from './statistical-models.ts';
import type { DemandSeries } from './series.ts';

/**
 * Daily and weekly competition files: the multi-seasonal forecaster next to the baselines measured on the same
 * series in the same run — seasonal naive (the short season: 7 days, or 52 weeks) and ETS chosen by AICc (seasonal
 * with period 7 on daily data; non-seasonal on weekly data, 52 initial states being too many to estimate).
 * Selection happens inside the in-sample part only; the future values are read only to score.
 */
export interface MultiSeasonalRun {
  ours: Forecast[];
  seasonalNaive: Forecast[];
  /** Absent when the caller leaves ETS out. */
  ets: Forecast[] | undefined;
  fitSeconds: number;
  modelSeconds: Record<string, number>;
  /** How many series chose each candidate on their validation window. */
  chosen: Partial<Record<MultiSeasonalCandidate, number>>;
}

export function runMultiSeasonal(train: readonly DemandSeries[], frequency: Frequency, seasonalities: readonly number[], horizon: number, withEts = true): MultiSeasonalRun {
  const period = mainPeriod(seasonalities);
  const chosen: Partial<Record<MultiSeasonalCandidate, number>> = {};
  const t0 = performance.now();
  const ours = train.map((s) => {
    const result = forecastMultiSeasonal(s.values, s.start, { frequency, seasonalities, horizon });
    chosen[result.chosen] = (chosen[result.chosen] ?? 0) + 1;
    return result.forecast;
  });
  const fitSeconds = (performance.now() - t0) / 1000;
  const context = (s: DemandSeries) => ({ frequency, start: s.start, seasonalities, period });
  const t1 = performance.now();
  const seasonalNaive = train.map((s) => clipAtZero(forecastModel(fitModel('seasonal_naive', s.values, context(s)), horizon, substream(1, s.id))));
  const naiveSeconds = (performance.now() - t1) / 1000;
  const t2 = performance.now();
  const ets = withEts ? train.map((s) => clipAtZero(forecastModel(fitModel('ets', s.values, context(s)), horizon, substream(1, s.id)))) : undefined;
  const etsSeconds = (performance.now() - t2) / 1000;
  const round = (v: number) => Number(v.toFixed(2));
  return {
    ours,
    seasonalNaive,
    ets,
    fitSeconds,
    modelSeconds: { multi_seasonal: round(fitSeconds), seasonal_naive: round(naiveSeconds), ...(withEts ? { ets: round(etsSeconds) } : {}) },
    chosen: Object.fromEntries(MULTI_SEASONAL_CANDIDATES.filter((c) => chosen[c]).map((c) => [c, chosen[c]])),
  };
}
