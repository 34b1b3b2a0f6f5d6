/**
 * What the churn worker does with each request, independent of `self` so it can
 * run in-process in tests. Every running train, task or search has an
 * AbortController under its id; a cancel request aborts it and the work stops
 * before its next epoch, tree or task. Data sets loaded for a worker pool stay
 * until unloaded.
 */
import { serializeError } from '../lib/errors.ts';
import type { ChurnRequest, ChurnResponse } from './protocol.ts';
import { SearchControl } from './search.ts';
import { loadDataset, runSearch, runTask, type LoadedDataset } from './tasks.ts';
import { trainChurnModel } from './train.ts';
import { loadValueDataset, runValueTask, type LoadedValueDataset } from './value-tasks.ts';

export function createChurnHandler(post: (message: ChurnResponse) => void, ready: () => Promise<unknown>): (request: ChurnRequest) => void {
  const running = new Map<number, AbortController>();
  const searches = new Map<number, SearchControl>();
  const datasets = new Map<number, LoadedDataset | LoadedValueDataset>();

  /** Runs `work` after the backend is ready; answers with its response or an error, under `id`. */
  const answer = (id: number, work: () => Promise<ChurnResponse>): void => {
    ready()
      .then(work)
      .then(post)
      .catch((e: unknown) => post({ type: 'error', id, error: serializeError(e) }))
      .finally(() => {
        running.delete(id);
        searches.delete(id);
      });
  };

  return (request) => {
    switch (request.type) {
      case 'train': {
        const { id, payload } = request;
        const controller = new AbortController();
        running.set(id, controller);
        answer(id, async () => ({ type: 'result', id, result: await trainChurnModel(payload, (p) => post({ type: 'progress', id, ...p }), controller.signal) }));
        return;
      }
      case 'search': {
        const { id, payload } = request;
        const control = new SearchControl();
        searches.set(id, control);
        answer(id, async () => ({ type: 'searchResult', id, result: await runSearch(payload, { control, onProgress: (progress) => post({ type: 'searchProgress', id, progress }) }) }));
        return;
      }
      case 'load': {
        const { id, payload } = request;
        answer(id, async () => {
          const ds = payload.task === 'regression' ? loadValueDataset(payload) : loadDataset(payload);
          datasets.set(id, ds);
          return { type: 'loaded', id, info: ds.info };
        });
        return;
      }
      case 'task': {
        const { id, datasetId, task } = request;
        const controller = new AbortController();
        running.set(id, controller);
        answer(id, async () => {
          const ds = datasets.get(datasetId);
          if (!ds) throw new Error(`Data set ${datasetId} is not loaded in this worker`);
          const result = 'task' in ds ? await runValueTask(ds, task, controller.signal) : await runTask(ds, task, controller.signal);
          return { type: 'taskResult', id, result };
        });
        return;
      }
      case 'unload':
        datasets.delete(request.id);
        return;
      case 'pause':
        searches.get(request.id)?.pause();
        return;
      case 'resume':
        searches.get(request.id)?.resume();
        return;
      case 'cancel':
        running.get(request.id)?.abort();
        searches.get(request.id)?.cancel();
        return;
      default:
        request satisfies never;
    }
  };
}
