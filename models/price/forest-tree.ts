import { substream } from '../../platform/random.ts';
import { growTree, type BinnedSet, type GrowthParams, type GrownTree } from './tree-growth.ts';

/**
 * One tree of the random forest: a bootstrap sample (as draw counts, so no row is copied) then a tree grown on it.
 * The random stream depends on the forest seed and the tree's index only, so a forest is identical however its
 * trees are shared out between threads.
 */
export function growForestTree(set: BinnedSet, target: Float64Array, growth: GrowthParams, sampleFraction: number, seed: number, index: number): GrownTree {
  const rng = substream(seed, `forest tree ${index}`);
  const draws = Math.max(1, Math.round(sampleFraction * set.rows));
  const weight = new Float64Array(set.rows);
  for (let i = 0; i < draws; i++) weight[Math.floor(rng() * set.rows)] += 1;
  let inBagCount = 0;
  for (let r = 0; r < set.rows; r++) if (weight[r] > 0) inBagCount++;
  const inBag = new Uint32Array(inBagCount);
  for (let r = 0, k = 0; r < set.rows; r++) if (weight[r] > 0) inBag[k++] = r;
  return growTree(set, target, weight, inBag, growth, rng);
}
