import { solveCholesky } from '../../platform/maths/cholesky.ts';
import { PERU_CALENDAR } from '../../platform/calendar/peru-calendar.ts';
import { periodIndex, type Frequency } from './frequency.ts';
import { designRows, harmonicsFor } from './harmonic-regression.ts';

/**
 * The harmonic regression of harmonic-regression.ts (trend, Fourier terms per seasonality, Peru's calendar events,
 * AR(1) errors) for many series at once: its design depends only on the dates, not on the values, so series that
 * share a first date and a length share the design and XᵀX, and each series costs one Xᵀy and one small solve.
 * That is what lets a thousand daily series of three years be fitted several times each within a minute.
 */
interface Design {
  /** Rows for the history and the horizon after it, with only the columns the history can estimate. */
  rows: Float64Array[];
  gram: Float64Array;
  width: number;
  n: number;
}

const MAX_DESIGNS = 16;
const designs = new Map<string, Design>();

function designFor(frequency: Frequency, start: string, seasonalities: readonly number[], n: number, horizon: number): Design {
  const key = `${frequency}|${start}|${seasonalities.join(',')}|${n}`;
  const cached = designs.get(key);
  if (cached && cached.rows.length >= n + horizon) return cached;
  const terms = seasonalities.filter((p) => p > 1 && n >= p).map((period) => ({ period, harmonics: harmonicsFor(period) }));
  const events = frequency === 'daily' || frequency === 'weekly' ? PERU_CALENDAR : [];
  const firstIndex = periodIndex(new Date(`${start}T00:00:00Z`), frequency);
  const full = designRows({ frequency, firstIndex, n, terms }, events, 0, n + horizon);
  // An event column constant over the history (never happened, or always on) cannot be estimated: drop it.
  const fixed = 2 + terms.reduce((s, t) => s + 2 * t.harmonics, 0);
  const keep: number[] = [];
  for (let c = 0; c < full[0].length; c++) {
    if (c < fixed) keep.push(c);
    else {
      let on = false;
      let off = false;
      for (let t = 0; t < n; t++) (full[t][c] > 0 ? (on = true) : (off = true));
      if (on && off) keep.push(c);
    }
  }
  const width = keep.length;
  const rows = full.map((row) => Float64Array.from(keep, (c) => row[c]));
  const gram = new Float64Array(width * width);
  for (let t = 0; t < n; t++) {
    const x = rows[t];
    for (let i = 0; i < width; i++) {
      if (x[i] === 0) continue;
      for (let j = 0; j <= i; j++) gram[i * width + j] += x[i] * x[j];
    }
  }
  let trace = 0;
  for (let i = 0; i < width; i++) trace += gram[i * width + i];
  for (let i = 0; i < width; i++) gram[i * width + i] += 1e-8 * (trace / width || 1);
  const design = { rows, gram, width, n };
  if (designs.size >= MAX_DESIGNS) designs.delete(designs.keys().next().value!);
  designs.set(key, design);
  return design;
}

/** Mean path of the harmonic regression with AR(1) errors fitted on `y` (starting on `start`), `horizon` steps on. */
export function sharedHarmonicMean(y: ArrayLike<number>, frequency: Frequency, start: string, seasonalities: readonly number[], horizon: number): Float64Array {
  const n = y.length;
  const { rows, gram, width } = designFor(frequency, start, seasonalities, n, horizon);
  const b = new Float64Array(width);
  for (let t = 0; t < n; t++) {
    const x = rows[t];
    for (let i = 0; i < width; i++) b[i] += x[i] * y[t];
  }
  const beta = solveCholesky(gram, b, width);
  const fitted = (t: number) => {
    let s = 0;
    const x = rows[t];
    for (let i = 0; i < width; i++) s += x[i] * beta[i];
    return s;
  };
  let num = 0;
  let den = 0;
  let previous = 0;
  let last = 0;
  for (let t = 0; t < n; t++) {
    const r = y[t] - fitted(t);
    den += r * r;
    if (t > 0) num += r * previous;
    previous = r;
    last = r;
  }
  const phi = den > 0 ? Math.max(-0.99, Math.min(0.99, num / den)) : 0;
  const mean = new Float64Array(horizon);
  let carry = last;
  for (let h = 0; h < horizon; h++) {
    carry *= phi;
    mean[h] = fitted(n + h) + carry;
  }
  return mean;
}
