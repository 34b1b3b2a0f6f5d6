/** fitLifetime's worker handling, with an in-process stand-in for the worker that copies messages as a real one does. */
import { describe, expect, it } from 'vitest';
import { fitLifetime, type WorkerLike } from '../../src/ml/clv/client.ts';
import { fitLifetimeInline, type LifetimeProgress } from '../../src/ml/clv/fit.ts';
import type { LifetimeRequest, LifetimeResponse } from '../../src/ml/clv/protocol.ts';
import { serializeError } from '../../src/lib/errors.ts';

const summary = () => ({
  x: Float64Array.of(0, 2, 0, 1, 4, 0, 3, 1, 0, 2, 5, 1, 0, 2, 1, 0),
  tx: Float64Array.of(0, 20, 0, 5, 30, 0, 25, 12, 0, 33, 35, 2, 0, 14, 30, 0),
  T: Float64Array.of(38, 38, 36, 37, 39, 30, 38, 35, 33, 36, 38, 31, 30, 39, 36, 38),
  zbar: Float64Array.of(NaN, 20, NaN, 15, 30, NaN, 22, 12, NaN, 18, 40, 9, NaN, 25, 11, NaN),
});

/** A worker stand-in: messages are structured-cloned (transfers detach the sender's buffers), the work runs on a later tick. */
function standIn(behaviour: 'fit' | 'hang' | 'fail' | 'crash') {
  const state = { terminated: false, received: null as LifetimeRequest | null };
  const worker: WorkerLike = {
    onmessage: null,
    onerror: null,
    terminate: () => {
      state.terminated = true;
    },
    postMessage(message, transfer) {
      const m = structuredClone(message, { transfer: transfer ?? [] });
      state.received = m;
      const reply = (r: LifetimeResponse) => {
        if (!state.terminated) worker.onmessage?.({ data: r } as MessageEvent<LifetimeResponse>);
      };
      setTimeout(() => {
        if (behaviour === 'hang') return reply({ type: 'progress', id: m.id, progress: { model: 'bgnbd', restart: 1, of: 4 } });
        if (behaviour === 'crash') return worker.onerror?.({ message: 'script failed to load' } as ErrorEvent);
        if (behaviour === 'fail') return reply({ type: 'error', id: m.id, error: serializeError(new RangeError('bad summary')) });
        const fit = fitLifetimeInline(m, { onProgress: (progress) => reply({ type: 'progress', id: m.id, progress }) });
        reply({ type: 'done', id: m.id, result: fit });
      }, 0);
    },
  };
  return { worker, state };
}

describe('fitLifetime', () => {
  it('returns the worker\'s fit, reports progress, ends the worker, and leaves the caller\'s arrays alone', async () => {
    const { worker, state } = standIn('fit');
    const s = summary();
    const progress: LifetimeProgress[] = [];
    const fit = await fitLifetime(s, { spawn: () => worker, onProgress: (p) => progress.push(p) });
    expect(fit).toEqual(expect.objectContaining({ bgnbd: expect.any(Object), pareto: expect.any(Object) }));
    expect(fit.gammaGamma?.params.p).toBeGreaterThan(0);
    expect(progress[0]).toEqual({ model: 'bgnbd', restart: 1, of: 4 });
    expect(progress.some((p) => p.model === 'gammaGamma')).toBe(true);
    expect(state.terminated).toBe(true);
    expect(s.x.length).toBe(16);
    expect(Array.from(state.received!.T)).toEqual(Array.from(s.T));
  });

  it('hands over the summary\'s own buffers when asked to', async () => {
    const { worker } = standIn('fit');
    const s = summary();
    await fitLifetime(s, { spawn: () => worker, transfer: true });
    expect(s.x.length).toBe(0);
  });

  it('rejects with an AbortError and ends the worker when the signal aborts', async () => {
    const { worker, state } = standIn('hang');
    const controller = new AbortController();
    const run = fitLifetime(summary(), {
      spawn: () => worker,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(state.terminated).toBe(true);
  });

  it('does not start a worker for a signal already aborted', async () => {
    let spawned = false;
    const run = fitLifetime(summary(), { spawn: () => ((spawned = true), standIn('fit').worker), signal: AbortSignal.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(spawned).toBe(false);
  });

  it('passes on the worker\'s error as a real Error, and a worker that fails to start', async () => {
    await expect(fitLifetime(summary(), { spawn: () => standIn('fail').worker })).rejects.toMatchObject({ name: 'RangeError', message: 'bad summary' });
    await expect(fitLifetime(summary(), { spawn: () => standIn('crash').worker })).rejects.toThrow(/script failed to load/);
  });
});
