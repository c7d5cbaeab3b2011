import type { BacktestScore } from './backtest.ts';

/**
 * From backtest scores to a combination: weights proportional to 1 / MASE^power, and the per-series choice of
 * the single most accurate model. Power 2 follows Bates & Granger (1969), who weight by inverse squared error;
 * a larger power moves the combination towards the single best model.
 * Models without a usable score (no cut-off fitted) share equally.
 */
export function inverseErrorWeights(scores: Record<string, BacktestScore | undefined>, models: readonly string[], power = 2): Record<string, number> {
  const usable = models.filter((m) => Number.isFinite(scores[m]?.mase));
  const weights: Record<string, number> = {};
  if (usable.length === 0) {
    for (const m of models) weights[m] = 1 / models.length;
    return weights;
  }
  // A floor on MASE keeps one lucky near-perfect backtest from taking all the weight.
  const raw = usable.map((m) => Math.max(scores[m]!.mase, 0.05) ** -power);
  const total = raw.reduce((a, b) => a + b, 0);
  for (const m of models) weights[m] = 0;
  usable.forEach((m, i) => (weights[m] = raw[i] / total));
  return weights;
}

export function bestModel(scores: Record<string, BacktestScore | undefined>, models: readonly string[], fallback: string): string {
  let best = fallback;
  let bestMase = Infinity;
  for (const m of models) {
    const mase = scores[m]?.mase;
    if (mase !== undefined && Number.isFinite(mase) && mase < bestMase) {
      bestMase = mase;
      best = m;
    }
  }
  return best;
}
