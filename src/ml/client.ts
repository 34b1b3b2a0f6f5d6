/**
 * Main-thread side of the churn worker. Workers (and with them TensorFlow.js)
 * are spawned on first use, not on import.
 *
 * Two ways to search:
 *  - `createChurnTrainer().search(…)`: the whole search inside one worker.
 *  - `createSearchPool({ size: 2 }).search(…)`: the coordinator (search.ts)
 *    runs here and deals (configuration, fold) tasks to a pool of workers, each
 *    holding its own copy of the data; results are identical to the one-worker
 *    search because every task carries its seed.
 */
import { abortError, deserializeError } from '../lib/errors.ts';
import type {
  ChurnRequest,
  ChurnResponse,
  ChurnResult,
  DatasetInfo,
  DatasetPayload,
  EpochProgress,
  SearchPayload,
  SearchProgress,
  SearchResult,
  SearchTask,
  TaskResult,
  TrainPayload,
  ValueDatasetInfo,
  ValueDatasetPayload,
  ValueSearchPayload,
  ValueSearchProgress,
  ValueSearchResult,
  ValueScoreResult,
} from './protocol.ts';
import type { ColumnData } from './features.ts';
import { coordinateSearch, SearchControl, type TaskRunner } from './search.ts';
import { coordinateValueSearch } from './value-search.ts';
import type { ValueSpec } from './value-specs.ts';
import ChurnWorker from './worker.ts?worker';

