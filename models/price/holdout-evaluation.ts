import type { LearnerKind } from './learners.ts';
import type { ErrorMetrics } from './metrics.ts';
import { PriceModel, type PriceParams } from './price-model.ts';
import { scoreHoldout, type HoldoutSplit } from './holdout-scores.ts';
import { quotationTable, timeSplit, type Quotation } from './quotations.ts';

/**
 * The price model against its baselines on a held-out set of quotations: the model and the baselines learn only
 * from the `train` rows and are scored, in price currency, on the `holdout` rows (holdout-scores.ts). The split is
 * either a window of time (the training step's held-out months, `windowSplit`) or the latest share of the rows.
 */
export interface HoldoutEvaluation {
  trainRows: number;
  holdoutRows: number;
  /** The learner the model chose on its own validation window inside the training rows. */
  chosen: LearnerKind;
  model: ErrorMetrics;
  costPlus: ErrorMetrics;
  ridge: ErrorMetrics;
  intervalCoverage: number;
}

export async function evaluateOnHoldout(
  rows: readonly Quotation[],
  featureNames: readonly string[],
  params: Partial<PriceParams> = {},
  split: HoldoutSplit | number = 0.15,
): Promise<HoldoutEvaluation> {
  const table = quotationTable(rows, featureNames);
  const { train, holdout } = typeof split === 'number' ? timeSplit(table.quotedAt, split) : split;
  const model = await new PriceModel(params).fit({ rows: Array.from(train, (i) => rows[i]), featureNames });
  const suggestions = model.predict(Array.from(holdout, (i) => ({ features: rows[i].features, cost: rows[i].cost })));
  const scores = scoreHoldout(
    table,
    { train, holdout },
    { mean: suggestions.map((s) => s.mean), lo80: suggestions.map((s) => s.lo80), hi80: suggestions.map((s) => s.hi80) },
    model.params.ridgeAlpha,
  );
  return {
    trainRows: train.length,
    holdoutRows: holdout.length,
    chosen: model.validation.chosen,
    model: scores.model,
    costPlus: scores.costPlus,
    ridge: scores.ridge,
    intervalCoverage: scores.intervalCoverage,
  };
}
