import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/**
 * TensorFlow.js backend for the neural model: tfjs-node when it is installed (native, fastest; it does not install
 * on this machine), else WebAssembly (several times faster than the pure JavaScript cpu backend for dense training),
 * else cpu. Chosen once per process.
 */
let chosen: Promise<string> | undefined;

async function tryBackend(name: string): Promise<boolean> {
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

export function readyTensorflow(): Promise<string> {
  chosen ??= (async () => {
    try {
      // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
      const native = '@tensorflow/tfjs-node';
      await import(native);
      if (await tryBackend('tensorflow')) return 'tensorflow';
    } catch {
      // Not installed: fall through to WebAssembly.
    }
    if (await tryBackend('wasm')) return 'wasm';
    await tf.setBackend('cpu');
    return 'cpu';
  })();
  return chosen;
}

export { tf };