/** The part of a Worker the client uses; tests pass an in-process stand-in. */
export interface WorkerLike {
  postMessage(message: ChurnRequest, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ChurnResponse>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/** A search under way. `result` rejects with an AbortError once cancelled. */
export interface SearchRun<R = SearchResult> {
  result: Promise<R>;
  /** Finish the fits running now, then wait. */
  pause(): void;
  resume(): void;
  /** Reject `result` at once and stop the workers' current fits. */
  cancel(): void;
}

export interface ChurnTrainer {
  /**
   * Train on the worker; `onProgress` is called once per epoch. Rejects with an AbortError if cancelled.
   * `transfer`: hand the columns' Float64Array buffers to the worker instead of copying them; the caller's columns are empty afterwards.
   */
  train(payload: TrainPayload, onProgress?: (progress: EpochProgress) => void, signal?: AbortSignal, options?: { transfer?: boolean }): Promise<ChurnResult>;
  /** Grid search × cross-validation inside this trainer's worker. */
  search(payload: SearchPayload, onProgress?: (progress: SearchProgress) => void, signal?: AbortSignal): SearchRun;
  /** Cancel every running train and search: each promise rejects with an AbortError at once; the worker stops before its next epoch. */
  cancel(): void;
  /** Cancel everything and end the worker. */
  dispose(): void;
}

interface Pending {
  /** Handles a response for this id; returns true when the request is finished. */
  onMessage(message: ChurnResponse): boolean;
  reject(error: Error): void;
}

/** One worker, spawned on first send, with the requests waiting on it. */
class Connection {
  #worker: WorkerLike | undefined;
  readonly #pending = new Map<number, Pending>();

  constructor(private readonly spawn: () => WorkerLike) {}

  get pendingIds(): number[] {
    return [...this.#pending.keys()];
  }

  /** Sends a request (spawning the worker if needed) whose responses go to `pending` until it reports it is finished. */
  request(message: ChurnRequest, pending: Pending, transfer: Transferable[] = []): void {
    this.#pending.set(message.id, pending);
    try {
      this.#connect().postMessage(message, transfer);
    } catch (e) {
      // e.g. a DataCloneError: the payload cannot be copied to the worker.
      this.settle(message.id)?.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Sends a control message (cancel, pause, unload…) to the worker if it is running; a worker not started has nothing to control. */
  send(message: ChurnRequest): void {
    this.#worker?.postMessage(message);
  }

  /** Stops routing responses for `id` and returns who was waiting. */
  settle(id: number): Pending | undefined {
    const p = this.#pending.get(id);
    this.#pending.delete(id);
    return p;
  }

  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
  }

  #connect(): WorkerLike {
    if (this.#worker) return this.#worker;
    const w = this.spawn();
    w.onmessage = (event) => {
      const message = event.data;
      const p = this.#pending.get(message.id);
      if (p?.onMessage(message)) this.#pending.delete(message.id);
    };
    w.onerror = (event) => {
      // The worker failed outside any request (e.g. its script did not load): nothing pending can finish.
      const error = new Error(`Churn model worker failed: ${event.message || 'unknown error'}`);
      for (const id of this.pendingIds) this.settle(id)?.reject(error);
      w.terminate();
      if (this.#worker === w) this.#worker = undefined;
    };
    this.#worker = w;
    return w;
  }
}

/** Resolves on the response of type `type`, rejects on an error response. */
function awaitResponse<T extends ChurnResponse['type'], R>(type: T, resolve: (message: Extract<ChurnResponse, { type: T }>) => R, reject: (e: Error) => void, then: (value: R) => void): Pending {
  return {
    onMessage(message) {
      if (message.type === type) {
        then(resolve(message as Extract<ChurnResponse, { type: T }>));
        return true;
      }
      if (message.type === 'error') {
        reject(deserializeError(message.error));
        return true;
      }
      return false;
    },
    reject,
  };
}

/** The distinct buffers behind the numeric columns (a buffer listed twice would make postMessage throw). */
export function columnBuffers(columns: readonly ColumnData[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const c of columns) if (c.values instanceof Float64Array && c.values.buffer instanceof ArrayBuffer) buffers.add(c.values.buffer);
  return [...buffers];
}

function splitPayload(payload: SearchPayload): DatasetPayload {
  const { columns, target, exclude, k, seed, maxLevels } = payload;
  return { columns, target, exclude, k, seed, ...(maxLevels ? { maxLevels } : {}) };
}

export function createChurnTrainer(spawn: () => WorkerLike = () => new ChurnWorker()): ChurnTrainer {
  const connection = new Connection(spawn);
  let nextId = 1;
  /** Per running request: what its AbortError says, and how to detach its AbortSignal listener. */
  const active = new Map<number, { what: string; detach: () => void }>();

  function cancelOne(id: number): void {
    const entry = active.get(id);
    active.delete(id);
    entry?.detach();
    const p = connection.settle(id);
    if (!p) return;
    connection.send({ type: 'cancel', id });
    p.reject(abortError(`${entry?.what ?? 'Request'} cancelled`));
  }

  /** Registers a request; the returned function unregisters it once it is settled. */
  function track(id: number, what: string, signal: AbortSignal | undefined): () => void {
    const onAbort = (): void => cancelOne(id);
    signal?.addEventListener('abort', onAbort, { once: true });
    const detach = (): void => signal?.removeEventListener('abort', onAbort);
    active.set(id, { what, detach });
    return () => {
      detach();
      active.delete(id);
    };
  }

  function cancel(): void {
    for (const id of connection.pendingIds) cancelOne(id);
  }

  return {
    train(payload, onProgress, signal, options) {
      if (signal?.aborted) return Promise.reject(abortError('Training cancelled'));
      const id = nextId++;
      const done = track(id, 'Training', signal);
      return new Promise<ChurnResult>((resolve, reject) => {
        const finish = awaitResponse('result', (m) => m.result, (e) => (done(), reject(e)), (r) => (done(), resolve(r)));
        connection.request(
          { type: 'train', id, payload },
          {
            onMessage(message) {
              if (message.type !== 'progress') return finish.onMessage(message);
              const { epoch, epochs, loss } = message;
              onProgress?.({ epoch, epochs, loss });
              return false;
            },
            reject: finish.reject,
          },
          options?.transfer ? columnBuffers(payload.columns) : [],
        );
      });
    },

    search(payload, onProgress, signal) {
      const id = nextId++;
      let done = (): void => {};
      const result = signal?.aborted
        ? Promise.reject(abortError('Search cancelled'))
        : new Promise<SearchResult>((resolve, reject) => {
            done = track(id, 'Search', signal);
            const finish = awaitResponse('searchResult', (m) => m.result, (e) => (done(), reject(e)), (r) => (done(), resolve(r)));
            connection.request(
              { type: 'search', id, payload },
              {
                onMessage(message) {
                  if (message.type !== 'searchProgress') return finish.onMessage(message);
                  onProgress?.(message.progress);
                  return false;
                },
                reject: finish.reject,
              },
            );
          });
      return {
        result,
        pause: () => connection.send({ type: 'pause', id }),
        resume: () => connection.send({ type: 'resume', id }),
        cancel: () => cancelOne(id),
      };
    },

    cancel,
    dispose() {
      cancel();
      connection.terminate();
    },
  };
}

export interface SearchPool {
  /** Grid search × cross-validation with the (configuration, fold) tasks dealt across the pool's workers. */
  search(payload: SearchPayload, onProgress?: (progress: SearchProgress) => void, signal?: AbortSignal): SearchRun;
  /** The value model's grid × k-fold (a numeric target), on the same workers. */
  valueSearch(payload: ValueSearchPayload, onProgress?: (progress: ValueSearchProgress) => void, signal?: AbortSignal): SearchRun<ValueSearchResult>;
  /** The value model `spec` refitted on all of `dataset`'s usable rows, predicting spend for each row of `columns`. */
  valueScore(dataset: ValueDatasetPayload, spec: ValueSpec, seed: number, columns: ColumnData[], signal?: AbortSignal): SearchRun<ValueScoreResult>;
  /** Cancel every search and end the workers. */
  dispose(): void;
}

export interface SearchPoolOptions {
  /** Workers (default 2: one per core on the target machines). */
  size?: number;
  spawn?: () => WorkerLike;
}

export function createSearchPool(options: SearchPoolOptions = {}): SearchPool {
  const size = Math.max(1, options.size ?? 2);
  const spawn = options.spawn ?? (() => new ChurnWorker());
  const connections = Array.from({ length: size }, () => new Connection(spawn));
  const controls = new Set<SearchControl>();
  let nextId = 1;

  /** Sends a request to one worker; rejects (and cancels it there) when `control` is cancelled. */
  function call<T extends ChurnResponse['type'], R>(connection: Connection, message: ChurnRequest, type: T, pick: (m: Extract<ChurnResponse, { type: T }>) => R, control: SearchControl): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (control.cancelled) return reject(abortError('Search cancelled'));
      const onAbort = (): void => {
        if (!connection.settle(message.id)) return;
        connection.send({ type: 'cancel', id: message.id });
        reject(abortError('Search cancelled'));
      };
      control.signal.addEventListener('abort', onAbort, { once: true });
      const detach = (): void => control.signal.removeEventListener('abort', onAbort);
      connection.request(message, awaitResponse(type, pick, (e) => (detach(), reject(e)), (r) => (detach(), resolve(r))));
    });
  }

  /** Loads `dataset` on every worker, runs `coordinate` over them as a task runner, and unloads it whatever happens. */
  function pooled<I, R>(dataset: DatasetPayload | ValueDatasetPayload, signal: AbortSignal | undefined, coordinate: (info: I, runner: TaskRunner, control: SearchControl) => Promise<R>): SearchRun<R> {
    const control = new SearchControl();
    controls.add(control);
    const onAbort = (): void => control.cancel();
    if (signal?.aborted) control.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    const datasetId = nextId++;
    const result = (async (): Promise<R> => {
      try {
        const infos = await Promise.all(connections.map((c) => call(c, { type: 'load', id: datasetId, payload: dataset }, 'loaded', (m) => m.info, control)));
        const runner: TaskRunner = {
          size,
          run: (slot: number, task: SearchTask): Promise<TaskResult> => call(connections[slot]!, { type: 'task', id: nextId++, datasetId, task }, 'taskResult', (m) => m.result, control),
        };
        return await coordinate(infos[0] as I, runner, control);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        controls.delete(control);
        for (const c of connections) {
          try {
            c.send({ type: 'unload', id: datasetId });
          } catch {
            // A worker that cannot take messages any more holds nothing to unload.
          }
        }
      }
    })();
    return { result, pause: () => control.pause(), resume: () => control.resume(), cancel: () => control.cancel() };
  }

  return {
    search(payload, onProgress, signal) {
      // The caller keeps its columns (model cards and drift read them), so each worker gets its own copy: one memcpy per numeric column.
      return pooled<DatasetInfo, SearchResult>(splitPayload(payload), signal, (info, runner, control) => coordinateSearch(info, payload, runner, control, onProgress));
    },
    valueSearch(payload, onProgress, signal) {
      const { grid, ...dataset } = payload;
      return pooled<ValueDatasetInfo, ValueSearchResult>(dataset, signal, (info, runner, control) => coordinateValueSearch(info, { grid, baselineColumns: payload.baselineColumns }, runner, control, onProgress));
    },
    valueScore(dataset, spec, seed, columns, signal) {
      return pooled<ValueDatasetInfo, ValueScoreResult>(dataset, signal, async (_info, runner) => {
        const r = await runner.run(0, { kind: 'scoreValue', spec, seed, columns });
        if (r.kind !== 'scoreValue') throw new Error(`Expected a scoreValue result, got ${r.kind}`);
        return r;
      });
    },
    dispose() {
      for (const control of controls) control.cancel();
      for (const c of connections) c.terminate();
    },
  };
}
