import { normalForecast, type Forecast } from './forecast.ts';
import { levenbergMarquardt } from '../../platform/maths/levenberg-marquardt.ts';

/**
 * Seasonal ARIMA with automatic orders, after Hyndman & Khandakar (2008), R's `auto.arima`: the differencing is
 * chosen first (a seasonal difference for seasonal data, KPSS tests for d), then a stepwise search over (p, q)(P, Q) and the constant
 * keeps the lowest AICc. Each model is estimated by conditional sum of squares, every candidate conditioned on the
 * same first observations so that their AICc compare. AR and MA coefficients are reached through partial
 * autocorrelations (Jones 1980), so every estimate is stationary and invertible. Orders stop at 2 (R's at 5): on
 * the tourism competition's training part, held-out last horizon, orders up to 2 forecast better than up to 3, and the
 * raw series better than its logs.
 */
export interface ArimaOrder {
  p: number;
  d: number;
  q: number;
  P: number;
  D: number;
  Q: number;
  /** Season length; 1 when the series has no seasonal part. */
  period: number;
  /** A mean of the differenced series (a drift when d + D = 1). */
  constant: boolean;
}

export interface ArimaState {
  order: ArimaOrder;
  /** Coefficients of the whole model on the series: y_t = intercept + Σ ar[i]·y_{t−1−i} + e_t + Σ ma[j]·e_{t−1−j}. */
  ar: number[];
  ma: number[];
  intercept: number;
  sigma2: number;
  /** The last ar.length values of the series and the last ma.length residuals, oldest first. */
  recentValues: number[];
  recentErrors: number[];
}

const MAX_P = 2;
const MAX_Q = 2;
const MAX_SEASONAL = 1;
/** KPSS level-stationarity critical value at 5% (Kwiatkowski et al. 1992, table 1). */
const KPSS_CRITICAL_5 = 0.463;

/**
 * A polynomial as lag–coefficient pairs: 1 − Σ coef·B^lag (AR side) or 1 + Σ coef·B^lag (MA side). A lag may
 * appear twice (when p ≥ the period): the terms simply add up.
 */
interface Lags {
  lags: Int32Array;
  coefs: Float64Array;
}

/** Partial autocorrelations in (−1, 1) → the coefficients of a stationary AR polynomial (Durbin–Levinson). */
export function partialToCoefficients(partial: ArrayLike<number>): Float64Array {
  const k = partial.length;
  const phi = new Float64Array(k);
  const previous = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const r = partial[j];
    previous.set(phi);
    phi[j] = r;
    for (let i = 0; i < j; i++) phi[i] = previous[i] - r * previous[j - 1 - i];
  }
  return phi;
}

/** The lags of (1 ∓ Σ a_i B^i)(1 ∓ Σ A_j B^{jm}): short, seasonal, then the cross terms. */
function productLags(short: number, seasonal: number, period: number): Int32Array {
  const lags: number[] = [];
  for (let i = 1; i <= short; i++) lags.push(i);
  for (let j = 1; j <= seasonal; j++) {
    lags.push(j * period);
    for (let i = 1; i <= short; i++) lags.push(j * period + i);
  }
  return Int32Array.from(lags);
}

/**
 * Fills the product's coefficients in productLags' order. On the AR side (sign 1) the cross terms of
 * 1 − Σ c·B^lag are −a_i·A_j; on the MA side (sign −1) those of 1 + Σ c·B^lag are +θ_i·Θ_j.
 */
function fillProduct(short: Float64Array, seasonal: Float64Array, sign: 1 | -1, out: Float64Array): void {
  let k = 0;
  for (let i = 0; i < short.length; i++) out[k++] = short[i];
  for (let j = 0; j < seasonal.length; j++) {
    out[k++] = seasonal[j];
    for (let i = 0; i < short.length; i++) out[k++] = -sign * short[i] * seasonal[j];
  }
}

/** (1 − B)^d (1 − B^m)^D applied to y. */
export function difference(y: ArrayLike<number>, d: number, D: number, period: number): Float64Array {
  let x = Float64Array.from(y);
  for (let k = 0; k < D; k++) x = x.subarray(period).map((v, t) => v - x[t]);
  for (let k = 0; k < d; k++) x = x.subarray(1).map((v, t) => v - x[t]);
  return x;
}

/** KPSS statistic for level stationarity, Bartlett long-run variance with lag ⌊4(n/100)^¼⌋ (urca's "short"). */
export function kpssStatistic(x: ArrayLike<number>): number {
  const n = x.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += x[t] / n;
  let partial = 0;
  let eta = 0;
  let gamma0 = 0;
  for (let t = 0; t < n; t++) {
    const e = x[t] - mean;
    partial += e;
    eta += partial * partial;
    gamma0 += e * e;
  }
  const lags = Math.floor(4 * (n / 100) ** 0.25);
  let longRun = gamma0 / n;
  for (let l = 1; l <= lags; l++) {
    let sum = 0;
    for (let t = l; t < n; t++) sum += (x[t] - mean) * (x[t - l] - mean);
    longRun += (2 * (1 - l / (lags + 1)) * sum) / n;
  }
  return longRun > 0 ? eta / (n * n) / longRun : 0;
}

