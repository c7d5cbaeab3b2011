import { normal, type Rng } from '../../platform/random.ts';
import { emptyForecast, normalForecast, type Forecast } from './forecast.ts';

/**
 * Exponential smoothing state space models (ETS, Hyndman et al. 2008): the recursions, the likelihood and the
 * forecasts, as pure functions. Error additive or multiplicative; trend none, additive or additive damped;
 * seasonality none, additive or multiplicative. (Multiplicative trends are left out, as in R's `forecast::ets`
 * by default: they explode on long horizons.)
 */
export type ErrorKind = 'A' | 'M';
export type TrendKind = 'N' | 'A' | 'Ad';
export type SeasonKind = 'N' | 'A' | 'M';

export interface EtsSpec {
  error: ErrorKind;
  trend: TrendKind;
  season: SeasonKind;
  /** Season length (12 for monthly data); 1 when season is N. */
  period: number;
}

/** Smoothing weights in error-correction form: the slope moves by beta·error, so beta < alpha. */
export interface EtsParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

/** Level, slope and one seasonal index per phase (phase = time index mod period, counted from the series' start). */
export interface EtsState {
  level: number;
  slope: number;
  seasonal: Float64Array;
}

export function specName(spec: EtsSpec): string {
  return `ETS(${spec.error},${spec.trend},${spec.season})`;
}

function dampedSum(phi: number, h: number): number {
  let sum = 0;
  let power = 1;
  for (let i = 0; i < h; i++) {
    power *= phi;
    sum += power;
  }
  return sum;
}

function trendPhi(spec: EtsSpec, params: EtsParams): number {
  return spec.trend === 'Ad' ? params.phi : 1;
}

/** One-step forecast from a state, for the observation at time index t. */
function oneStep(spec: EtsSpec, phi: number, state: EtsState, t: number): number {
  const base = spec.trend === 'N' ? state.level : state.level + phi * state.slope;
  if (spec.season === 'N') return base;
  const s = state.seasonal[t % spec.period];
  return spec.season === 'A' ? base + s : base * s;
}

/** The state update after observing y at time t (error-type agnostic, as in forecast's C code). */
function update(spec: EtsSpec, params: EtsParams, phi: number, state: EtsState, t: number, y: number): void {
  const base = spec.trend === 'N' ? state.level : state.level + phi * state.slope;
  const phase = t % spec.period;
  const s = state.seasonal[phase];
  const deseasonalised = spec.season === 'N' ? y : spec.season === 'A' ? y - s : y / s;
  const level = base + params.alpha * (deseasonalised - base);
  if (spec.trend !== 'N') state.slope = phi * state.slope + (params.beta / params.alpha) * (level - state.level - phi * state.slope);
  if (spec.season === 'A') state.seasonal[phase] = s + params.gamma * (y - base - s);
  else if (spec.season === 'M') state.seasonal[phase] = s + params.gamma * (y / base - s);
  state.level = level;
}

export function copyState(state: EtsState): EtsState {
  return { level: state.level, slope: state.slope, seasonal: Float64Array.from(state.seasonal) };
}

export interface EtsFilterResult {
  /** −2·log-likelihood up to a constant: n·log(Σe²) (+ 2·Σlog|ŷ| for multiplicative errors); Infinity if unstable. */
  lik: number;
  /** Sum of squared errors (relative errors for a multiplicative error). */
  sse: number;
  state: EtsState;
}

/**
 * Runs the recursions over the history from an initial state and scores them: the arithmetic of `oneStep` then
 * `update`, in the same order, on local variables, since every likelihood evaluation of every candidate model runs
 * this loop.
 */
