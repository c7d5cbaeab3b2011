import { substream, type Rng } from '../../platform/random.ts';
import { readyTensorflow, tf } from './tf-backend.ts';
import type { Forecast } from './forecast.ts';

/**
 * A global N-BEATS-style network (Oreshkin et al. 2020, generic blocks): one MLP learns from windows of history of
 * every series at once. Each window is divided by the mean of its input part, so series of any size share the
 * weights; each block reads what the previous blocks left unexplained (residual backcast) and adds its part of
 * the forecast. Intervals are split-conformal: quantiles of the scaled absolute errors, per step, on each series'
 * latest window, which training never sees.
 */
export interface NBeatsParams {
  inputLength: number;
  horizon: number;
  blocks: number;
  units: number;
  layersPerBlock: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Training windows kept per series (the latest ones), to bound training time on long series. */
  windowsPerSeries: number;
  seed: number;
}

export interface NBeatsTrained {
  model: tf.LayersModel;
  /** Scaled absolute error quantiles per step (80% and 95%) from the held-out windows. */
  q80: number[];
  q95: number[];
  backend: string;
}

export interface SerialisedNetwork {
  modelTopology: unknown;
  weightSpecs: unknown;
  /** Weights as base64 of the raw float32 buffer. */
  weightData: string;
}

/** A window: input values and the values that followed, both divided by the input's mean level. */
export function windowScale(input: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < input.length; i++) sum += Math.abs(input[i]);
  return sum / input.length || 1;
}

/** The input window ending just before `end`, left-padded with the first value when the series is short. */
export function inputWindow(values: ArrayLike<number>, end: number, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = values[Math.max(0, end - length + i)];
  return out;
}

function buildNetwork(p: NBeatsParams): tf.LayersModel {
  let seed = p.seed;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const input = tf.input({ shape: [p.inputLength] });
  let residual: tf.SymbolicTensor = input;
  const parts: tf.SymbolicTensor[] = [];
  for (let b = 0; b < p.blocks; b++) {
    let hidden: tf.SymbolicTensor = residual;
    for (let l = 0; l < p.layersPerBlock; l++) hidden = tf.layers.dense({ units: p.units, activation: 'relu', kernelInitializer: init() }).apply(hidden) as tf.SymbolicTensor;
    // The backcast is learnt with its sign: adding it is subtracting what the block explained.
    const backcast = tf.layers.dense({ units: p.inputLength, kernelInitializer: init() }).apply(hidden) as tf.SymbolicTensor;
    parts.push(tf.layers.dense({ units: p.horizon, kernelInitializer: init() }).apply(hidden) as tf.SymbolicTensor);
    if (b < p.blocks - 1) residual = tf.layers.add().apply([residual, backcast]) as tf.SymbolicTensor;
  }
  const output = parts.length > 1 ? (tf.layers.add().apply(parts) as tf.SymbolicTensor) : parts[0];
  return tf.model({ inputs: input, outputs: output });
}

function shuffled(count: number, rng: Rng): Int32Array {
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * (sorted.length + 1)) - 1)] ?? 0;
}

/**
 * Trains on every series' windows whose targets end by `ends[i]` (the series' own cut-off), holding out the latest
 * window of each series for the intervals.
 */
