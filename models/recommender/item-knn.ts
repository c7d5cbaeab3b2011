import { sharedFloat32, sharedInt32, transpose, type SparseMatrix } from './sparse-matrix.ts';
import { topK } from './top-k.ts';

/**
 * Item-based k-nearest neighbours (Sarwar et al. 2001; Deshpande & Karypis 2004) with a shrunk cosine:
 * sim(i, j) = c_ij / (√(n_i n_j) + shrink), where c_ij counts customers who interacted with both and n_i with i.
 * The shrink term pulls similarities resting on few shared customers towards zero, so two niche itineraries
 * booked together once do not look like twins. Each itinerary keeps its `neighbours` most similar ones; a customer's
 * score for j sums sim(i, j) over the itineraries i in their history of which j is a neighbour.
 */
export interface ItemKnnSettings {
  neighbours: number;
  shrink: number;
}

/**
 * The neighbour weights as a sparse itinerary × itinerary matrix: row i holds the itineraries j that count i among
 * their neighbours, with sim(i, j), so scoring a customer adds up the rows of their history.
 */
export function trainItemKnn(byUser: SparseMatrix, byItem: SparseMatrix, s: ItemKnnSettings): SparseMatrix {
  const items = byItem.rows;
  const count = new Float64Array(items);
  for (let i = 0; i < items; i++) count[i] = byItem.indptr[i + 1] - byItem.indptr[i];
  // Neighbours of each itinerary j: a row of the co-occurrence matrix, from the customers of j.
  const cooccur = new Float64Array(items);
  const similarity = new Float64Array(items);
  const rows: Int32Array[] = [];
  const sims: Float32Array[] = [];
  let total = 0;
  for (let j = 0; j < items; j++) {
    cooccur.fill(0);
    for (let e = byItem.indptr[j]; e < byItem.indptr[j + 1]; e++) {
      const u = byItem.indices[e];
      for (let f = byUser.indptr[u]; f < byUser.indptr[u + 1]; f++) cooccur[byUser.indices[f]] += 1;
    }
    for (let i = 0; i < items; i++) similarity[i] = i === j || cooccur[i] === 0 ? 0 : cooccur[i] / (Math.sqrt(count[i] * count[j]) + s.shrink);
    const best = count[j] === 0 ? new Int32Array(0) : topK(similarity, Math.min(s.neighbours, items), (i) => similarity[i] > 0);
    rows.push(best);
    sims.push(Float32Array.from(best, (i) => similarity[i]));
    total += best.length;
  }
  // Column j holds j's neighbours; scoring wants them by the neighbour, so build by column and transpose.
  const indptr = sharedInt32(items + 1);
  const indices = sharedInt32(total);
  const values = sharedFloat32(total);
  let at = 0;
  for (let j = 0; j < items; j++) {
    const order = Array.from(rows[j].keys()).sort((a, b) => rows[j][a] - rows[j][b]);
    for (const o of order) {
      indices[at] = rows[j][o];
      values[at++] = sims[j][o];
    }
    indptr[j + 1] = at;
  }
  return transpose({ rows: items, columns: items, indptr, indices, values });
}
