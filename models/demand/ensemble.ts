import type { BacktestScore } from './backtest.ts';
import { combineForecasts, medianForecast, type Forecast } from './forecast.ts';

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

/**
 * How the models of a series are combined: `weighted:P` (weights ∝ 1 / MASE^P from the backtests), `mean` (equal
 * weights) or `median` (step by step), over every member or over all but one (`mean without ets`). Which one a
 * forecaster uses is chosen on validation (see series-fit.ts).
 */
type Rule = `weighted:${number}` | 'mean' | 'median';
export type Combination = Rule | `${Rule} without ${string}`;

/**
 * The candidates a forecaster chooses among: its configured power first (ties keep it), then the usual others, then
 * each of them without one member. A member can be worse than useless in a combination for a whole kind of series
 * (ETS's trends on short yearly histories) while no single series' backtest is long enough to show it; leaving it
 * out is then a choice made once for all the series, on all their validations. Two members stay at least.
 */
export function combinationCandidates(weightPower: number, members: readonly string[] = []): Combination[] {
  const rules: Rule[] = [...new Set<Rule>([`weighted:${weightPower}`, 'weighted:1', 'weighted:2', 'weighted:4', 'mean', 'median'])];
  const without = members.length >= 3 ? members.flatMap((m) => rules.map((rule): Combination => `${rule} without ${m}`)) : [];
  return [...rules, ...without];
}

export function isCombination(name: string): name is Combination {
  return /^(mean|median|weighted:\d+(\.\d+)?)( without [a-z0-9_]+)?$/.test(name);
}

function parseCombination(combination: Combination): { rule: Rule; without?: string } {
  const [rule, without] = combination.split(' without ') as [Rule, string | undefined];
  return { rule, without };
}

/** Weights of a combination (`median` has none: it is combined step by step, see forecast.ts). */
export function combinationWeights(combination: Combination, scores: Record<string, BacktestScore | undefined>, models: readonly string[]): Record<string, number> {
  const { rule, without } = parseCombination(combination);
  const used = models.filter((m) => m !== without);
  const weights = rule === 'mean' || rule === 'median' ? Object.fromEntries(used.map((m) => [m, 1 / used.length])) : inverseErrorWeights(scores, used, Number(rule.slice('weighted:'.length)));
  return Object.fromEntries(models.map((m) => [m, weights[m] ?? 0]));
}

/**
 * The combination with the lowest mean validation MASE over series (series without a validation score left out);
 * with no score at all, the first candidate.
 */
export function chooseCombination(validations: ReadonlyArray<Record<string, number>>, candidates: readonly Combination[]): { combination: Combination; mase: Record<string, number> } {
  const mase: Record<string, number> = {};
  for (const c of candidates) {
    const values = validations.map((v) => v[c]).filter((v) => v !== undefined && Number.isFinite(v));
    mase[c] = values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
  }
  let combination = candidates[0];
  for (const c of candidates) if (mase[c] < mase[combination] || (Number.isNaN(mase[combination]) && Number.isFinite(mase[c]))) combination = c;
  return { combination, mase };
}

/** Combines the models' forecasts of one series by a combination; a model without a forecast drops out. */
export function combineModels(combination: Combination, forecasts: Record<string, Forecast | undefined>, scores: Record<string, BacktestScore | undefined>): Forecast | undefined {
  const { rule, without } = parseCombination(combination);
  const models = Object.keys(forecasts).filter((m) => forecasts[m] !== undefined && m !== without);
  if (models.length === 0) return undefined;
  if (rule === 'median') return medianForecast(models.map((m) => forecasts[m]!));
  const weights = combinationWeights(combination, scores, models);
  const used = models.filter((m) => weights[m] > 0);
  return used.length ? combineForecasts(used.map((m) => forecasts[m]!), used.map((m) => weights[m])) : undefined;
}
