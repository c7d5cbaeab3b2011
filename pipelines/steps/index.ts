import type { Step } from '../step.ts';
import { buildFeaturesStep } from './build-features.ts';
import { evaluateStep } from './evaluate.ts';
import { refreshMartsStep } from './refresh-marts.ts';
import { trainDemandStep } from './train-demand.ts';
import { trainNluStep } from './train-nlu.ts';
import { trainPriceStep } from './train-price.ts';
import { trainRecommenderStep } from './train-recommender.ts';
import { trainSegmentsStep } from './train-segments.ts';

/** The feature, model and mart steps of the nightly pipeline, after the lead's `ingest` (see README.md here). */
export const NIGHTLY_STEPS: readonly Step[] = [buildFeaturesStep, trainSegmentsStep, trainPriceStep, trainRecommenderStep, trainDemandStep, trainNluStep, evaluateStep, refreshMartsStep];

export { buildFeaturesStep, evaluateStep, refreshMartsStep, trainDemandStep, trainNluStep, trainPriceStep, trainRecommenderStep, trainSegmentsStep };
