import type { ModelArtifact } from './contract.ts';
import type { DemandForecaster } from './demand/demand-forecaster.ts';
import type { MessageUnderstander } from './nlu/message-understander.ts';
import type { PriceModel } from './price/price-model.ts';
import type { ItineraryRecommender } from './recommender/recommender.ts';
import type { ModelVersion } from './registry/model-version.ts';
import type { PromotionRule } from './registry/promotion-rule.ts';
import type { CustomerSegmenter } from './segmentation/customer-segmenter.ts';

/**
 * Every model family, with what the rest of the platform needs to know about it: serving loads models through
 * `load`, the evaluate step judges versions by `promotion`, batch readers follow `batchOutput`, training steps take
 * their run parameters from `params`, and `upstream` names the families a version is trained with (each version
 * records which of their versions, in `ModelVersion.upstream`). A new family is its folder plus one entry here.
 *
 * Loaders import their family lazily: the demand family pulls in TensorFlow.js, which a process that never loads
 * it should not pay for.
 */

/** A run parameter of a family's training step (`ctx.params[name]`), with its default and allowed values. */
export type RunParameter =
  | { kind: 'int'; name: string; default: number; min: number; max: number }
  | { kind: 'number'; name: string; default: number; min: number; max: number }
  | { kind: 'boolean'; name: string; default: boolean }
  | { kind: 'choice'; name: string; default: string; choices: readonly string[] }
  | { kind: 'version'; name: string; family: string };

/** What the serving process computes for a model to read, when it computes the features itself (price). */
export interface ServedFeatures {
  featureNames: readonly string[];
}

export interface ModelFamily<Model = unknown> {
  name: string;
  /** The pipeline step that trains and registers its versions. */
  trainedBy: string;
  /**
   * The model of a registered version, checked to be the model training recorded (its fingerprint) and, when
   * serving computes its features, to read exactly those.
   */
  load(artifact: ModelArtifact, record: ModelVersion, served?: ServedFeatures): Promise<Model>;
  /** Families whose versions feed this one's training (and so its serving): a version names which in `upstream`. */
  upstream: readonly string[];
  params: Readonly<Record<string, RunParameter>>;
  /**
   * `rule` goes to the registry (promote when not worse than the champion on the same holdout); `baseline` names
   * the metric of the simple method a version must beat on its own holdout when the holdout window has moved on.
   */
  promotion: { rule: PromotionRule; baseline: string };
  /** How a version is scored before it is registered, and the metrics it records. */
  evaluation: { holdout: string; metrics: readonly string[] };
  /** The warehouse table its training step writes per version (readers follow the champion), or null. */
  batchOutput: { table: string; rows: string } | null;
}

/** The held-out window of the time-based families: whole calendar months before the month of the build. */
const HOLDOUT_MONTHS = { kind: 'int', name: 'holdoutMonths', default: 3, min: 1, max: 24 } as const;

