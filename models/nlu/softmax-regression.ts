import { mulberry32 } from '../../platform/random.ts';
import type { SparseVector } from './hashed-features.ts';

/**
 * Multinomial logistic regression on sparse hashed features, trained by plain SGD with L2 decay (lazy: the decay
 * is kept as one running scale factor, so a step touches only the example's non-zero features). Examples are
 * shuffled with a seeded generator each epoch, so the same seed and data give the same weights, bit for bit.
 */
export interface SoftmaxTraining {
  epochs: number;
  learningRate: number;
  /** L2 penalty per example. */
  l2: number;
  seed: number;
}

export interface SoftmaxWeights {
  classes: number;
  dimension: number;
  /** Row-major: weights[feature * classes + class]. */
  weights: Float32Array;
  bias: Float32Array;
}

export function classScores(model: SoftmaxWeights, x: SparseVector, out = new Float64Array(model.classes)): Float64Array {
  const k = model.classes;
  for (let c = 0; c < k; c++) out[c] = model.bias[c];
  for (let j = 0; j < x.indices.length; j++) {
    const base = x.indices[j] * k;
    const v = x.values[j];
    for (let c = 0; c < k; c++) out[c] += model.weights[base + c] * v;
  }
  return out;
}

/** Softmax in place, stable against large scores. */
export function softmaxInPlace(scores: Float64Array): Float64Array {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    scores[c] = Math.exp(scores[c] - max);
    sum += scores[c];
  }
  for (let c = 0; c < scores.length; c++) scores[c] /= sum;
  return scores;
}

export function trainSoftmax(examples: readonly SparseVector[], labels: readonly number[], classes: number, dimension: number, t: SoftmaxTraining): SoftmaxWeights {
  const weights = new Float64Array(dimension * classes);
  const bias = new Float64Array(classes);
  // Lazy L2 decay: true weight = weights[i] * scale.
  let scale = 1;
  const rng = mulberry32(t.seed);
  const order = Array.from({ length: examples.length }, (_, i) => i);
  const probs = new Float64Array(classes);
  let step = 0;
  for (let epoch = 0; epoch < t.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const n of order) {
      const x = examples[n];
      const rate = t.learningRate / (1 + 0.0005 * step++);
      for (let c = 0; c < classes; c++) probs[c] = bias[c];
      for (let j = 0; j < x.indices.length; j++) {
        const base = x.indices[j] * classes;
        const v = x.values[j] * scale;
        for (let c = 0; c < classes; c++) probs[c] += weights[base + c] * v;
      }
      softmaxInPlace(probs);
      probs[labels[n]] -= 1;
      scale *= 1 - rate * t.l2;
      if (scale < 1e-6) {
        for (let i = 0; i < weights.length; i++) weights[i] *= scale;
        scale = 1;
      }
      for (let j = 0; j < x.indices.length; j++) {
        const base = x.indices[j] * classes;
        const g = (rate * x.values[j]) / scale;
        for (let c = 0; c < classes; c++) weights[base + c] -= g * probs[c];
      }
      for (let c = 0; c < classes; c++) bias[c] -= rate * probs[c];
    }
  }
  const final = new Float32Array(weights.length);
  for (let i = 0; i < weights.length; i++) final[i] = weights[i] * scale;
  return { classes, dimension, weights: final, bias: Float32Array.from(bias) };
}
