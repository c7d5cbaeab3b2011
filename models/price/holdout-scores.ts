import { costPlusPrice, medianMarkup } from './cost-plus.ts';
import { selectRows, selectValues } from './matrix.ts';
import { errorMetrics, type ErrorMetrics } from './metrics.ts';
import { logMarkup, type QuotationTable } from './quotations.ts';
import { fitRidge, predictRidge } from './ridge.ts';

/**
 * How a price model did on held-out quotations, in price currency, next to the two baselines every price model must
 * beat: cost-plus at the median markup of the training quotations, and a ridge regression of the log markup on the
 * same features. The one place these are computed: the model's own validation window (price-model.ts), a holdout
 * evaluation (holdout-evaluation.ts) and the training step's held-out months all score through it.
 */
export interface HoldoutScores {
  rows: number;
  model: ErrorMetrics;
  costPlus: ErrorMetrics;
  ridge: ErrorMetrics;
  /** Share of held-out quotations whose price fell inside the model's 80% range. */
  intervalCoverage: number;
}

/** Row indices of a table: what the baselines learn from, and what everything is scored on. */
export interface HoldoutSplit {
  train: Uint32Array;
  holdout: Uint32Array;
}

/** Quotations made before `from` to learn from, those in [from, to) to score on (times in ms, as in QuotationTable). */
export function windowSplit(quotedAt: ArrayLike<number>, from: Date, to: Date): HoldoutSplit {
  const train: number[] = [];
  const holdout: number[] = [];
  for (let i = 0; i < quotedAt.length; i++) {
    if (quotedAt[i] < from.getTime()) train.push(i);
    else if (quotedAt[i] < to.getTime()) holdout.push(i);
  }
  return { train: Uint32Array.from(train), holdout: Uint32Array.from(holdout) };
}

/** `predicted` holds the model's answers for the holdout rows, in their order. */
export function scoreHoldout(
  table: QuotationTable,
  { train, holdout }: HoldoutSplit,
  predicted: { mean: ArrayLike<number>; lo80: ArrayLike<number>; hi80: ArrayLike<number> },
  ridgeAlpha: number,
): HoldoutScores {
  const actual = selectValues(table.price, holdout);
  const cost = selectValues(table.cost, holdout);
  const markup = medianMarkup(selectValues(table.price, train), selectValues(table.cost, train));
  const ridge = fitRidge(selectRows(table.x, train), Float64Array.from(train, (i) => logMarkup(table.price[i], table.cost[i])), ridgeAlpha);
  const ridgeLog = predictRidge(ridge, selectRows(table.x, holdout));
  let inside = 0;
  for (let k = 0; k < actual.length; k++) if (actual[k] >= predicted.lo80[k] && actual[k] <= predicted.hi80[k]) inside++;
  return {
    rows: holdout.length,
    model: errorMetrics(actual, predicted.mean),
    costPlus: errorMetrics(actual, Float64Array.from(cost, (c) => costPlusPrice(c, markup))),
    ridge: errorMetrics(actual, Float64Array.from(cost, (c, k) => c * Math.exp(ridgeLog[k]))),
    intervalCoverage: inside / Math.max(1, actual.length),
  };
}