/**
 * The differencing orders: one seasonal difference whenever the data have a season and three seasons of history,
 * then d ≤ 2 by repeated KPSS tests. (auto.arima differences seasonally only above a seasonal strength of 0.64; on the
 * tourism competition's training part, held-out last horizon, ARIMA forecast better as that threshold went down,
 * and best with none.)
 */
export function differencingOrders(y: ArrayLike<number>, period: number): { d: number; D: number } {
  const D = period > 1 && y.length >= 3 * period ? 1 : 0;
  let x = difference(y, 0, D, period);
  let d = 0;
  while (d < 2 && x.length > 3 && kpssStatistic(x) > KPSS_CRITICAL_5) {
    x = difference(x, 1, 0, 1);
    d++;
  }
  return { d, D };
}

interface Estimate {
  order: ArimaOrder;
  ar: Lags;
  ma: Lags;
  mean: number;
  /** The unconstrained parameters, to start neighbours from. */
  x: Float64Array;
  sse: number;
  residuals: Float64Array;
  aicc: number;
}

/** Residuals of the ARMA on the differenced series w from index `start` on (earlier residuals are taken as 0). */
function cssResiduals(w: Float64Array, ar: Lags, ma: Lags, mean: number, start: number, residuals: Float64Array): number {
  let sse = 0;
  residuals.fill(0, 0, start);
  for (let t = start; t < w.length; t++) {
    let e = w[t] - mean;
    for (let i = 0; i < ar.lags.length; i++) e -= ar.coefs[i] * (w[t - ar.lags[i]] - mean);
    for (let j = 0; j < ma.lags.length; j++) {
      const s = t - ma.lags[j];
      if (s >= start) e -= ma.coefs[j] * residuals[s];
    }
    residuals[t] = e;
    sse += e * e;
  }
  return sse;
}

/** The order's lag structure, with coefficient arrays that each parameter vector refills. */
function lagsOf(order: ArimaOrder): { ar: Lags; ma: Lags } {
  const arLags = productLags(order.p, order.P, order.period);
  const maLags = productLags(order.q, order.Q, order.period);
  return { ar: { lags: arLags, coefs: new Float64Array(arLags.length) }, ma: { lags: maLags, coefs: new Float64Array(maLags.length) } };
}

/** Unconstrained parameters → coefficients: tanh gives partial autocorrelations, hence stationarity and invertibility. */
function fillCoefficients(order: ArimaOrder, x: Float64Array, ar: Lags, ma: Lags): void {
  let i = 0;
  const take = (k: number) => partialToCoefficients(Array.from(x.subarray(i, (i += k)), Math.tanh));
  const phi = take(order.p);
  // An MA polynomial 1 + Σθ B^j is invertible when 1 − Σ(−θ) B^j is stationary.
  const theta = take(order.q).map((v) => -v);
  const seasonalPhi = take(order.P);
  const seasonalTheta = take(order.Q).map((v) => -v);
  fillProduct(phi, seasonalPhi, 1, ar.coefs);
  fillProduct(theta, seasonalTheta, -1, ma.coefs);
}

/** Mean and standard deviation of the differenced series: the constant is estimated in units of the spread. */
interface Moments {
  mean: number;
  scale: number;
}

function momentsOf(w: Float64Array): Moments {
  let mean = 0;
  let spread = 0;
  for (let t = 0; t < w.length; t++) mean += w[t] / w.length;
  for (let t = 0; t < w.length; t++) spread += (w[t] - mean) ** 2 / w.length;
  return { mean, scale: Math.sqrt(spread) || 1 };
}

function estimate(w: Float64Array, { mean, scale }: Moments, order: ArimaOrder, start: number, warm?: Estimate): Estimate | undefined {
  const arma = order.p + order.q + order.P + order.Q;
  const k = arma + Number(order.constant);
  const used = w.length - start;
  const parameters = k + 1;
  if (used - parameters - 1 <= 0) return undefined;
  const residuals = new Float64Array(w.length);
  const { ar, ma } = lagsOf(order);
  const centreOf = (x: Float64Array) => (order.constant ? x[arma] * scale : 0);
  const fill = (x: Float64Array, out: Float64Array) => {
    fillCoefficients(order, x, ar, ma);
    cssResiduals(w, ar, ma, centreOf(x), start, residuals);
    out.set(residuals.subarray(start));
  };
  const initial = new Float64Array(k);
  if (order.constant) initial[arma] = mean / scale;
  if (warm) warmStart(warm, order, initial);
  const best = levenbergMarquardt(fill, initial, used, { maxIterations: 10, tolerance: 1e-4 });
  fillCoefficients(order, best.x, ar, ma);
  const centre = centreOf(best.x);
  const sse = cssResiduals(w, ar, ma, centre, start, residuals);
  if (!(sse > 0) || !Number.isFinite(sse)) return undefined;
  const minus2LogLik = used * (Math.log((2 * Math.PI * sse) / used) + 1);
  const aicc = minus2LogLik + 2 * parameters + (2 * parameters * (parameters + 1)) / (used - parameters - 1);
  return { order, ar, ma, mean: centre, x: best.x, sse, residuals, aicc };
}

