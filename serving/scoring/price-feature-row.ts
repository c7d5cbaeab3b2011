import { PRICE_FEATURES } from '../../features/price-feature-definitions.ts';

const FALLBACKS = new Map(PRICE_FEATURES.filter((f) => f.fallback !== undefined).map((f) => [f.name, f.fallback!]));

export interface AssembledRow {
  values: Record<string, number>;
  /** Features whose value is a default, not a fact about this quotation: never given as a reason. */
  defaulted: string[];
  /** Of those, the ones no source had in time (a cold cache, a slow store): the price is provisional. */
  missing: string[];
}

/**
 * The model's feature row, by precedence: the caller's explicit values (a replay, or a manager's what-if), what the
 * request and the catalogue in memory know (never late), the warehouse's values, then — for a feature none of them
 * had — its stated fallback or the training median. A source's value that is its feature's fallback by definition
 * (e.g. season_score of a destination with too few bookings) is listed as defaulted; a feature no source had is
 * also listed as missing.
 */
export function assembleFeatureRow(
  featureNames: readonly string[],
  sources: {
    explicit?: Record<string, number>;
    known: Record<string, number>;
    knownDefaulted?: readonly string[];
    warehouse?: Record<string, number>;
    warehouseDefaulted?: readonly string[];
    medians?: Record<string, number>;
  },
): AssembledRow {
  const values: Record<string, number> = {};
  const defaulted = new Set<string>();
  const missing: string[] = [];
  for (const name of featureNames) {
    const explicit = sources.explicit?.[name];
    if (explicit !== undefined) {
      values[name] = explicit;
      continue;
    }
    const known = sources.known[name];
    if (known !== undefined && Number.isFinite(known)) {
      values[name] = known;
      if (sources.knownDefaulted?.includes(name)) defaulted.add(name);
      continue;
    }
    const stored = sources.warehouse?.[name];
    if (stored !== undefined && Number.isFinite(stored)) {
      values[name] = stored;
      if (sources.warehouseDefaulted?.includes(name)) defaulted.add(name);
      continue;
    }
    defaulted.add(name);
    missing.push(name);
    const median = sources.medians?.[name];
    values[name] = FALLBACKS.get(name) ?? (median !== undefined && Number.isFinite(median) ? median : 0);
  }
  return { values, defaulted: [...defaulted], missing };
}
