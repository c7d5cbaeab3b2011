import { mase } from './accuracy.ts';
import { robustScale } from './backtest.ts';
import { CLASSIC_THETA, fitTheta, thetaForecast, withTheta } from './theta.ts';

/**
 * Theta's coefficient, chosen once per fit among a few values by its mean MASE over every series' rolling-origin
 * cut-offs (the training part only), as the optimised Theta method does per series (Fiorucci et al. 2016); one
 * value for all series, since the few cut-offs of one short series are too noisy to choose on. The classic θ = 2
 * comes first, so it is kept on a tie; 100 takes nearly the whole slope as drift.
 */
export const THETA_CANDIDATES: readonly number[] = [CLASSIC_THETA, 3, 4, 6, 10, 20, 100];

export interface ThetaChoice {
  theta: number;
  /** Each candidate's mean backtest MASE over the series that have a cut-off. */
  backtestMase: Record<string, number>;
}

export function chooseTheta(series: readonly Float64Array[], cutoffs: readonly (readonly number[])[], period: number, horizon: number, candidates = THETA_CANDIDATES): ThetaChoice {
  const sums = candidates.map(() => 0);
  let scored = 0;
  series.forEach((y, i) => {
    if (cutoffs[i].length === 0) return;
    const perSeries = candidates.map(() => 0);
    for (const cut of cutoffs[i]) {
      const history = y.subarray(0, cut);
      const fitted = fitTheta(history, period);
      const scale = robustScale(history, period);
      const actual = y.subarray(cut, cut + horizon);
      candidates.forEach((theta, k) => {
        const mean = thetaForecast(withTheta(fitted, CLASSIC_THETA, theta), horizon).mean.map((v) => Math.max(0, v));
        perSeries[k] += mase(actual, mean, scale) / cutoffs[i].length;
      });
    }
    perSeries.forEach((m, k) => (sums[k] += m));
    scored += 1;
  });
  const backtestMase = Object.fromEntries(candidates.map((theta, k) => [String(theta), scored ? sums[k] / scored : NaN]));
  let best = 0;
  candidates.forEach((_, k) => {
    if (sums[k] < sums[best]) best = k;
  });
  return { theta: candidates[best], backtestMase };
}
