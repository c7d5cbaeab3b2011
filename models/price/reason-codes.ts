/**
 * Reason codes: a price suggestion's contributions as sentences a pricing manager can check,
 * e.g. "+USD 42: departure in peak dry season". The largest effects come first.
 */
export type Describe = (feature: string, value: number) => string;

export interface ExplainOptions {
  /** Turns a feature and its value into words; wins over `labels`. */
  describe?: Describe;
  /** Human names per feature, used as "<label>: <value>" when there is no `describe`. */
  labels?: Record<string, string>;
  /** How many reasons to give (default 3). */
  maxReasons?: number;
  /** Currency code shown in the text (default USD). */
  currency?: string;
  /** Features never given as a reason (their value is a default, not a fact about this quotation). */
  exclude?: readonly string[];
}

export interface ReasonCode {
  feature: string;
  amount: number;
  text: string;
}

const DEFAULT_MAX_REASONS = 3;

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

export function defaultDescribe(labels: Record<string, string> = {}): Describe {
  return (feature, value) => `${labels[feature] ?? feature.replace(/_/g, ' ')}: ${formatValue(value)}`;
}

export function formatAmount(amount: number, currency: string): string {
  const rounded = Math.round(Math.abs(amount));
  return `${amount < 0 ? '−' : '+'}${currency} ${rounded.toLocaleString('en-US')}`;
}

export function reasonCodes(amounts: Record<string, number>, features: Record<string, number>, options: ExplainOptions = {}): ReasonCode[] {
  const describe = options.describe ?? defaultDescribe(options.labels);
  const currency = options.currency ?? 'USD';
  return Object.entries(amounts)
    .filter(([feature, amount]) => amount !== 0 && !options.exclude?.includes(feature))
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || a[0].localeCompare(b[0]))
    .slice(0, options.maxReasons ?? DEFAULT_MAX_REASONS)
    .map(([feature, amount]) => ({ feature, amount, text: `${formatAmount(amount, currency)}: ${describe(feature, features[feature])}` }));
}
