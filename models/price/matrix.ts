/**
 * Numeric feature rows as one row-major Float64Array: row r, feature f is `values[r * columns + f]`.
 * One contiguous buffer travels to worker threads without copying and keeps a row's features in one cache line.
 */
export interface FeatureMatrix {
  values: Float64Array;
  rows: number;
  columns: number;
}

/** The rows at the given indices, in that order (time-based splits, holdouts). */
export function selectRows(matrix: FeatureMatrix, indices: ArrayLike<number>): FeatureMatrix {
  const { columns } = matrix;
  const values = new Float64Array(indices.length * columns);
  for (let i = 0; i < indices.length; i++) {
    values.set(matrix.values.subarray(indices[i] * columns, (indices[i] + 1) * columns), i * columns);
  }
  return { values, rows: indices.length, columns };
}

export function selectValues(values: Float64Array, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]];
  return out;
}
