import type { InteractionKind } from './interactions.ts';

/**
 * Why an itinerary is offered, in words a sales agent can repeat: the customer's past itinerary closest to it
 * (cosine of item factors), or, without a history, whose favourite it is.
 */
const VERBS: Record<InteractionKind | 'unknown', string> = {
  booking: 'you booked',
  quotation: 'you asked for a quote on',
  rating: 'you rated',
  cancellation: 'you looked at',
  unknown: 'you looked at',
};

export function becauseOfPastItinerary(kind: InteractionKind | undefined, pastName: string): string {
  return `because ${VERBS[kind ?? 'unknown']} ${pastName}`;
}

/** For a near-duplicate: "another length of Classic Cusco & Machu Picchu (4 days, standard), which you booked". */
export function anotherLengthOf(kind: InteractionKind | undefined, pastName: string): string {
  return `another length of ${pastName}, which ${VERBS[kind ?? 'unknown']}`;
}

export function becauseOfPopularity(group: { segment?: string; homeMarket?: string }): string {
  if (group.segment !== undefined) return `popular with ${group.segment} customers`;
  if (group.homeMarket !== undefined) return `popular with customers from ${group.homeMarket}`;
  return 'popular with our customers';
}

/** Euclidean norm of each row, to turn dot products into cosines. */
export function rowNorms(factors: Float32Array, f: number): Float32Array {
  const rows = f === 0 ? 0 : factors.length / f;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let a = 0; a < f; a++) s += factors[r * f + a] ** 2;
    out[r] = Math.sqrt(s);
  }
  return out;
}

export function cosine(factors: Float32Array, norms: Float32Array, f: number, a: number, b: number): number {
  if (norms[a] === 0 || norms[b] === 0) return 0;
  let dot = 0;
  for (let c = 0; c < f; c++) dot += factors[a * f + c] * factors[b * f + c];
  return dot / (norms[a] * norms[b]);
}

/** Among `candidates` (past itineraries), the one most similar to `target`, other than the target itself; -1 if none. */
export function closestPastItinerary(factors: Float32Array, norms: Float32Array, f: number, target: number, candidates: ArrayLike<number>): number {
  let best = -1;
  let bestSimilarity = -Infinity;
  for (let e = 0; e < candidates.length; e++) {
    const c = candidates[e];
    if (c === target) continue;
    const s = cosine(factors, norms, f, c, target);
    if (s > bestSimilarity) {
      bestSimilarity = s;
      best = c;
    }
  }
  return best;
}
