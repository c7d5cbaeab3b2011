import type { ModelArtifact } from '../contract.ts';
import { GradientBoostingRegressor, type BoostingParams } from './gradient-boosting.ts';
import { RandomForestRegressor, type ForestParams } from './random-forest.ts';

/** The two tree learners behind one name, so the price model and the CLI can pick either. */
export const LEARNERS = ['forest', 'boosting'] as const;
export type LearnerKind = (typeof LEARNERS)[number];
export type TreeLearner = RandomForestRegressor | GradientBoostingRegressor;

export function createLearner(kind: LearnerKind, forest: Partial<ForestParams>, boosting: Partial<BoostingParams>): TreeLearner {
  return kind === 'forest' ? new RandomForestRegressor(forest) : new GradientBoostingRegressor(boosting);
}

export function learnerFromArtifact(kind: LearnerKind, artifact: ModelArtifact): TreeLearner {
  return kind === 'forest' ? RandomForestRegressor.fromArtifact(artifact) : GradientBoostingRegressor.fromArtifact(artifact);
}
