import { kmeans } from 'ml-kmeans';
import { substream } from '../../platform/random.ts';
import { sampleIndices, silhouetteScore } from './silhouette.ts';

/**
 * k-means for each k in a range, keeping the k with the best silhouette. Each k gets several seeded k-means++
 * starts and keeps the one with the lowest within-segment sum of squares, since one unlucky start can merge
 * two true segments and split a third. The silhouette is scored on one seeded sample shared by every k,
 * so the comparison is fair and stays fast at 100k customers.
 */
export interface SearchOptions {
  minSegments: number;
  maxSegments: number;
  restarts: number;
  maxIterations: number;
  silhouetteSample: number;
  seed: number;
}

export interface SegmentSearch {
  k: number;
  /** Segment of each point, 0-based. */
  labels: number[];
  centroids: number[][];
  /** Silhouette by k, on the sample. */
  silhouettes: Record<number, number>;
}

export function squaredDistance(p: readonly number[], q: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (p[i] - q[i]) ** 2;
  return sum;
}

export function nearestCentroid(point: readonly number[], centroids: readonly (readonly number[])[]): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let c = 0; c < centroids.length; c++) {
    const d = squaredDistance(point, centroids[c]);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

function withinSumOfSquares(points: number[][], labels: number[], centroids: number[][]): number {
  let sum = 0;
  for (let i = 0; i < points.length; i++) sum += squaredDistance(points[i], centroids[labels[i]]);
  return sum;
}

export function bestKMeans(points: number[][], k: number, options: Pick<SearchOptions, 'restarts' | 'maxIterations' | 'seed'>): { labels: number[]; centroids: number[][] } {
  const seeds = substream(options.seed, `kmeans-k${k}`);
  let best: { labels: number[]; centroids: number[][]; inertia: number } | undefined;
  for (let r = 0; r < options.restarts; r++) {
    const result = kmeans(points, k, { seed: Math.floor(seeds() * 2 ** 31), initialization: 'kmeans++', maxIterations: options.maxIterations });
    const inertia = withinSumOfSquares(points, result.clusters, result.centroids);
    if (!best || inertia < best.inertia) best = { labels: result.clusters, centroids: result.centroids, inertia };
  }
  return { labels: best!.labels, centroids: best!.centroids };
}

export function searchSegments(points: number[][], options: SearchOptions): SegmentSearch {
  const sample = sampleIndices(points.length, options.silhouetteSample, substream(options.seed, 'silhouette-sample'));
  const samplePoints = sample.map((i) => points[i]);
  let best: SegmentSearch | undefined;
  const silhouettes: Record<number, number> = {};
  for (let k = options.minSegments; k <= options.maxSegments; k++) {
    const { labels, centroids } = bestKMeans(points, k, options);
    silhouettes[k] = silhouetteScore(samplePoints, sample.map((i) => labels[i]), k);
    // Strictly better only: on a tie the smaller k wins, fewer segments being easier to act on.
    if (!best || silhouettes[k] > silhouettes[best.k]) best = { k, labels, centroids, silhouettes };
  }
  return best!;
}
