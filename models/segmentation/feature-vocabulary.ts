/**
 * How marketing talks about a customer feature: a noun for customers who stand out on it (high or low), a
 * "with …" phrase when it is their second trait, and how to state a value. Keys are the feature names of the
 * ClickHouse customer table; any other feature falls back to its own name.
 */
export interface FeatureWords {
  high: { noun: string; trait: string };
  low: { noun: string; trait: string };
  value: (x: number) => string;
}

const pct = (x: number) => `${Math.round(100 * x)}%`;

const usd = (x: number) => `USD ${(Math.round(x / 100) * 100).toLocaleString('en-US')}`;

export const FEATURE_VOCABULARY: Record<string, FeatureWords> = {
  age: {
    high: { noun: 'Senior travellers', trait: 'an older profile' },
    low: { noun: 'Young travellers', trait: 'a young profile' },
    value: (x) => `aged ${Math.round(x)}`,
  },
  travel_frequency: {
    high: { noun: 'Frequent travellers', trait: 'frequent trips' },
    low: { noun: 'Occasional travellers', trait: 'rare trips' },
    value: (x) => `${x.toFixed(1)} trips a year`,
  },
  avg_budget: {
    high: { noun: 'Premium travellers', trait: 'high budgets' },
    low: { noun: 'Budget travellers', trait: 'tight budgets' },
    value: (x) => `budget ${usd(x)}`,
  },
  avg_group_size: {
    high: { noun: 'Group organisers', trait: 'large groups' },
    low: { noun: 'Solo and couple travellers', trait: 'small parties' },
    value: (x) => `groups of ${Math.round(x)}`,
  },
  advance_booking_days: {
    high: { noun: 'Planners', trait: 'long lead times' },
    low: { noun: 'Last-minute bookers', trait: 'short lead times' },
    value: (x) => `book ${Math.round(x)} days ahead`,
  },
  cancellation_rate: {
    high: { noun: 'Frequent cancellers', trait: 'many cancellations' },
    low: { noun: 'Committed bookers', trait: 'few cancellations' },
    value: (x) => `cancel ${Math.round(100 * x)}% of bookings`,
  },
  satisfaction: {
    high: { noun: 'Delighted customers', trait: 'high satisfaction' },
    low: { noun: 'Unhappy customers', trait: 'low satisfaction' },
    value: (x) => `satisfaction ${x.toFixed(1)}`,
  },
  standard_share: {
    high: { noun: 'Standard-service travellers', trait: 'standard service' },
    low: { noun: 'Upgraded-service travellers', trait: 'superior or luxury service' },
    value: (x) => `${pct(x)} of quotes at standard service`,
  },
  luxury_share: {
    high: { noun: 'Luxury travellers', trait: 'luxury service' },
    low: { noun: 'Non-luxury travellers', trait: 'no luxury' },
    value: (x) => `${pct(x)} of quotes at luxury service`,
  },
  adventure_share: {
    high: { noun: 'Adventure travellers', trait: 'adventure tours' },
    low: { noun: 'Easy-going travellers', trait: 'no adventure' },
    value: (x) => `${pct(x)} of quotes for adventure tours`,
  },
  culture_share: {
    high: { noun: 'Culture travellers', trait: 'culture tours' },
    low: { noun: 'Outdoor travellers', trait: 'little culture' },
    value: (x) => `${pct(x)} of quotes for culture tours`,
  },
  gastronomy_share: {
    high: { noun: 'Food lovers', trait: 'gastronomy' },
    low: { noun: 'Sightseers', trait: 'little gastronomy' },
    value: (x) => `${pct(x)} of quotes for gastronomy`,
  },
};

export function wordsFor(feature: string): FeatureWords {
  return (
    FEATURE_VOCABULARY[feature] ?? {
      high: { noun: `High-${feature} customers`, trait: `high ${feature}` },
      low: { noun: `Low-${feature} customers`, trait: `low ${feature}` },
      value: (x: number) => `${feature} ${Number(x.toPrecision(3))}`,
    }
  );
}
