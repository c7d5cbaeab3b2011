/**
 * The generator's public API: `generateWorld` fills an empty booking-system database with a seeded world,
 * `writeGroundTruth` saves what the world was made from for the models' tests.
 */
export { generateWorld, LIMITS, type GenerateOptions, type GenerateResult } from './generate-world.ts';
export { defaultTruthFile, readGroundTruth, writeGroundTruth, type GroundTruth, type ItineraryTruth, type DestinationTruth } from './ground-truth.ts';
export type { CustomerTruth } from './customers.ts';
export { PRICING, trueLogMarkup, type PricingFeatures, type PricingParams } from './pricing.ts';
export type { TableName } from './tables.ts';
