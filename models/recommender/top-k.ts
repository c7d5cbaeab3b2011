/**
 * The k best-scored itineraries that pass a filter, by one pass over the catalogue with a min-heap of size k
 * (O(n log k), no sort of the catalogue). Ties go to the lower index, so results are deterministic.
 * Returns indices, best first.
 */
export function topK(scores: ArrayLike<number>, k: number, allowed: (index: number) => boolean = () => true): Int32Array {
  const heap = new Int32Array(k);
  let size = 0;
  // a ranks below b: lower score, or equal score and higher index.
  const below = (a: number, b: number) => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const siftDown = (from: number) => {
    let at = from;
    for (;;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let worst = at;
      if (l < size && below(heap[l], heap[worst])) worst = l;
      if (r < size && below(heap[r], heap[worst])) worst = r;
      if (worst === at) return;
      const t = heap[at];
      heap[at] = heap[worst];
      heap[worst] = t;
      at = worst;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    if (size === k && !below(heap[0], i)) continue;
    if (!allowed(i)) continue;
    if (size < k) {
      let at = size++;
      heap[at] = i;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!below(heap[at], heap[parent])) break;
        const t = heap[at];
        heap[at] = heap[parent];
        heap[parent] = t;
        at = parent;
      }
    } else {
      heap[0] = i;
      siftDown(0);
    }
  }
  const out = Array.from(heap.subarray(0, size)).sort((a, b) => (below(a, b) ? 1 : below(b, a) ? -1 : 0));
  return Int32Array.from(out);
}
