import { IdIndex } from './id-index.ts';
import { checkInteractions, toMillis, type Interaction, type InteractionKind } from './interactions.ts';
import { sharedFloat32, sharedInt32, transpose, type SparseMatrix } from './sparse-matrix.ts';

/**
 * Interactions as a customers x itineraries confidence matrix, in both orientations (ALS updates customers from
 * their rows and itineraries from their columns). Repeated pairs are summed; a pair whose total is ≤ 0 is left out,
 * as `eventsToInteractions` does, since implicit ALS has no negative preference.
 * `kinds` holds, per entry of `byUser`, the strongest signal behind it (for explanations).
 */
export interface InteractionMatrix {
  users: IdIndex;
  items: IdIndex;
  byUser: SparseMatrix;
  byItem: SparseMatrix;
  kinds: Uint8Array;
}

/** Kind codes by strength: a booking says more than a rating after the trip, which says more than a quotation. */
export const KIND_CODES: Record<InteractionKind | 'unknown', number> = { unknown: 0, cancellation: 0, quotation: 1, rating: 2, booking: 3 };
export const KIND_OF_CODE: readonly (InteractionKind | undefined)[] = [undefined, 'quotation', 'rating', 'booking'];

/**
 * @param catalogue itinerary ids to index even without interactions (new itineraries, for cold start); they come
 * first, in their order, so indices are stable for a given catalogue.
 */
export function buildInteractionMatrix(interactions: readonly Interaction[], catalogue: readonly string[] = []): InteractionMatrix {
  checkInteractions(interactions);
  const users = new IdIndex();
  const items = IdIndex.from(catalogue);
  const userOf = new Int32Array(interactions.length);
  const itemOf = new Int32Array(interactions.length);
  for (let r = 0; r < interactions.length; r++) {
    userOf[r] = users.add(interactions[r].userId);
    itemOf[r] = items.add(interactions[r].itemId);
  }
  // Pairs keyed by user * items + item: sorting the keys orders the entries row by row, columns increasing.
  const slot = new Map<number, number>();
  const weights: number[] = [];
  const kinds: number[] = [];
  for (let r = 0; r < interactions.length; r++) {
    const key = userOf[r] * items.size + itemOf[r];
    let s = slot.get(key);
    if (s === undefined) {
      s = weights.length;
      slot.set(key, s);
      weights.push(0);
      kinds.push(0);
    }
    weights[s] += interactions[r].weight;
    kinds[s] = Math.max(kinds[s], KIND_CODES[interactions[r].kind ?? 'unknown']);
  }
  const keys = new Float64Array(slot.size);
  let n = 0;
  for (const [key, s] of slot) if (weights[s] > 0) keys[n++] = key;
  const sorted = keys.subarray(0, n).sort();

  const indptr = sharedInt32(users.size + 1);
  const indices = sharedInt32(n);
  const values = sharedFloat32(n);
  const entryKinds = new Uint8Array(n);
  for (let e = 0; e < n; e++) {
    const key = sorted[e];
    const s = slot.get(key)!;
    const user = Math.floor(key / items.size);
    indptr[user + 1]++;
    indices[e] = key - user * items.size;
    values[e] = weights[s];
    entryKinds[e] = kinds[s];
  }
  for (let u = 0; u < users.size; u++) indptr[u + 1] += indptr[u];
  const byUser: SparseMatrix = { rows: users.size, columns: items.size, indptr, indices, values };
  return { users, items, byUser, byItem: transpose(byUser), kinds: entryKinds };
}

/** The interactions dated before the cut-off and those from it on: no row of the second part is in the first. */
export function splitAtCutoff<T extends Pick<Interaction, 'ts'>>(rows: readonly T[], cutoff: Date | number | string): { train: T[]; test: T[] } {
  const at = toMillis(cutoff, 'cutoff', 0);
  const train: T[] = [];
  const test: T[] = [];
  rows.forEach((row, r) => (toMillis(row.ts, 'ts', r) < at ? train : test).push(row));
  return { train, test };
}
