import { kmeans } from 'ml-kmeans';
import { substream } from '../../platform/random.ts';
import { sampleIndices, silhouetteScore } from './silhouette.ts';

/**
 * k-means for each k in a range, keeping the k with the best silhouette. Each k gets several seeded k-means++
 * starts and keeps the one with the lowest within-segment sum of squares, since one unlucky start can merge
 * two true segments and split a third. To stay fast at 100k customers, the k are compared on a seeded sample
 * (`searchSample` customers for k-means, `silhouetteSample` of those for the quadratic silhouette, the same for
 * every k so the comparison is fair); only the chosen k is then fitted on every customer.
 */
export interface SearchOptions {
  minSegments: number;
  maxSegments: number;
  restarts: number;
  maxIterations: number;
  silhouetteSample: number;
  searchSample: number;
  seed: number;
}

export interface SegmentSearch {
  k: number;
  /** Segment of each point, 0-based. */
  labels: number[];
  centroids: number[][];
  /** Silhouette by k, on the sample: the search's figures, and for the chosen k the final segments'. */
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
  const searchRows = sampleIndices(points.length, options.searchSample, substream(options.seed, 'search-sample'));
  const searchPoints = searchRows.map((i) => points[i]);
  const scored = sampleIndices(searchRows.length, options.silhouetteSample, substream(options.seed, 'silhouette-sample'));
  const scoredPoints = scored.map((i) => searchPoints[i]);
  const silhouettes: Record<number, number> = {};
  let best: { k: number; labels: number[]; centroids: number[][] } | undefined;
  for (let k = options.minSegments; k <= options.maxSegments; k++) {
    const { labels, centroids } = bestKMeans(searchPoints, k, options);
    silhouettes[k] = silhouetteScore(scoredPoints, scored.map((i) => labels[i]), k);
    // Strictly better only: on a tie the smaller k wins, fewer segments being easier to act on.
    if (!best || silhouettes[k] > silhouettes[best.k]) best = { k, labels, centroids };
  }
  const { k } = best!;
  if (searchRows.length === points.length) return { ...best!, silhouettes };
  const final = bestKMeans(points, k, options);
  silhouettes[k] = silhouetteScore(scoredPoints, scored.map((i) => final.labels[searchRows[i]]), k);
  return { k, labels: final.labels, centroids: final.centroids, silhouettes };
}