export async function trainNBeats(series: readonly ArrayLike<number>[], ends: readonly number[], p: NBeatsParams): Promise<NBeatsTrained> {
  const backend = await readyTensorflow();
  const { inputLength: L, horizon: H } = p;
  const train: Array<{ x: Float32Array; y: Float32Array }> = [];
  const held: Array<{ x: Float32Array; y: Float32Array }> = [];
  series.forEach((values, s) => {
    const last = ends[s] - H;
    for (let k = 0; k <= p.windowsPerSeries; k++) {
      const end = last - k;
      if (end < 2) break;
      const x = inputWindow(values, end, L);
      const scale = windowScale(x);
      const y = Float32Array.from({ length: H }, (_, h) => values[end + h] / scale);
      for (let i = 0; i < L; i++) x[i] /= scale;
      (k === 0 ? held : train).push({ x, y });
    }
  });
  const model = buildNetwork(p);
  model.compile({ optimizer: tf.train.adam(p.learningRate), loss: 'meanAbsoluteError' });
  const rng = substream(p.seed, 'nbeats shuffle');
  const xs = new Float32Array(train.length * L);
  const ys = new Float32Array(train.length * H);
  for (let epoch = 0; epoch < p.epochs && train.length > 0; epoch++) {
    // Shuffled here with a seeded stream, since tfjs shuffles with Math.random.
    const order = shuffled(train.length, rng);
    order.forEach((w, i) => {
      xs.set(train[w].x, i * L);
      ys.set(train[w].y, i * H);
    });
    const x = tf.tensor2d(xs, [train.length, L]);
    const y = tf.tensor2d(ys, [train.length, H]);
    await model.fit(x, y, { epochs: 1, batchSize: p.batchSize, shuffle: false, verbose: 0 });
    x.dispose();
    y.dispose();
  }
  const heldPredictions = predictScaled(model, held.map((w) => w.x), L, H);
  const errors = Array.from({ length: H }, (_, h) => held.map((w, i) => Math.abs(w.y[h] - heldPredictions[i][h])));
  return { model, q80: errors.map((e) => quantile(e, 0.8)), q95: errors.map((e) => quantile(e, 0.95)), backend };
}

function predictScaled(model: tf.LayersModel, inputs: readonly Float32Array[], L: number, H: number): Float32Array[] {
  if (inputs.length === 0) return [];
  const flat = new Float32Array(inputs.length * L);
  inputs.forEach((x, i) => flat.set(x, i * L));
  const out = tf.tidy(() => (model.predict(tf.tensor2d(flat, [inputs.length, L]), { batchSize: 4096 }) as tf.Tensor).dataSync() as Float32Array);
  return inputs.map((_, i) => out.subarray(i * H, (i + 1) * H));
}

/** Forecasts of `horizon` steps from the windows ending at each `ends[i]` of each series. */
export function nbeatsForecasts(trained: Pick<NBeatsTrained, 'model' | 'q80' | 'q95'>, requests: ReadonlyArray<{ values: ArrayLike<number>; end: number }>, p: Pick<NBeatsParams, 'inputLength' | 'horizon'>): Forecast[] {
  const inputs = requests.map((r) => inputWindow(r.values, r.end, p.inputLength));
  const scales = inputs.map(windowScale);
  inputs.forEach((x, i) => x.forEach((v, j) => (x[j] = v / scales[i])));
  const predictions = predictScaled(trained.model, inputs, p.inputLength, p.horizon);
  return predictions.map((pred, i) => {
    const s = scales[i];
    const mean = Float64Array.from(pred, (v) => Math.max(0, v * s));
    return {
      mean,
      lo80: Float64Array.from(mean, (m, h) => Math.max(0, m - trained.q80[h] * s)),
      hi80: Float64Array.from(mean, (m, h) => m + trained.q80[h] * s),
      lo95: Float64Array.from(mean, (m, h) => Math.max(0, m - trained.q95[h] * s)),
      hi95: Float64Array.from(mean, (m, h) => m + trained.q95[h] * s),
    };
  });
}

/** Weights into the artefact through an in-memory save handler (no file:// handler without tfjs-node). */
export async function serialiseNetwork(model: tf.LayersModel): Promise<SerialisedNetwork> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  const data = saved!.weightData as ArrayBuffer;
  return { modelTopology: saved!.modelTopology, weightSpecs: saved!.weightSpecs, weightData: Buffer.from(data).toString('base64') };
}

export async function restoreNetwork(network: SerialisedNetwork): Promise<tf.LayersModel> {
  await readyTensorflow();
  const bytes = Buffer.from(network.weightData, 'base64');
  const buffer = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buffer).set(bytes);
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: network.modelTopology as tf.io.ModelArtifacts['modelTopology'], weightSpecs: network.weightSpecs as tf.io.WeightsManifestEntry[], weightData: buffer }),
  );
}
