import { untransform, type Scaling } from './standard-scaling.ts';
import { wordsFor } from './feature-vocabulary.ts';

/**
 * What each segment looks like, for people: its size, its average customer in original units, how far each
 * feature sits from the population in standard deviations, and a name and description built from the features
 * that stand out most (name "Planners with large groups", description "book 140 days ahead, groups of 9,
 * budget USD 2,100").
 */
export interface SegmentProfile {
  segment: number;
  size: number;
  share: number;
  /** Mean of the segment's customers, missing values imputed, in the features' own units (for a logged feature the
   * mean on its log axis taken back, so the typical customer rather than the few largest). */
  centroid: Record<string, number>;
  /** (segment mean − population mean) / population standard deviation. */
  zScores: Record<string, number>;
  name: string;
  description: string;
}

/** A feature names or describes a segment only when its mean is at least this many standard deviations off. */
export const DISTINCTIVE_Z = 0.5;
const DESCRIBED_FEATURES = 3;

/** Features by how much they set the segment apart, strongest first. */
export function distinctiveFeatures(zScores: Record<string, number>): string[] {
  return Object.keys(zScores)
    .filter((f) => Math.abs(zScores[f]) >= DISTINCTIVE_Z)
    .sort((x, y) => Math.abs(zScores[y]) - Math.abs(zScores[x]));
}

export function segmentName(zScores: Record<string, number>): string {
  const [first, second] = distinctiveFeatures(zScores);
  if (first === undefined) return 'Typical customers';
  const noun = wordsFor(first)[zScores[first] > 0 ? 'high' : 'low'].noun;
  return second === undefined ? noun : `${noun} with ${wordsFor(second)[zScores[second] > 0 ? 'high' : 'low'].trait}`;
}

export function segmentDescription(centroid: Record<string, number>, zScores: Record<string, number>): string {
  const distinctive = distinctiveFeatures(zScores).slice(0, DESCRIBED_FEATURES);
  const shown = distinctive.length > 0 ? distinctive : Object.keys(centroid).slice(0, DESCRIBED_FEATURES);
  return shown.map((f) => wordsFor(f).value(centroid[f])).join(', ');
}

/** `imputedRows` are on the scaling's axes (standard-scaling.ts transform, then imputed). */
export function profileSegments(
  imputedRows: readonly (readonly number[])[],
  labels: readonly number[],
  segments: number,
  featureNames: readonly string[],
  scaling: Scaling,
): SegmentProfile[] {
  const width = featureNames.length;
  const sums = Array.from({ length: segments }, () => new Float64Array(width));
  const sizes = new Array<number>(segments).fill(0);
  for (let i = 0; i < imputedRows.length; i++) {
    sizes[labels[i]]++;
    for (let c = 0; c < width; c++) sums[labels[i]][c] += imputedRows[i][c];
  }
  const profiles = sums.map((sum, segment) => {
    const centroid: Record<string, number> = {};
    const zScores: Record<string, number> = {};
    featureNames.forEach((f, c) => {
      const mean = sizes[segment] > 0 ? sum[c] / sizes[segment] : scaling.means[c];
      centroid[f] = untransform(mean, scaling.logged, c);
      zScores[f] = (mean - scaling.means[c]) / scaling.sds[c];
    });
    const size = sizes[segment];
    return { segment, size, share: size / imputedRows.length, centroid, zScores, name: segmentName(zScores), description: segmentDescription(centroid, zScores) };
  });
  // Two segments can stand out on the same traits; their number keeps the names apart.
  for (const profile of profiles) {
    if (profiles.some((other) => other !== profile && other.name === profile.name)) profile.name = `${profile.name} (segment ${profile.segment})`;
  }
  return profiles;
}
