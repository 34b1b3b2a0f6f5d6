/** analyzeTextsInWorker's worker handling (progress, result, cancel, errors), with an in-process stand-in for the worker. */
import { describe, expect, it } from 'vitest';
import { analyzeTextsInWorker, type WorkerLike } from '../../src/ml/text/client.ts';
import { analyzeTexts } from '../../src/ml/text/analyze.ts';
import type { TextResponse } from '../../src/ml/text/protocol.ts';
import type { TextInput, TextProgress } from '../../src/ml/text/types.ts';
import { isAbortError, serializeError } from '../../src/lib/errors.ts';

const input = (): TextInput => {
  const texts = ['great service', '服务很好', 'slow and rude', '太慢了，很差', '', 'refund never came'];
  return { texts, months: texts.map(() => '2025-01'), ratings: texts.map(() => null), labels: texts.map(() => null), hours: texts.map(() => null), closed: texts.map(() => null) };
};

function standIn(behaviour: 'run' | 'hang' | 'fail') {
  const state = { terminated: false };
  const worker: WorkerLike = {
    onmessage: null,
    onerror: null,
    terminate: () => {
      state.terminated = true;
    },
    postMessage(message) {
      const m = structuredClone(message);
      const reply = (r: TextResponse) => {
        if (!state.terminated) worker.onmessage?.({ data: r } as MessageEvent<TextResponse>);
      };
      setTimeout(() => {
        if (behaviour === 'hang') return reply({ type: 'progress', id: m.id, progress: { stage: 'tokenize', fraction: 0 } });
        if (behaviour === 'fail') return reply({ type: 'error', id: m.id, error: serializeError(new RangeError('bad texts')) });
        const result = analyzeTexts(m.input, m.options, (progress) => reply({ type: 'progress', id: m.id, progress }));
        reply({ type: 'done', id: m.id, result });
      }, 0);
    },
  };
  return { worker, state };
}

describe('analyzeTextsInWorker', () => {
  it('passes progress on, resolves with the result and ends the worker', async () => {
    const { worker, state } = standIn('run');
    const progress: TextProgress[] = [];
    const result = await analyzeTextsInWorker(input(), { spawn: () => worker, onProgress: (p) => progress.push(p) });
    expect(result.texts).toBe(6);
    expect(result.sentiment.counts.negative).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({ stage: 'topics', fraction: 1 });
    expect(state.terminated).toBe(true);
  });

  it('cancel rejects with an AbortError and ends the worker at once', async () => {
    const { worker, state } = standIn('hang');
    const controller = new AbortController();
    const p = analyzeTextsInWorker(input(), { spawn: () => worker, signal: controller.signal });
    controller.abort();
    await expect(p).rejects.toSatisfy(isAbortError);
    expect(state.terminated).toBe(true);
  });

  it('an error in the worker becomes a real Error here', async () => {
    const { worker } = standIn('fail');
    await expect(analyzeTextsInWorker(input(), { spawn: () => worker })).rejects.toMatchObject({ name: 'RangeError', message: 'bad texts' });
  });
});
