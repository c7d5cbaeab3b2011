import type { ModelArtifact } from '../../models/contract.ts';
import type { DemandForecaster } from '../../models/demand/demand-forecaster.ts';
import type { ModelRegistry } from '../../models/registry/model-registry.ts';
import type { ModelVersion } from '../../models/registry/model-version.ts';
import type { MessageUnderstander } from '../../models/nlu/message-understander.ts';
import type { PriceModel } from '../../models/price/price-model.ts';
import type { ItineraryRecommender } from '../../models/recommender/recommender.ts';
import type { CustomerSegmenter } from '../../models/segmentation/customer-segmenter.ts';

/**
 * The model families the API serves, and how each is rebuilt from its artefact. Loaders import their family
 * lazily: the demand family pulls in TensorFlow.js, which a process that never serves it should not pay for.
 */
/**
 * A price model with the segmentation version it was trained with: its `customer_segment` feature must be computed
 * with that version's numbering (features/customer-segment.ts), whatever the segmentation champion is today.
 */
export interface PricingModel {
  price: PriceModel;
  segmenter: CustomerSegmenter | null;
  segmentationVersion: string | null;
}

export interface ServedModels {
  price: PricingModel;
  segmentation: CustomerSegmenter;
  recommender: ItineraryRecommender;
  demand: DemandForecaster;
  nlu: MessageUnderstander;
}

export type Family = keyof ServedModels;

export const FAMILIES: readonly Family[] = ['price', 'segmentation', 'recommender', 'demand', 'nlu'];

export type FamilyLoaders = { [F in Family]: (artifact: ModelArtifact, record: ModelVersion, registry: ModelRegistry) => Promise<ServedModels[F]> };

export const FAMILY_LOADERS: FamilyLoaders = {
  price: async (artifact, record, registry) => {
    const price = (await import('../../models/price/price-model.ts')).PriceModel.fromArtifact(artifact);
    // Serves only the model that was trained, reading exactly the features serving computes (#22: a copy with its
    // feature list cut and a valid checksum was served, pricing high without a complaint).
    const { checkPriceModel } = await import('../../models/price/price-fingerprint.ts');
    const { PRICE_FEATURE_NAMES } = await import('../../features/price-feature-definitions.ts');
    checkPriceModel(price, record, PRICE_FEATURE_NAMES);
    const { segmenterForPriceModel } = await import('./price-model-segmentation.ts');
    return { price, ...(await segmenterForPriceModel(registry, record)) };
  },
  segmentation: async (artifact, record) => {
    const segmenter = (await import('../../models/segmentation/customer-segmenter.ts')).CustomerSegmenter.fromArtifact(artifact);
    (await import('../../models/segmentation/segmentation-fingerprint.ts')).checkSegmentationModel(segmenter, record);
    return segmenter;
  },
  recommender: async (artifact, record) => {
    const recommender = (await import('../../models/recommender/recommender.ts')).ItineraryRecommender.fromArtifact(artifact);
    (await import('../../models/recommender/recommender-fingerprint.ts')).checkRecommenderModel(recommender, record);
    return recommender;
  },
  demand: async (artifact) => (await import('../../models/demand/demand-forecaster.ts')).DemandForecaster.fromArtifact(artifact),
  nlu: async (artifact) => (await import('../../models/nlu/message-understander.ts')).MessageUnderstander.fromArtifact(artifact),
};

/** What a route says when its family has no model, so the caller knows what to do about it. */
export function noChampionMessage(family: Family): string {
  return `no ${family} model is being served: the ${family} family has no champion in the model registry yet (train one, or promote a version with: spirit-ml models promote ${family} VERSION)`;
}
