import { costPlusPrice, medianMarkup } from './cost-plus.ts';
import { selectRows } from './matrix.ts';
import { errorMetrics, type ErrorMetrics } from './metrics.ts';
import { PriceModel, type PriceParams } from './price-model.ts';
import { logMarkup, quotationTable, timeSplit, type Quotation } from './quotations.ts';
import { fitRidge, predictRidge } from './ridge.ts';

/**
 * The price model against its baselines on a time-based holdout: everything learns from the earlier quotations
 * and is scored, in price currency, on the latest `holdoutFraction` of them. Also reports how often the model's
 * 80% range held the quoted price.
 */
export interface HoldoutEvaluation {
  trainRows: number;
  holdoutRows: number;
  chosen: string;
  model: ErrorMetrics;
  costPlus: ErrorMetrics;
  ridge: ErrorMetrics;
  intervalCoverage: number;
}

export async function evaluateOnHoldout(rows: readonly Quotation[], featureNames: readonly string[], params: Partial<PriceParams> = {}, holdoutFraction = 0.15): Promise<HoldoutEvaluation> {
  const table = quotationTable(rows, featureNames);
  const { train, holdout } = timeSplit(table.quotedAt, holdoutFraction);
  const trainRows = Array.from(train, (i) => rows[i]);
  const model = await new PriceModel(params).fit({ rows: trainRows, featureNames });

  const actual = Float64Array.from(holdout, (i) => table.price[i]);
  const suggestions = model.predictBatch(Array.from(holdout, (i) => ({ features: rows[i].features, cost: table.cost[i] })));
  const markup = medianMarkup(Array.from(train, (i) => table.price[i]), Array.from(train, (i) => table.cost[i]));
  const ridge = fitRidge(selectRows(table.x, train), Float64Array.from(train, (i) => logMarkup(table.price[i], table.cost[i])), model.params.ridgeAlpha);
  const ridgeLog = predictRidge(ridge, selectRows(table.x, holdout));
  let inside = 0;
  suggestions.forEach((s, k) => {
    if (actual[k] >= s.lo80 && actual[k] <= s.hi80) inside++;
  });
  return {
    trainRows: train.length,
    holdoutRows: holdout.length,
    chosen: model.validation.chosen,
    model: errorMetrics(actual, suggestions.map((s) => s.price)),
    costPlus: errorMetrics(actual, Array.from(holdout, (i) => costPlusPrice(table.cost[i], markup))),
    ridge: errorMetrics(actual, Array.from(holdout, (i, k) => table.cost[i] * Math.exp(ridgeLog[k]))),
    intervalCoverage: inside / holdout.length,
  };
}
