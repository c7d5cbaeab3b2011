import type { ClickHouseClient } from '@clickhouse/client';
import { customerFeaturesAsOf } from '../../../features/customer-features.ts';
import type { CustomerMarketProfile } from '../../../features/recommender-catalogue.ts';
import { MODEL_FAMILIES } from '../../../models/families.ts';
import type { ModelRegistry } from '../../../models/registry/model-registry.ts';

/**
 * Customers' profiles with their segments as they were at `at`: the segmentation version applied to each customer's
 * features as of that moment, and no segment for a customer with no booking before it. A recommender scored on a
 * held-out window must not read segments drawn from the window itself, as the newest segments batch is (its features
 * are as of the build, after the window): a customer first seen in the window would arrive with a segment learned
 * from the very bookings being predicted.
 */
export async function profilesAsOf(
  client: ClickHouseClient,
  registry: ModelRegistry,
  segmentationVersion: string,
  customers: readonly CustomerMarketProfile[],
  at: Date,
): Promise<CustomerMarketProfile[]> {
  const record = await registry.get('segmentation', segmentationVersion);
  const segmenter = await MODEL_FAMILIES.segmentation.load(await registry.loadArtifact(record), record);
  const features = await customerFeaturesAsOf(client, at);
  const columns = segmenter.featureNames.map((name) => features.featureNames.indexOf(name));
  const labels = features.rows.length ? segmenter.predict(features.rows.map((row) => columns.map((c) => row[c]))) : [];
  const names = segmenter.profiles().map((p) => p.name);
  const segmentOf = new Map(features.customerIds.map((id, i) => [String(id), names[labels[i]]]));
  return customers.map((c) => ({ ...c, segment: segmentOf.get(c.userId) }));
}
