import { seasonalIndices } from './decomposition.ts';
import { etsFilter, type EtsParams, type EtsSpec, type EtsState, type SeasonKind, type TrendKind } from './ets.ts';
import { nelderMead } from './nelder-mead.ts';

/**
 * Estimation of ETS models by maximum likelihood (Nelder–Mead) and selection by AICc, as R's `forecast::ets`.
 * To keep thousands of series cheap, only the smoothing weights, damping and the initial level and slope are
 * optimised; the initial seasonal indices come from a classical decomposition of the first seasons (still counted
 * as estimated parameters in the AICc).
 */
export interface FittedEts {
  spec: EtsSpec;
  params: EtsParams;
  /** State after the last observation. */
  state: EtsState;
  /** Observations the state has seen (the phase of the next step is n mod period). */
  n: number;
  sigma2: number;
  aicc: number;
}

const BOUNDS = { alpha: [1e-4, 0.9999], phi: [0.8, 0.98] } as const;

const logistic = (u: number) => 1 / (1 + Math.exp(-u));
const logit = (p: number) => Math.log(p / (1 - p));

/** Initial states from the first seasons: seasonal indices by decomposition, then level and slope by regression. */
export function initialEtsState(y: ArrayLike<number>, spec: EtsSpec): EtsState {
  const m = spec.period;
  const seasonal = new Float64Array(m).fill(spec.season === 'M' ? 1 : 0);
  const seasonalWindow = Math.min(y.length, m * Math.max(2, Math.min(3, Math.floor(y.length / m))));
  if (spec.season !== 'N') seasonal.set(seasonalIndices(Array.prototype.slice.call(y, 0, seasonalWindow), m, spec.season));
  const k = Math.min(y.length, Math.max(10, 2 * m));
  const adjusted = new Float64Array(k);
  for (let t = 0; t < k; t++) adjusted[t] = spec.season === 'A' ? y[t] - seasonal[t % m] : spec.season === 'M' ? y[t] / seasonal[t % m] : y[t];
  let meanT = 0;
  let meanY = 0;
  for (let t = 0; t < k; t++) {
    meanT += t / k;
    meanY += adjusted[t] / k;
  }
  if (spec.trend === 'N') return { level: meanY, slope: 0, seasonal };
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < k; t++) {
    sxy += (t - meanT) * (adjusted[t] - meanY);
    sxx += (t - meanT) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  // The level before the first observation: one slope back from the fitted value at t = 0.
  return { level: meanY - slope * meanT - slope, slope, seasonal };
}

interface Layout {
  beta: boolean;
  gamma: boolean;
  phi: boolean;
  slope: boolean;
}

function layoutOf(spec: EtsSpec): Layout {
  return { beta: spec.trend !== 'N', gamma: spec.season !== 'N', phi: spec.trend === 'Ad', slope: spec.trend !== 'N' };
}

/**
 * Unconstrained coordinates → admissible parameters: α ∈ (1e-4, 0.9999), β ∈ (0, α), γ ∈ (0, 1 − α), φ ∈ (0.8, 0.98);
 * the initial level and slope are in units of the series' scale.
 */
function decode(x: Float64Array, layout: Layout, scale: number): { params: EtsParams; level: number; slope: number } {
  let i = 0;
  const alpha = BOUNDS.alpha[0] + (BOUNDS.alpha[1] - BOUNDS.alpha[0]) * logistic(x[i++]);
  const beta = layout.beta ? alpha * logistic(x[i++]) * 0.9999 : 0;
  const gamma = layout.gamma ? (1 - alpha) * logistic(x[i++]) * 0.9999 : 0;
  const phi = layout.phi ? BOUNDS.phi[0] + (BOUNDS.phi[1] - BOUNDS.phi[0]) * logistic(x[i++]) : 1;
  const level = x[i++] * scale;
  const slope = layout.slope ? x[i++] * scale : 0;
  return { params: { alpha, beta, gamma, phi }, level, slope };
}

