/**
 * TensorFlow.js backend for the browser worker: WebAssembly kernels, single
 * threaded (a multi-threaded build would need cross-origin isolation). The
 * .wasm files are emitted by Vite and located through `?url` imports, so this
 * file is for bundled code only; Node uses backend-node.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

let ready: Promise<string> | undefined;

/** Sets the backend once; resolves to its name ("wasm", or "cpu" when WebAssembly is unavailable). */
export function ensureBackend(): Promise<string> {
  ready ??= (async () => {
    setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
    });
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    let ok = false;
    try {
      ok = await tf.setBackend('wasm');
    } catch (e) {
      console.warn('TensorFlow.js: the wasm backend failed to start; using cpu', e);
    }
    if (!ok && !(await tf.setBackend('cpu'))) throw new Error('TensorFlow.js: neither the wasm nor the cpu backend could start');
    await tf.ready();
    return tf.getBackend();
  })();
  return ready;
}
