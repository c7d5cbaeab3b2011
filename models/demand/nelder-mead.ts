/**
 * Nelder–Mead simplex minimiser (standard coefficients: reflection 1, expansion 2, contraction ½, shrink ½).
 * Derivative-free, which suits exponential-smoothing likelihoods: they are cheap to evaluate but their gradients
 * are awkward, and the parameter count stays small (smoothing weights and two initial states).
 */
export interface NelderMeadOptions {
  /** Initial simplex edge per coordinate (a number applies to every coordinate). */
  step?: number | readonly number[];
  maxEvaluations?: number;
  /** Stop when the spread of objective values across the simplex falls below this (relative to their size). */
  tolerance?: number;
}

export interface NelderMeadResult {
  x: Float64Array;
  value: number;
  evaluations: number;
}

export function nelderMead(objective: (x: Float64Array) => number, start: ArrayLike<number>, options: NelderMeadOptions = {}): NelderMeadResult {
  const n = start.length;
  const maxEvaluations = options.maxEvaluations ?? 200 * n;
  const tolerance = options.tolerance ?? 1e-8;
  const stepOf = (i: number) => (typeof options.step === 'number' ? options.step : (options.step?.[i] ?? 0.1));
  let evaluations = 0;
  const evaluate = (x: Float64Array) => {
    evaluations++;
    const v = objective(x);
    return Number.isFinite(v) ? v : Infinity;
  };

  const points: Float64Array[] = [Float64Array.from(start)];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(start);
    p[i] += stepOf(i);
    points.push(p);
  }
  const values = points.map(evaluate);
  const order = points.map((_, i) => i);
  const centroid = new Float64Array(n);
  const along = (from: Float64Array, to: Float64Array, t: number) => {
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) out[j] = from[j] + t * (to[j] - from[j]);
    return out;
  };

  while (evaluations < maxEvaluations) {
    order.sort((a, b) => values[a] - values[b]);
    const best = order[0];
    const worst = order[n];
    const secondWorst = order[n - 1];
    const spread = Math.abs(values[worst] - values[best]);
    if (spread <= tolerance * (Math.abs(values[best]) + tolerance)) break;

    centroid.fill(0);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) centroid[j] += points[order[k]][j] / n;
    const reflected = along(centroid, points[worst], -1);
    const fr = evaluate(reflected);
    if (fr < values[best]) {
      const expanded = along(centroid, points[worst], -2);
      const fe = evaluate(expanded);
      if (fe < fr) [points[worst], values[worst]] = [expanded, fe];
      else [points[worst], values[worst]] = [reflected, fr];
    } else if (fr < values[secondWorst]) {
      [points[worst], values[worst]] = [reflected, fr];
    } else {
      const outside = fr < values[worst];
      const contracted = along(centroid, outside ? reflected : points[worst], 0.5);
      const fc = evaluate(contracted);
      if (fc < (outside ? fr : values[worst])) {
        [points[worst], values[worst]] = [contracted, fc];
      } else {
        for (let k = 1; k <= n; k++) {
          const i = order[k];
          points[i] = along(points[best], points[i], 0.5);
          values[i] = evaluate(points[i]);
        }
      }
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if (values[i] < values[bestIndex]) bestIndex = i;
  return { x: points[bestIndex], value: values[bestIndex], evaluations };
}
