/**
 * The cost-plus baseline, what pricing managers do without a model: cost times the median markup seen in training.
 * The median rather than the mean, so a few negotiated or mistyped quotations do not move it.
 */
export function medianMarkup(price: ArrayLike<number>, cost: ArrayLike<number>): number {
  const markups = Float64Array.from({ length: price.length }, (_, i) => price[i] / cost[i]).sort();
  const mid = markups.length >> 1;
  return markups.length % 2 ? markups[mid] : (markups[mid - 1] + markups[mid]) / 2;
}

export function costPlusPrice(cost: number, markup: number): number {
  return cost * markup;
}
