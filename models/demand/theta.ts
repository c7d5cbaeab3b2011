import { isSeasonal, seasonalIndices } from './decomposition.ts';
import { fitEts } from './ets-fit.ts';
import { normalForecast, type Forecast } from './forecast.ts';

/**
 * The Theta method (Assimakopoulos & Nikolopoulos 2000) in Hyndman & Billah's form, as R's `thetaf`: simple
 * exponential smoothing with a drift of (1 − 1/θ) of the regression slope, on data seasonally adjusted by a
 * classical multiplicative decomposition when the seasonal autocorrelation is significant. θ = 2 (half the slope)
 * is the classic method; a larger θ keeps more of the trend (theta-choice.ts chooses it on the backtests).
 */
export interface ThetaState {
  alpha: number;
  level: number;
  /** (1 − 1/θ) of the least-squares slope of the (adjusted) series over time. */
  drift: number;
  n: number;
  sigma2: number;
  /** Multiplicative index per phase (t mod period), all 1 when the series was not found seasonal. */
  seasonal: number[];
}

export function leastSquaresSlope(y: ArrayLike<number>): number {
  const n = y.length;
  const meanT = (n - 1) / 2;
  let meanY = 0;
  for (let t = 0; t < n; t++) meanY += y[t] / n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - meanT) * (y[t] - meanY);
    sxx += (t - meanT) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

export const CLASSIC_THETA = 2;

export function fitTheta(y: ArrayLike<number>, period: number, theta = CLASSIC_THETA): ThetaState {
  let positive = true;
  for (let t = 0; t < y.length; t++) if (!(y[t] > 0)) positive = false;
  const seasonal = positive && isSeasonal(y, period) ? Array.from(seasonalIndices(y, period, 'M')) : [1];
  const adjusted = Float64Array.from(y as ArrayLike<number>, (v, t) => v / seasonal[t % seasonal.length]);
  const ses = fitEts(adjusted, { error: 'A', trend: 'N', season: 'N', period: 1 });
  return { alpha: ses.params.alpha, level: ses.state.level, drift: leastSquaresSlope(adjusted) * (1 - 1 / theta), n: y.length, sigma2: ses.sigma2, seasonal };
}

/** The same fit with another θ: only the drift depends on it. */
export function withTheta(state: ThetaState, fittedWith: number, theta: number): ThetaState {
  return { ...state, drift: (state.drift / (1 - 1 / fittedWith)) * (1 - 1 / theta) };
}

export function thetaForecast(state: ThetaState, horizon: number): Forecast {
  const { alpha, n } = state;
  const mean = new Float64Array(horizon);
  const sd = new Float64Array(horizon);
  const catchUp = (1 - (1 - alpha) ** n) / alpha;
  for (let h = 0; h < horizon; h++) {
    const index = state.seasonal[(n + h) % state.seasonal.length];
    mean[h] = (state.level + state.drift * (h + catchUp)) * index;
    sd[h] = Math.sqrt(state.sigma2 * (1 + h * alpha * alpha)) * index;
  }
  return normalForecast(mean, sd);
}
