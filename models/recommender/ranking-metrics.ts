/**
 * Top-k metrics for one customer, with binary relevance (an itinerary they went on to book or quote is relevant).
 * `ranked` is what was offered, best first, already cut to k.
 */
export function hit(ranked: readonly string[], relevant: ReadonlySet<string>): number {
  return ranked.some((id) => relevant.has(id)) ? 1 : 0;
}

/** DCG over the ideal DCG of min(k, |relevant|) hits in the first places. */
export function ndcg(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  ranked.forEach((id, position) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(position + 2);
  });
  let ideal = 0;
  for (let position = 0; position < Math.min(k, relevant.size); position++) ideal += 1 / Math.log2(position + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Mean of precision at each hit, over min(k, |relevant|): the customer's AP@k; MAP@k is its mean over customers. */
export function averagePrecision(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let hits = 0;
  let sum = 0;
  ranked.forEach((id, position) => {
    if (relevant.has(id)) sum += ++hits / (position + 1);
  });
  const denominator = Math.min(k, relevant.size);
  return denominator === 0 ? 0 : sum / denominator;
}
