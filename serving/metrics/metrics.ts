/**
 * Counters, gauges and histograms rendered in Prometheus' text exposition format (version 0.0.4).
 * Written here rather than taken from prom-client: the API needs a dozen series, and this is the whole of it.
 * Series are keyed by their label values in declaration order.
 */
type Labels = Record<string, string>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(names: readonly string[], values: readonly string[], extra = ''): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i])}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

abstract class Metric {
  protected readonly series = new Map<string, { values: string[] }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`metric name ${name} is not valid in Prometheus`);
  }

  protected key(labels: Labels): { key: string; values: string[] } {
    const values = this.labelNames.map((n) => labels[n] ?? '');
    return { key: values.join('\u0001'), values };
  }

  abstract render(): string[];

  protected header(type: string): string[] {
    return [`# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${this.name} ${type}`];
  }
}

export class Counter extends Metric {
  private readonly totals = new Map<string, number>();

  inc(labels: Labels = {}, by = 1): void {
    const { key, values } = this.key(labels);
    if (!this.series.has(key)) this.series.set(key, { values });
    this.totals.set(key, (this.totals.get(key) ?? 0) + by);
  }

  value(labels: Labels = {}): number {
    return this.totals.get(this.key(labels).key) ?? 0;
  }

  render(): string[] {
    const lines = this.header('counter');
    for (const [key, { values }] of this.series) lines.push(`${this.name}${labelText(this.labelNames, values)} ${numberText(this.totals.get(key)!)}`);
    return lines;
  }
}

export class Gauge extends Metric {
  private readonly current = new Map<string, number>();

  set(labels: Labels, value: number): void {
    const { key, values } = this.key(labels);
    if (!this.series.has(key)) this.series.set(key, { values });
    this.current.set(key, value);
  }

  /** Drops every series, for gauges rebuilt from scratch at each scrape (e.g. which model version is loaded). */
  reset(): void {
    this.series.clear();
    this.current.clear();
  }

  render(): string[] {
    const lines = this.header('gauge');
    for (const [key, { values }] of this.series) lines.push(`${this.name}${labelText(this.labelNames, values)} ${numberText(this.current.get(key)!)}`);
    return lines;
  }
}

/** Latency buckets in seconds: fine below 10 ms, where the API's goals are. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

export class Histogram extends Metric {
  private readonly counts = new Map<string, { buckets: Float64Array; sum: number; count: number }>();

  constructor(name: string, help: string, labelNames: readonly string[], readonly buckets: readonly number[] = LATENCY_BUCKETS) {
    super(name, help, labelNames);
  }

  observe(labels: Labels, value: number): void {
    const { key, values } = this.key(labels);
    let entry = this.counts.get(key);
    if (!entry) {
      this.series.set(key, { values });
      entry = { buckets: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.counts.set(key, entry);
    }
    // Only the first bucket that holds the value is bumped; render accumulates, so observe stays O(buckets) worst case.
    for (let b = 0; b < this.buckets.length; b++) {
      if (value <= this.buckets[b]) {
        entry.buckets[b]++;
        break;
      }
    }
    entry.sum += value;
    entry.count++;
  }

  render(): string[] {
    const lines = this.header('histogram');
    for (const [key, { values }] of this.series) {
      const entry = this.counts.get(key)!;
      let cumulative = 0;
      this.buckets.forEach((le, b) => {
        cumulative += entry.buckets[b];
        lines.push(`${this.name}_bucket${labelText(this.labelNames, values, `le="${numberText(le)}"`)} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket${labelText(this.labelNames, values, 'le="+Inf"')} ${entry.count}`);
      lines.push(`${this.name}_sum${labelText(this.labelNames, values)} ${numberText(entry.sum)}`);
      lines.push(`${this.name}_count${labelText(this.labelNames, values)} ${entry.count}`);
    }
    return lines;
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];
  private readonly collectors: Array<() => void> = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets?: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets));
  }

  /** Runs before each render, for gauges read from elsewhere (buffer sizes, loaded model versions). */
  onCollect(collect: () => void): void {
    this.collectors.push(collect);
  }

  render(): string {
    for (const collect of this.collectors) collect();
    return this.metrics.flatMap((m) => m.render()).join('\n') + '\n';
  }

  private add<M extends Metric>(metric: M): M {
    if (this.metrics.some((m) => m.name === metric.name)) throw new Error(`metric ${metric.name} is registered twice`);
    this.metrics.push(metric);
    return metric;
  }
}