export function etsFilter(y: ArrayLike<number>, spec: EtsSpec, params: EtsParams, initial: EtsState): EtsFilterResult {
  const phi = trendPhi(spec, params);
  const seasonal = Float64Array.from(initial.seasonal);
  const trended = spec.trend !== 'N';
  const additiveSeason = spec.season === 'A';
  const multiplicativeSeason = spec.season === 'M';
  const multiplicativeError = spec.error === 'M';
  const multiplicative = multiplicativeError || multiplicativeSeason;
  const { alpha, gamma } = params;
  const slopeGain = params.beta / params.alpha;
  const period = spec.period;
  let level = initial.level;
  let slope = initial.slope;
  let sse = 0;
  let logSum = 0;
  // Σ log ŷ as the log of a running product, flushed long before it could overflow or underflow: one logarithm
  // per many steps instead of one per step, the costliest operation of the loop (most candidate models have a
  // multiplicative error).
  let product = 1;
  let phase = 0;
  for (let t = 0; t < y.length; t++) {
    const base = trended ? level + phi * slope : level;
    const s = seasonal[phase];
    const yhat = additiveSeason ? base + s : multiplicativeSeason ? base * s : base;
    if (multiplicative && !(yhat > 0)) return { lik: Infinity, sse: Infinity, state: { level, slope, seasonal } };
    const observed = y[t];
    const e = multiplicativeError ? (observed - yhat) / yhat : observed - yhat;
    sse += e * e;
    if (multiplicativeError) {
      if (yhat > 1e100 || yhat < 1e-100) {
        logSum += Math.log(yhat);
      } else {
        product *= yhat;
        if (product > 1e200 || product < 1e-200) {
          logSum += Math.log(product);
          product = 1;
        }
      }
    }
    const deseasonalised = additiveSeason ? observed - s : multiplicativeSeason ? observed / s : observed;
    const next = base + alpha * (deseasonalised - base);
    if (trended) slope = phi * slope + slopeGain * (next - level - phi * slope);
    if (additiveSeason) seasonal[phase] = s + gamma * (observed - base - s);
    else if (multiplicativeSeason) seasonal[phase] = s + gamma * (observed / base - s);
    level = next;
    if (!Number.isFinite(level)) return { lik: Infinity, sse: Infinity, state: { level, slope, seasonal } };
    phase = phase + 1 === period ? 0 : phase + 1;
  }
  logSum += Math.log(product);
  const n = y.length;
  return { lik: n * Math.log(Math.max(sse, 1e-300)) + 2 * logSum, sse, state: { level, slope, seasonal } };
}

/** Point forecasts h = 1..horizon from the state after n observations. */
export function etsPointForecast(spec: EtsSpec, params: EtsParams, state: EtsState, n: number, horizon: number): Float64Array {
  const phi = trendPhi(spec, params);
  const out = new Float64Array(horizon);
  for (let h = 1; h <= horizon; h++) {
    const base = spec.trend === 'N' ? state.level : state.level + dampedSum(phi, h) * state.slope;
    const s = state.seasonal[(n + h - 1) % spec.period];
    out[h - 1] = spec.season === 'N' ? base : spec.season === 'A' ? base + s : base * s;
  }
  return out;
}

/**
 * Forecast variance of the linear models (additive error, no multiplicative season):
 * σ²·(1 + Σ_{j<h} c_j²), c_j = α + β·(φ + … + φ^j) + γ·[j is a multiple of the period] (Hyndman et al. 2008, table 6.1).
 */
export function linearEtsSd(spec: EtsSpec, params: EtsParams, sigma2: number, horizon: number): Float64Array {
  const phi = trendPhi(spec, params);
  const sd = new Float64Array(horizon);
  let sum = 0;
  for (let h = 1; h <= horizon; h++) {
    sd[h - 1] = Math.sqrt(sigma2 * (1 + sum));
    const j = h;
    const c = params.alpha + (spec.trend === 'N' ? 0 : params.beta * dampedSum(phi, j)) + (spec.season === 'A' && j % spec.period === 0 ? params.gamma : 0);
    sum += c * c;
  }
  return sd;
}

function quantile(sorted: Float64Array, p: number): number {
  const position = p * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
}

/** Forecast with intervals: exact Gaussian for the linear models, simulated sample paths for the others. */
export function etsForecast(spec: EtsSpec, params: EtsParams, state: EtsState, n: number, sigma2: number, horizon: number, rng: Rng, paths = 1000): Forecast {
  const mean = etsPointForecast(spec, params, state, n, horizon);
  if (spec.error === 'A' && spec.season !== 'M') return normalForecast(mean, linearEtsSd(spec, params, sigma2, horizon));
  const phi = trendPhi(spec, params);
  const sigma = Math.sqrt(sigma2);
  const draws = Array.from({ length: horizon }, () => new Float64Array(paths));
  // One working state for every path, reset from the forecast origin at the start of each.
  const s = copyState(state);
  for (let p = 0; p < paths; p++) {
    s.level = state.level;
    s.slope = state.slope;
    s.seasonal.set(state.seasonal);
    for (let h = 0; h < horizon; h++) {
      const yhat = oneStep(spec, phi, s, n + h);
      const e = normal(rng, 0, sigma);
      const y = spec.error === 'A' ? yhat + e : yhat * (1 + e);
      draws[h][p] = y;
      update(spec, params, phi, s, n + h, y);
    }
  }
  const f = emptyForecast(horizon);
  const tail80 = (1 - 0.8) / 2;
  const tail95 = (1 - 0.95) / 2;
  for (let h = 0; h < horizon; h++) {
    const sorted = draws[h].sort();
    f.mean[h] = mean[h];
    f.lo80[h] = Math.min(mean[h], quantile(sorted, tail80));
    f.hi80[h] = Math.max(mean[h], quantile(sorted, 1 - tail80));
    f.lo95[h] = Math.min(f.lo80[h], quantile(sorted, tail95));
    f.hi95[h] = Math.max(f.hi80[h], quantile(sorted, 1 - tail95));
  }
  return f;
}
