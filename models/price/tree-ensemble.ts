import { decodeFloat64, decodeInt32, encodeFloat64, encodeInt32 } from '../contract.ts';
import type { GrownTree } from './tree-growth.ts';

/**
 * A fitted ensemble as flat node arrays (all trees concatenated), the one prediction structure of both learners:
 *   prediction(x) = base + scale · Σ_trees leafValue(tree, x)
 * The forest has base 0 and scale 1/trees; boosting has base = initial guess and scale 1 (shrinkage is already in
 * the node values). Every node keeps the value it would predict as a leaf, which is what path decomposition needs.
 */
export interface TreeEnsemble {
  base: number;
  scale: number;
  roots: Int32Array;
  /** Feature tested at the node; −1 on a leaf. */
  feature: Int32Array;
  /** Rows with x[feature] <= threshold go to `left`, the others to `left + 1`. */
  threshold: Float64Array;
  left: Int32Array;
  value: Float64Array;
}

export function assembleEnsemble(trees: readonly GrownTree[], base: number, scale: number): TreeEnsemble {
  const total = trees.reduce((n, t) => n + t.feature.length, 0);
  const e: TreeEnsemble = {
    base,
    scale,
    roots: new Int32Array(trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    left: new Int32Array(total),
    value: new Float64Array(total),
  };
  let offset = 0;
  trees.forEach((t, i) => {
    e.roots[i] = offset;
    e.feature.set(t.feature, offset);
    e.threshold.set(t.threshold, offset);
    e.value.set(t.value, offset);
    for (let n = 0; n < t.left.length; n++) e.left[offset + n] = t.feature[n] >= 0 ? t.left[n] + offset : -1;
    offset += t.feature.length;
  });
  return e;
}

export interface EnsembleArtifact {
  base: number;
  scale: number;
  roots: string;
  feature: string;
  threshold: string;
  left: string;
  value: string;
}

export function ensembleToArtifact(e: TreeEnsemble): EnsembleArtifact {
  return {
    base: e.base,
    scale: e.scale,
    roots: encodeInt32(e.roots),
    feature: encodeInt32(e.feature),
    threshold: encodeFloat64(e.threshold),
    left: encodeInt32(e.left),
    value: encodeFloat64(e.value),
  };
}

export function ensembleFromArtifact(a: EnsembleArtifact): TreeEnsemble {
  return {
    base: a.base,
    scale: a.scale,
    roots: decodeInt32(a.roots),
    feature: decodeInt32(a.feature),
    threshold: decodeFloat64(a.threshold),
    left: decodeInt32(a.left),
    value: decodeFloat64(a.value),
  };
}