function encodeStart(layout: Layout, init: EtsState, scale: number): Float64Array {
  const x: number[] = [logit((0.2 - BOUNDS.alpha[0]) / (BOUNDS.alpha[1] - BOUNDS.alpha[0]))];
  if (layout.beta) x.push(logit(0.1));
  if (layout.gamma) x.push(logit(0.05));
  if (layout.phi) x.push(logit((0.95 - BOUNDS.phi[0]) / (BOUNDS.phi[1] - BOUNDS.phi[0])));
  x.push(init.level / scale);
  if (layout.slope) x.push(init.slope / scale);
  return Float64Array.from(x);
}

/** Number of estimated parameters, as counted by `forecast::ets` (smoothing, initial states, and σ²). */
export function parameterCount(spec: EtsSpec): number {
  const layout = layoutOf(spec);
  return 1 + Number(layout.beta) + Number(layout.gamma) + Number(layout.phi) + 1 + Number(layout.slope) + (spec.season === 'N' ? 0 : spec.period - 1) + 1;
}

export function fitEts(y: ArrayLike<number>, spec: EtsSpec, maxEvaluations = 400): FittedEts {
  const n = y.length;
  const init = initialEtsState(y, spec);
  const layout = layoutOf(spec);
  let scale = 0;
  for (let t = 0; t < n; t++) scale += Math.abs(y[t]) / n;
  scale = scale || 1;
  const objective = (x: Float64Array) => {
    const d = decode(x, layout, scale);
    return etsFilter(y, spec, d.params, { level: d.level, slope: d.slope, seasonal: init.seasonal }).lik;
  };
  const start = encodeStart(layout, init, scale);
  const steps = Array.from(start, (_, i) => (i < start.length - 1 - Number(layout.slope) ? 0.5 : 0.05));
  const best = nelderMead(objective, start, { step: steps, maxEvaluations, tolerance: 1e-7 });
  const d = decode(best.x, layout, scale);
  const result = etsFilter(y, spec, d.params, { level: d.level, slope: d.slope, seasonal: init.seasonal });
  const k = parameterCount(spec);
  const aic = result.lik + 2 * k;
  const aicc = n - k - 1 > 0 ? aic + (2 * k * (k + 1)) / (n - k - 1) : Infinity;
  return { spec, params: d.params, state: result.state, n, sigma2: result.sse / Math.max(1, n - k), aicc };
}

/**
 * The candidate models for a series: multiplicative forms only for strictly positive data, no additive error with a
 * multiplicative season (numerically unstable), seasonal forms only with at least two full seasons.
 */
export function candidateSpecs(y: ArrayLike<number>, period: number): EtsSpec[] {
  let positive = true;
  for (let t = 0; t < y.length; t++) if (!(y[t] > 0)) positive = false;
  const seasonal = period > 1 && y.length >= 2 * period;
  const trends: TrendKind[] = ['N', 'A', 'Ad'];
  const seasons: SeasonKind[] = seasonal ? ['N', 'A', 'M'] : ['N'];
  const specs: EtsSpec[] = [];
  for (const error of positive ? (['A', 'M'] as const) : (['A'] as const)) {
    for (const trend of trends) {
      for (const season of seasons) {
        if (season === 'M' && (!positive || error === 'A')) continue;
        specs.push({ error, trend, season, period: season === 'N' ? 1 : period });
      }
    }
  }
  return specs;
}

/** Fits every candidate with enough data for its parameters (several selections can then share one fitting pass). */
export function fitEtsCandidates(y: ArrayLike<number>, period: number, specs = candidateSpecs(y, period)): FittedEts[] {
  return specs.filter((spec) => parameterCount(spec) + 2 <= y.length).map((spec) => fitEts(y, spec));
}

/** The lowest AICc among fitted candidates that pass `keep`, if any. */
export function lowestAicc(fits: readonly FittedEts[], keep: (spec: EtsSpec) => boolean = () => true): FittedEts | undefined {
  let best: FittedEts | undefined;
  for (const fit of fits) if (keep(fit.spec) && (!best || fit.aicc < best.aicc)) best = fit;
  return best;
}

/** Fits every candidate with enough data for its parameters and keeps the lowest AICc. */
export function autoEts(y: ArrayLike<number>, period: number, specs = candidateSpecs(y, period)): FittedEts {
  return lowestAicc(fitEtsCandidates(y, period, specs)) ?? fitEts(y, { error: 'A', trend: 'N', season: 'N', period: 1 });
}
