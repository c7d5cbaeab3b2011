/**
 * Adjusted Rand index (Hubert & Arabie 1985): agreement of two partitions of the same items, corrected for
 * chance. 1 = identical up to renaming the labels, ≈0 = as good as random, can be negative.
 * ARI = (Σij C(nij,2) − E) / (½(Σi C(ai,2) + Σj C(bj,2)) − E),  E = Σi C(ai,2) · Σj C(bj,2) / C(n,2)
 * where nij counts items with label i in `a` and j in `b`, and ai, bj are the row and column sums.
 */
function pairs(count: number): number {
  return (count * (count - 1)) / 2;
}

export function adjustedRandIndex(a: ArrayLike<number | string>, b: ArrayLike<number | string>): number {
  if (a.length !== b.length) throw new RangeError(`partitions differ in length: ${a.length} vs ${b.length}`);
  const n = a.length;
  const joint = new Map<string, number>();
  const rows = new Map<number | string, number>();
  const columns = new Map<number | string, number>();
  for (let i = 0; i < n; i++) {
    const key = `${typeof a[i]}:${a[i]}\u0000${typeof b[i]}:${b[i]}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
    rows.set(a[i], (rows.get(a[i]) ?? 0) + 1);
    columns.set(b[i], (columns.get(b[i]) ?? 0) + 1);
  }
  let index = 0;
  for (const count of joint.values()) index += pairs(count);
  let rowPairs = 0;
  for (const count of rows.values()) rowPairs += pairs(count);
  let columnPairs = 0;
  for (const count of columns.values()) columnPairs += pairs(count);
  const expected = n < 2 ? 0 : (rowPairs * columnPairs) / pairs(n);
  const maximum = (rowPairs + columnPairs) / 2;
  // Both partitions trivial (one cluster each, or all singletons): they agree perfectly, as scikit-learn reports.
  if (maximum === expected) return 1;
  return (index - expected) / (maximum - expected);
}
