import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy, macroF1, percentile } from './classification-metrics.ts';
import { hashedFeatures } from './hashed-features.ts';
import { classScores, softmaxInPlace, trainSoftmax } from './softmax-regression.ts';
import { normaliseText } from './text-normalisation.ts';

test('normalisation strips accents and the tilde, lowercases and keeps amount characters', () => {
  assert.equal(normaliseText('¿Cuánto cuesta MÁNCORA en año nuevo? S/ 1.500'), 'cuanto cuesta mancora en ano nuevo s/ 1.500');
});

test('hashed features: unit length, typo-tolerant overlap, same text same vector', () => {
  const spec = { hashBits: 16, minCharGram: 2, maxCharGram: 5 };
  const a = hashedFeatures('cotizacion machu picchu', spec);
  const norm = Math.sqrt(a.values.reduce((s, v) => s + v * v, 0));
  assert.ok(Math.abs(norm - 1) < 1e-6);
  assert.deepEqual(hashedFeatures('Cotización Machu Picchu', spec), a, 'accents and case do not matter');
  const dot = (x: typeof a, y: typeof a) => {
    const m = new Map<number, number>();
    x.indices.forEach((i, k) => m.set(i, x.values[k]));
    return y.indices.reduce((s, i, k) => s + (m.get(i) ?? 0) * y.values[k], 0);
  };
  const typo = hashedFeatures('cotisacion machu pichu', spec);
  const other = hashedFeatures('me cobraron dos veces', spec);
  assert.ok(dot(a, typo) > 0.5 && dot(a, other) < 0.2, `typo ${dot(a, typo)}, other ${dot(a, other)}`);
});

test('softmax regression learns a separable problem and its probabilities sum to one', () => {
  const x = (i: number) => ({ indices: Int32Array.from([i]), values: Float32Array.from([1]) });
  const examples = [x(0), x(1), x(2), x(0), x(1), x(2)];
  const labels = [0, 1, 2, 0, 1, 2];
  const model = trainSoftmax(examples, labels, 3, 4, { epochs: 50, learningRate: 0.5, l2: 0, seed: 1 });
  for (let i = 0; i < 3; i++) {
    const p = softmaxInPlace(classScores(model, x(i)));
    assert.ok(Math.abs(p.reduce((s, v) => s + v, 0) - 1) < 1e-9);
    assert.equal(p.indexOf(Math.max(...p)), i);
  }
});

test('accuracy, macro-F1 and percentile on hand-computed cases', () => {
  const truth = ['a', 'a', 'b', 'c'];
  const predicted = ['a', 'b', 'b', 'b'];
  assert.equal(accuracy(truth, predicted), 0.5);
  // F1: a = 2/3, b = 2·1/(2·1+2+0) = 0.5, c = 0 → mean 7/18.
  assert.ok(Math.abs(macroF1(truth, predicted) - 7 / 18) < 1e-12);
  assert.equal(percentile([5, 1, 3, 2, 4], 99), 5);
  assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
});