/** A neighbour starts from the current best's parameters where the two share them (zero elsewhere). */
function warmStart(from: Estimate, order: ArimaOrder, x: Float64Array): void {
  const blocks = (o: ArimaOrder) => [o.p, o.q, o.P, o.Q];
  const source = blocks(from.order);
  const target = blocks(order);
  let i = 0;
  let j = 0;
  for (let b = 0; b < 4; b++) {
    for (let l = 0; l < Math.min(source[b], target[b]); l++) x[j + l] = from.x[i + l];
    i += source[b];
    j += target[b];
  }
  if (order.constant && from.order.constant) x[j] = from.x[i];
}

const key = (o: ArimaOrder) => `${o.p},${o.q},${o.P},${o.Q},${Number(o.constant)}`;

/** Stepwise search (Hyndman & Khandakar 2008, §3.2) from four starting models, moving to any better neighbour. */
function stepwise(w: Float64Array, base: ArimaOrder, start: number, maxP: number, maxQ: number, maxSeasonal: number): Estimate | undefined {
  const tried = new Map<string, Estimate | undefined>();
  // Every candidate estimates on the same differenced series: its moments once.
  const moments = momentsOf(w);
  const allowConstant = base.d + base.D <= 1;
  const tryOrder = (o: ArimaOrder) => {
    if (o.p < 0 || o.q < 0 || o.P < 0 || o.Q < 0 || o.p > maxP || o.q > maxQ || o.P > maxSeasonal || o.Q > maxSeasonal) return undefined;
    if (o.constant && !allowConstant) return undefined;
    const id = key(o);
    if (!tried.has(id)) tried.set(id, estimate(w, moments, o, start, best));
    return tried.get(id);
  };
  const seasonal = maxSeasonal > 0 ? 1 : 0;
  let best: Estimate | undefined;
  const consider = (o: ArimaOrder) => {
    const fit = tryOrder(o);
    if (fit && (!best || fit.aicc < best.aicc - 1e-9)) {
      best = fit;
      return true;
    }
    return false;
  };
  const at = (p: number, q: number, P: number, Q: number, constant = allowConstant): ArimaOrder => ({ ...base, p: Math.min(p, maxP), q: Math.min(q, maxQ), P: P * seasonal, Q: Q * seasonal, constant });
  consider(at(2, 2, 1, 1));
  consider(at(0, 0, 0, 0));
  consider(at(1, 0, 1, 0));
  consider(at(0, 1, 0, 1));
  if (allowConstant) consider(at(0, 0, 0, 0, false));
  for (let step = 0; step < 100 && best; step++) {
    const o: ArimaOrder = best.order;
    const neighbours: ArimaOrder[] = [
      { ...o, P: o.P - 1 }, { ...o, P: o.P + 1 }, { ...o, Q: o.Q - 1 }, { ...o, Q: o.Q + 1 },
      { ...o, P: o.P - 1, Q: o.Q - 1 }, { ...o, P: o.P + 1, Q: o.Q + 1 },
      { ...o, p: o.p - 1 }, { ...o, p: o.p + 1 }, { ...o, q: o.q - 1 }, { ...o, q: o.q + 1 },
      { ...o, p: o.p - 1, q: o.q - 1 }, { ...o, p: o.p + 1, q: o.q + 1 },
      { ...o, constant: !o.constant },
    ];
    let moved = false;
    for (const n of neighbours) if (consider(n)) moved = true;
    if (!moved) break;
  }
  return best;
}

/** (1 − B)^d (1 − B^m)^D as 1 − Σ c_i B^i, dense. */
function differencingPolynomial(d: number, D: number, period: number): Float64Array {
  let poly = Float64Array.of(1);
  const times = (other: Float64Array) => {
    const out = new Float64Array(poly.length + other.length - 1);
    for (let i = 0; i < poly.length; i++) for (let j = 0; j < other.length; j++) out[i + j] += poly[i] * other[j];
    poly = out;
  };
  for (let k = 0; k < d; k++) times(Float64Array.of(1, -1));
  const seasonalDiff = new Float64Array(period + 1);
  seasonalDiff[0] = 1;
  seasonalDiff[period] = -1;
  for (let k = 0; k < D; k++) times(seasonalDiff);
  return poly;
}

