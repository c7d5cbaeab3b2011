import { PRICE_FEATURES, type KnownQuoteFacts } from './price-feature-definitions.ts';

/**
 * The price features serving can have without waiting on the warehouse, each by its own definition's online part
 * (price-feature-definitions.ts): from the request, and from the catalogue and departure table held in memory.
 * A feature whose facts are not at hand is left out, for the warehouse lookup or its fallback to fill.
 */
export function knownPriceFeatures(facts: KnownQuoteFacts): { values: Record<string, number>; defaulted: string[] } {
  const values: Record<string, number> = {};
  const defaulted: string[] = [];
  for (const feature of PRICE_FEATURES) {
    const known = feature.online?.(facts);
    if (known === undefined || !Number.isFinite(known.value)) continue;
    values[feature.name] = known.value;
    if (known.defaulted) defaulted.push(feature.name);
  }
  return { values, defaulted };
}
