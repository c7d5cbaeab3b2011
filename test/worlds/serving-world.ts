import type { ClickHouseClient } from '@clickhouse/client';
import { buildCustomerFeatures, buildDemandSeries, buildInteractions, buildPriceTrainingRows } from '../../features/build-feature-tables.ts';
import { CUSTOMER_FEATURES_VERSION, readCustomerFeatures } from '../../features/customer-features.ts';
import { DEMAND_SERIES_VERSION, readDemandSeries } from '../../features/demand-series.ts';
import { INTERACTIONS_VERSION, readInteractions } from '../../features/interactions.ts';
import { PRICE_FEATURE_NAMES, PRICE_FEATURES_VERSION } from '../../features/price-feature-definitions.ts';
import { readPriceTrainingRows, toPriceTrainingSet } from '../../features/price-training-rows.ts';
import { readItineraryCatalogue } from '../../features/recommender-catalogue.ts';
import { writeWarehouseWorld, type WorldTruth } from './warehouse-world.ts';
import { DemandForecaster } from '../../models/demand/demand-forecaster.ts';
import { DEFAULT_TRAINING, trainUnderstander } from '../../models/nlu/train-understander.ts';
import { DESTINATIONS } from '../../domain/generator/catalogue-data.ts';
import { PriceModel } from '../../models/price/price-model.ts';
import { priceFingerprint } from '../../models/price/price-fingerprint.ts';
import { segmentationFingerprint } from '../../models/segmentation/segmentation-fingerprint.ts';
import { recommenderFingerprint } from '../../models/recommender/recommender-fingerprint.ts';
import { demandFingerprint } from '../../models/demand/demand-fingerprint.ts';
import { ItineraryRecommender } from '../../models/recommender/recommender.ts';
import { DEFAULT_CONFIDENCE } from '../../models/recommender/confidence.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import type { ModelVersion, VersionInput } from '../../models/registry/model-version.ts';
import { CustomerSegmenter } from '../../models/segmentation/customer-segmenter.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { quietLog, tempDir } from '../support/services.ts';
import { pathToFileURL } from 'node:url';

/**
 * For the API's tests: a small booking world in a fresh ClickHouse database (test/worlds/warehouse-world.ts,
 * ending today so "now" is inside it), its feature tables built by features/, and a registry with a small model
 * of every family trained on them and promoted — the same path the pipeline takes, at a size that runs in seconds.
 */
export interface ServingWorld {
  registry: ModelRegistry;
  registryDir: string;
  truth: WorldTruth;
  today: string;
  versions: Record<'segmentation' | 'price' | 'recommender' | 'demand' | 'nlu', ModelVersion>;
}

export async function buildServingWorld(client: ClickHouseClient, options: { customers?: number; seed?: number; families?: Array<'segmentation' | 'price' | 'recommender' | 'demand' | 'nlu'> } = {}): Promise<ServingWorld> {
  const families = new Set(options.families ?? ['segmentation', 'price', 'recommender', 'demand', 'nlu']);
  await migrateWarehouse(client, quietLog);
  const today = new Date().toISOString().slice(0, 10);
  const truth = await writeWarehouseWorld(client, { customers: options.customers ?? 300, years: 3, seed: options.seed ?? 7, endDate: today });
  const asOf = new Date(`${today}T00:00:00Z`);
  const registryDir = tempDir('registry');
  const registry = ModelRegistry.open(pathToFileURL(registryDir).href);
  const window = { from: truth.start, to: asOf };
  const versions = {} as ServingWorld['versions'];
  // Every family's first version, over the world's window, promoted at once.
  const champion = async (entry: Omit<VersionInput, 'dataWindow' | 'holdoutId'>): Promise<ModelVersion> => {
    const version = await registry.register({ ...entry, dataWindow: window, holdoutId: 'test' });
    await registry.promote(entry.artifact.family, version.version);
    return version;
  };

  let segmenter: CustomerSegmenter | null = null;
  if (families.has('segmentation') || families.has('price')) {
    await buildCustomerFeatures(client, asOf);
    const customers = await readCustomerFeatures(client);
    segmenter = await new CustomerSegmenter({ seed: 1, maxSegments: 4, restarts: 1, silhouetteSample: 200, searchSample: 1000 }).fit(customers);
    versions.segmentation = await champion({
      artifact: segmenter.toArtifact(),
      featuresVersion: CUSTOMER_FEATURES_VERSION,
      fingerprint: segmentationFingerprint(segmenter, customers.rows, CUSTOMER_FEATURES_VERSION),
      metrics: segmenter.metrics(),
    });
  }
  if (families.has('price')) {
    await buildPriceTrainingRows(client, asOf);
    const set = toPriceTrainingSet(await readPriceTrainingRows(client), segmenter && { version: versions.segmentation.version, model: segmenter });
    const model = await new PriceModel({ learner: 'forest', trees: 20, maxDepth: 8, workers: 1, seed: 1 }).fit({ rows: set.quotations, featureNames: PRICE_FEATURE_NAMES });
    versions.price = await champion({
      artifact: model.toArtifact(),
      featuresVersion: PRICE_FEATURES_VERSION,
      upstream: { segmentation: versions.segmentation.version },
      // As the training step records it, so serving checks the artefact against it.
      fingerprint: priceFingerprint(model, set.quotations, PRICE_FEATURES_VERSION),
      metrics: { rmse: model.validation.learners.forest!.rmse },
    });
  }
  if (families.has('recommender')) {
    await buildInteractions(client, asOf, DEFAULT_CONFIDENCE);
    const catalogue = await readItineraryCatalogue(client);
    const model = await new ItineraryRecommender({ factors: 8, iterations: 4, workers: 1, seed: 1 }).fit({ interactions: await readInteractions(client), items: catalogue.items });
    versions.recommender = await champion({
      artifact: model.toArtifact(),
      featuresVersion: INTERACTIONS_VERSION,
      fingerprint: recommenderFingerprint(model, INTERACTIONS_VERSION),
      metrics: { ndcg: 0 },
    });
  }
  if (families.has('demand')) {
    await buildDemandSeries(client, asOf);
    const rows = (await readDemandSeries(client, 'weekly', 'travellers')).filter((r) => r.series_id.startsWith('destination/'));
    const model = await new DemandForecaster({ strategy: 'theta', workers: 1, origins: 1, seed: 1 }).fit({ rows, frequency: 'weekly', horizon: 8 });
    versions.demand = await champion({
      artifact: model.toArtifact(),
      featuresVersion: DEMAND_SERIES_VERSION,
      fingerprint: demandFingerprint(model, DEMAND_SERIES_VERSION),
      metrics: { mase: 1 },
    });
  }
  if (families.has('nlu')) {
    const { model, metrics } = await trainUnderstander(DESTINATIONS, { ...DEFAULT_TRAINING, perIntentAndLanguage: 200 });
    versions.nlu = await champion({ artifact: model.toArtifact(), featuresVersion: 'nlu-test', metrics, compress: true });
  }
  return { registry, registryDir, truth, today, versions };
}