export const MODEL_FAMILIES = {
  segmentation: {
    name: 'segmentation',
    trainedBy: 'train-segments',
    load: async (artifact: ModelArtifact, record: ModelVersion): Promise<CustomerSegmenter> => {
      const segmenter = (await import('./segmentation/customer-segmenter.ts')).CustomerSegmenter.fromArtifact(artifact);
      (await import('./segmentation/segmentation-fingerprint.ts')).checkSegmentationModel(segmenter, record);
      return segmenter;
    },
    upstream: [],
    params: {
      // At least 4: a split in two (standard against upgraded service) scores a silhouette close to the finer
      // segments', so with 2 allowed the chosen k flips between nights and the segments with it (low stability).
      minSegments: { kind: 'int', name: 'segmentsMin', default: 4, min: 2, max: 50 },
      maxSegments: { kind: 'int', name: 'segmentsMax', default: 8, min: 2, max: 50 },
      searchSample: { kind: 'int', name: 'segmentsSearchSample', default: 20_000, min: 2000, max: 10_000_000 },
      silhouetteSample: { kind: 'int', name: 'segmentsSilhouetteSample', default: 2000, min: 50, max: 20_000 },
    },
    promotion: { rule: { metric: 'heldout_silhouette', direction: 'higher', tolerance: 0.02 }, baseline: 'customer_type_silhouette' },
    evaluation: {
      holdout: 'one customer in five by a hash of the id; silhouette in standardised feature space, against the booking system’s customer_type',
      metrics: ['heldout_silhouette', 'customer_type_silhouette', 'silhouette', 'stability', 'segments', 'components'],
    },
    batchOutput: { table: 'customer_segments', rows: 'every customer’s segment' },
  },
  price: {
    name: 'price',
    trainedBy: 'train-price',
    load: async (artifact: ModelArtifact, record: ModelVersion, served?: ServedFeatures): Promise<PriceModel> => {
      const price = (await import('./price/price-model.ts')).PriceModel.fromArtifact(artifact);
      // Serves only the model that was trained, reading exactly the features serving computes (#22: a copy with its
      // feature list cut and a valid checksum was served, pricing high without a complaint).
      (await import('./price/price-fingerprint.ts')).checkPriceModel(price, record, served?.featureNames ?? price.featureNames);
      return price;
    },
    upstream: ['segmentation'],
    params: {
      trees: { kind: 'int', name: 'priceTrees', default: 50, min: 10, max: 2000 },
      boostingIterations: { kind: 'int', name: 'priceBoostingIterations', default: 150, min: 10, max: 5000 },
      allQuotations: { kind: 'boolean', name: 'priceAllQuotations', default: false },
      segmentationVersion: { kind: 'version', name: 'segmentationVersion', family: 'segmentation' },
      holdoutMonths: HOLDOUT_MONTHS,
    },
    promotion: { rule: { metric: 'rmse', direction: 'lower', tolerance: 0.01 }, baseline: 'cost_plus_rmse' },
    evaluation: {
      holdout: 'accepted prices quoted in the held-out months (models/price/holdout-evaluation.ts), against cost-plus and ridge',
      metrics: ['rmse', 'mae', 'mape', 'cost_plus_rmse', 'ridge_rmse', 'coverage80'],
    },
    batchOutput: null,
  },
  recommender: {
    name: 'recommender',
    trainedBy: 'train-recommender',
    load: async (artifact: ModelArtifact, record: ModelVersion): Promise<ItineraryRecommender> => {
      const recommender = (await import('./recommender/recommender.ts')).ItineraryRecommender.fromArtifact(artifact);
      (await import('./recommender/recommender-fingerprint.ts')).checkRecommenderModel(recommender, record);
      return recommender;
    },
    // Training reads the newest complete customer_segments batch for customers' groups and records its segmentation
    // version as upstream (lineage); serving loads no segmenter with it.
    upstream: [],
    params: {
      // Factors and iterations are tuned unless the run holds them; the defaults are the starting point.
      factors: { kind: 'int', name: 'recommenderFactors', default: 32, min: 1, max: 512 },
      iterations: { kind: 'int', name: 'recommenderIterations', default: 12, min: 1, max: 1000 },
      tuningPasses: { kind: 'int', name: 'recommenderTuningPasses', default: 2, min: 0, max: 5 },
      perCustomer: { kind: 'int', name: 'recommendationsPerCustomer', default: 50, min: 1, max: 100 },
      holdoutMonths: HOLDOUT_MONTHS,
    },
    promotion: { rule: { metric: 'ndcg10', direction: 'higher', tolerance: 0.01 }, baseline: 'popularity_ndcg10' },
    evaluation: {
      holdout: 'NDCG@10 on the held-out months’ bookings, the whole catalogue ranked; the algorithm is chosen on a validation split before them',
      metrics: ['ndcg10', 'hr10', 'map10', 'coverage10', 'validation_ndcg10', 'popularity_ndcg10'],
    },
    batchOutput: { table: 'customer_recommendations', rows: 'every customer’s top itineraries, without what they interacted with or inactive tours' },
  },
  demand: {
    name: 'demand',
    trainedBy: 'train-demand',
    load: async (artifact: ModelArtifact, record: ModelVersion): Promise<DemandForecaster> => {
      const forecaster = (await import('./demand/demand-forecaster.ts')).DemandForecaster.fromArtifact(artifact);
      (await import('./demand/demand-fingerprint.ts')).checkDemandModel(forecaster, record);
      return forecaster;
    },
    upstream: [],
    params: {
      workers: { kind: 'int', name: 'workers', default: 2, min: 1, max: 64 },
      neural: { kind: 'boolean', name: 'demandNeural', default: false },
      origins: { kind: 'int', name: 'demandOrigins', default: 3, min: 1, max: 10 },
      seasonalOrigins: { kind: 'int', name: 'demandSeasonalOrigins', default: 5, min: 1, max: 10 },
      strategy: { kind: 'choice', name: 'demandStrategy', default: 'best', choices: ['best', 'ensemble', 'seasonal_naive', 'ets', 'theta', 'harmonic', 'arima', 'nbeats'] },
      forecastDays: { kind: 'int', name: 'forecastDays', default: 365, min: 1, max: 3650 },
      holdoutMonths: HOLDOUT_MONTHS,
    },
    promotion: { rule: { metric: 'mase', direction: 'lower', tolerance: 0.01 }, baseline: 'seasonal_naive_mase' },
    evaluation: {
      holdout: 'MASE of daily travellers and bookings per destination over the held-out months, against the weekly seasonal naive forecast',
      metrics: ['mase', 'seasonal_naive_mase', 'smape', 'coverage80', 'coverage95'],
    },
    batchOutput: { table: 'demand_forecasts', rows: 'the next days’ forecast per series, mean with 80% and 95% intervals' },
  },
  nlu: {
    name: 'nlu',
    trainedBy: 'train-nlu',
    load: async (artifact: ModelArtifact): Promise<MessageUnderstander> => (await import('./nlu/message-understander.ts')).MessageUnderstander.fromArtifact(artifact),
    upstream: [],
    params: {
      perIntentAndLanguage: { kind: 'int', name: 'nluMessagesPerIntent', default: 400, min: 20, max: 20_000 },
      validationEvery: { kind: 'int', name: 'nluValidationEvery', default: 10, min: 3, max: 100 },
    },
    promotion: { rule: { metric: 'intent_macro_f1', direction: 'higher', tolerance: 0.01 }, baseline: 'keyword_intent_macro_f1' },
    evaluation: {
      holdout: 'the generated corpus’s seeded validation split (one message in ten), against the keyword rules',
      metrics: ['intent_macro_f1', 'keyword_intent_macro_f1', 'intent_accuracy'],
    },
    batchOutput: null,
  },
} as const satisfies Record<string, ModelFamily>;

export type FamilyName = keyof typeof MODEL_FAMILIES;

/** The model a family's loader gives. */
export type ModelOf<F extends FamilyName> = Awaited<ReturnType<(typeof MODEL_FAMILIES)[F]['load']>>;

/** The families by name, as the consumers take them (a test may hand them a longer list). */
export type ModelFamilies = Readonly<Record<string, ModelFamily>>;

export const FAMILY_NAMES = Object.keys(MODEL_FAMILIES) as FamilyName[];

/** Families whose training step writes a batch table, by table. */
export function batchOutputsOf(families: ModelFamilies): Record<string, string> {
  return Object.fromEntries(
    Object.values(families)
      .filter((f) => f.batchOutput !== null)
      .map((f) => [f.batchOutput!.table, f.name]),
  );
}
