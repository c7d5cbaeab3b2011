import { PRICE_FEATURE_NAMES, PRICE_FEATURES_VERSION } from '../../features/price-feature-definitions.ts';
import { ModelStateError } from '../../models/contract.ts';
import { FAMILY_NAMES, type FamilyName, type ModelFamilies, type ModelOf } from '../../models/families.ts';
import type { ModelRegistry } from '../../models/registry/model-registry.ts';
import type { ModelVersion } from '../../models/registry/model-version.ts';
import type { CustomerSegmenter } from '../../models/segmentation/customer-segmenter.ts';

/**
 * The model families the API serves: every family of models/families.ts, loaded by its entry there. What serving
 * adds is its own side: the features it computes for a family (price), and the shape a route takes a model in.
 */
export type Family = FamilyName;

export const FAMILIES: readonly Family[] = FAMILY_NAMES;

/**
 * A price model with the segmentation version it was trained with (its version's `upstream`): its `customer_segment`
 * feature must be computed with that version's numbering, whatever the segmentation champion is today.
 */
export interface PricingModel {
  price: ModelOf<'price'>;
  segmenter: CustomerSegmenter | null;
  segmentationVersion: string | null;
}

/** The upstream versions a model was trained with, loaded with it. */
export type UpstreamModels = Record<string, { version: string; model: unknown }>;

const SERVED_FORMS = {
  price: (price: ModelOf<'price'>, upstream: UpstreamModels): PricingModel => ({
    price,
    segmenter: (upstream.segmentation?.model as CustomerSegmenter | undefined) ?? null,
    segmentationVersion: upstream.segmentation?.version ?? null,
  }),
};

export type ServedModels = { [F in Family]: F extends keyof typeof SERVED_FORMS ? ReturnType<(typeof SERVED_FORMS)[F]> : ModelOf<F> };

/** Features serving computes itself, per family: a model must have been trained on these definitions and read them all. */
const SERVED_FEATURES: Readonly<Record<string, { version: string; featureNames: readonly string[] }>> = {
  price: { version: PRICE_FEATURES_VERSION, featureNames: PRICE_FEATURE_NAMES },
};

/**
 * A registered version as a route uses it: its model checked by the family's loader, with the upstream versions its
 * record names (each loaded by its own family's loader).
 */
export async function loadServedModel(families: ModelFamilies, record: ModelVersion, registry: ModelRegistry): Promise<unknown> {
  const entry = families[record.family];
  if (!entry) throw new ModelStateError(`${record.version} is of family ${record.family}, which models/families.ts does not list`);
  const served = Object.hasOwn(SERVED_FEATURES, record.family) ? SERVED_FEATURES[record.family] : undefined;
  // Versions registered before lineage was a field carried it after a `+` in their features version.
  if (served && record.featuresVersion !== served.version && !record.featuresVersion.startsWith(`${served.version}+`)) {
    throw new ModelStateError(`${record.version} was trained with features ${record.featuresVersion}; this code computes ${served.version}`);
  }
  const model = await entry.load(await registry.loadArtifact(record), record, served && { featureNames: served.featureNames });
  const upstream: UpstreamModels = {};
  for (const family of entry.upstream) {
    const version = record.upstream[family];
    if (version === undefined) continue;
    const upstreamRecord = await registry.get(family, version);
    upstream[family] = { version, model: await families[family].load(await registry.loadArtifact(upstreamRecord), upstreamRecord) };
  }
  const form = Object.hasOwn(SERVED_FORMS, record.family) ? (SERVED_FORMS as Record<string, (model: unknown, upstream: UpstreamModels) => unknown>)[record.family] : undefined;
  return form ? form(model, upstream) : model;
}

/** What a route says when its family has no model, so the caller knows what to do about it. */
export function noChampionMessage(family: string): string {
  return `no ${family} model is being served: the ${family} family has no champion in the model registry yet (train one, or promote a version with: spirit-ml models promote ${family} VERSION)`;
}
