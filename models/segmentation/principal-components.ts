import { PCA } from 'ml-pca';

/**
 * Principal components of standardised customer features (ml-pca, SVD method), keeping the fewest components
 * that explain `varianceToKeep` of the variance: correlated features (budget and group size, say) stop
 * counting twice in k-means distances, and the noise in the last components is dropped.
 */
export interface Projection {
  /** One row per kept component, one column per feature. */
  components: number[][];
  /** Share of variance of each kept component. */
  explainedVariance: number[];
}

export function componentsToKeep(explained: readonly number[], varianceToKeep: number): number {
  let cumulative = 0;
  for (let i = 0; i < explained.length; i++) {
    cumulative += explained[i];
    // The epsilon keeps 1.0 reachable despite rounding in the variance shares.
    if (cumulative >= varianceToKeep - 1e-12) return i + 1;
  }
  return explained.length;
}

export function fitProjection(scaled: number[][], varianceToKeep: number): Projection {
  // Scaled rows are already centred; centring again would only shift them by rounding error.
  const pca = new PCA(scaled, { method: 'SVD', center: false, scale: false });
  const explained = pca.getExplainedVariance();
  const kept = componentsToKeep(explained, varianceToKeep);
  return { components: pca.getLoadings().to2DArray().slice(0, kept), explainedVariance: explained.slice(0, kept) };
}

export function project(scaledRow: readonly number[], components: readonly (readonly number[])[]): number[] {
  return components.map((component) => component.reduce((sum, weight, c) => sum + weight * scaledRow[c], 0));
}