export function fitArima(values: ArrayLike<number>, period: number): ArimaState {
  const y = Float64Array.from(values);
  const m = period > 1 && y.length >= 2 * period + 4 ? period : 1;
  const { d, D } = differencingOrders(y, m);
  const w = difference(y, d, D, m);
  const maxSeasonal = m > 1 && w.length >= 3 * m ? MAX_SEASONAL : 0;
  // Every candidate is conditioned on the same first observations, so their sums of squares cover the same span.
  const maxP = Math.max(0, Math.min(MAX_P, Math.floor(w.length / 6)));
  const maxQ = Math.max(0, Math.min(MAX_Q, Math.floor(w.length / 6)));
  const start = maxP + maxSeasonal * m;
  const base: ArimaOrder = { p: 0, d, q: 0, P: 0, D, Q: 0, period: m, constant: false };
  const best = stepwise(w, base, start, maxP, maxQ, maxSeasonal) ?? naiveEstimate(w, base);
  return stateOf(y, best, start);
}

/** The random walk (or white noise) when nothing else can be estimated: too few observations. */
function naiveEstimate(w: Float64Array, order: ArimaOrder): Estimate {
  let sse = 0;
  for (let t = 0; t < w.length; t++) sse += w[t] * w[t];
  const none: Lags = { lags: new Int32Array(0), coefs: new Float64Array(0) };
  return { order, ar: none, ma: none, mean: 0, x: new Float64Array(0), sse, residuals: Float64Array.from(w), aicc: Infinity };
}

/** The model written on the series itself, with what its forecasts need from the end of the history. */
function stateOf(y: Float64Array, fit: Estimate, start: number): ArimaState {
  const { order } = fit;
  const differencing = differencingPolynomial(order.d, order.D, order.period);
  const arDense = new Float64Array((fit.ar.lags.length ? fit.ar.lags[fit.ar.lags.length - 1] : 0) + 1);
  arDense[0] = 1;
  // A lag may come twice (short and cross terms meet when p ≥ the period): its coefficients add up.
  fit.ar.lags.forEach((lag, i) => (arDense[lag] -= fit.ar.coefs[i]));
  const full = new Float64Array(arDense.length + differencing.length - 1);
  for (let i = 0; i < arDense.length; i++) for (let j = 0; j < differencing.length; j++) full[i + j] += arDense[i] * differencing[j];
  const ar = Array.from(full.subarray(1), (v) => -v);
  const maDepth = fit.ma.lags.length ? fit.ma.lags[fit.ma.lags.length - 1] : 0;
  const ma = new Array<number>(maDepth).fill(0);
  fit.ma.lags.forEach((lag, i) => (ma[lag - 1] += fit.ma.coefs[i]));
  let arSum = 0;
  for (const c of fit.ar.coefs) arSum += c;
  const intercept = fit.mean * (1 - arSum);
  const used = Math.max(1, fit.residuals.length - start);
  const recentValues = Array.from(y.subarray(Math.max(0, y.length - ar.length)));
  while (recentValues.length < ar.length) recentValues.unshift(recentValues[0] ?? 0);
  const recentErrors = Array.from(fit.residuals.subarray(Math.max(0, fit.residuals.length - maDepth)));
  while (recentErrors.length < maDepth) recentErrors.unshift(0);
  return { order, ar, ma, intercept, sigma2: fit.sse / used, recentValues, recentErrors };
}

/** Point forecasts by the recursion (future errors 0), bounds from the ψ-weights of the whole model. */
export function arimaForecast(state: ArimaState, horizon: number): Forecast {
  const { ar, ma } = state;
  const values = [...state.recentValues];
  const errors = [...state.recentErrors];
  const mean = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) {
    let next = state.intercept;
    for (let i = 0; i < ar.length; i++) next += ar[i] * values[values.length - 1 - i];
    for (let j = 0; j < ma.length; j++) next += ma[j] * (errors[errors.length - 1 - j] ?? 0);
    values.push(next);
    errors.push(0);
    mean[h] = next;
  }
  const psi = new Float64Array(horizon);
  const sd = new Float64Array(horizon);
  let sum = 0;
  for (let j = 0; j < horizon; j++) {
    let value = j === 0 ? 1 : j <= ma.length ? ma[j - 1] : 0;
    for (let i = 1; i <= Math.min(j, ar.length); i++) value += ar[i - 1] * psi[j - i];
    psi[j] = value;
    sum += value * value;
    sd[j] = Math.sqrt(state.sigma2 * sum);
  }
  return normalForecast(mean, sd);
}
