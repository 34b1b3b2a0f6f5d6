/**
 * TensorFlow.js backend for Node (unit tests, bench): the same WebAssembly
 * kernels the browser worker uses, read from node_modules. Falls back to the
 * pure-JS "cpu" backend only if WebAssembly cannot start.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';

let ready: Promise<string> | undefined;

/** Sets the backend once; resolves to its name ("wasm", or "cpu" as a fallback). */
export function ensureNodeBackend(): Promise<string> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(dist + path.sep);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (!(await tf.setBackend('wasm'))) {
      console.warn('TensorFlow.js: the wasm backend did not start in Node; using cpu');
      await tf.setBackend('cpu');
    }
    await tf.ready();
    return tf.getBackend();
  })();
  return ready;
}

/** Tensors currently allocated, for leak checks in tests. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
