/** runWorkerJob with a request that is still being made (a promise): the worker starts at once, gets the request when it is ready, and a failed request ends the job. */
import { describe, expect, it } from 'vitest';
import { runWorkerJob, type JobResponse, type JobWorker } from '../../src/lib/worker-job.ts';

type Req = { id: number; bytes: Uint8Array };

function standIn() {
  const state = { spawned: 0, terminated: false, received: null as Req | null };
  const worker: JobWorker<Req, never, number> = {
    onmessage: null,
    onerror: null,
    terminate: () => {
      state.terminated = true;
    },
    postMessage(message, transfer) {
      const m = structuredClone(message, { transfer: transfer ?? [] });
      state.received = m;
      setTimeout(() => {
        if (!state.terminated) worker.onmessage?.({ data: { type: 'done', id: m.id, result: m.bytes.length } satisfies JobResponse<never, number> } as MessageEvent<JobResponse<never, number>>);
      }, 0);
    },
  };
  return { worker, state };
}

describe('runWorkerJob with a request promise', () => {
  it('starts the worker before the request is ready, then moves its bytes', async () => {
    const { worker, state } = standIn();
    let release!: (b: Uint8Array) => void;
    const bytes = new Promise<Uint8Array>((r) => (release = r));
    const job = runWorkerJob<Req, never, number>({
      spawn: () => (state.spawned++, worker),
      name: 'Test worker',
      request: async (id) => ({ id, bytes: await bytes }),
      transfer: (m) => [m.bytes.buffer as ArrayBuffer],
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(state.spawned).toBe(1);
    expect(state.received).toBeNull();
    const b = new Uint8Array(1000);
    release(b);
    expect(await job).toBe(1000);
    // Moved, not copied: the caller's buffer is detached.
    expect(b.byteLength).toBe(0);
    expect(state.terminated).toBe(true);
  });

  it('a request that fails ends the job with its error and the worker', async () => {
    const { worker, state } = standIn();
    const job = runWorkerJob<Req, never, number>({
      spawn: () => worker,
      name: 'Test worker',
      request: async () => {
        throw new Error('Binder Error: no such column');
      },
    });
    await expect(job).rejects.toThrow(/no such column/);
    expect(state.terminated).toBe(true);
    expect(state.received).toBeNull();
  });

  it('a cancel while the request is being made posts nothing', async () => {
    const { worker, state } = standIn();
    const controller = new AbortController();
    let release!: (b: Uint8Array) => void;
    const job = runWorkerJob<Req, never, number>({
      spawn: () => worker,
      name: 'Test worker',
      signal: controller.signal,
      request: async (id) => ({ id, bytes: await new Promise<Uint8Array>((r) => (release = r)) }),
    });
    controller.abort();
    await expect(job).rejects.toThrow(/Cancelled/);
    release(new Uint8Array(3));
    await new Promise((r) => setTimeout(r, 5));
    expect(state.received).toBeNull();
    expect(state.terminated).toBe(true);
  });
});
