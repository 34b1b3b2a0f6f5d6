/**
 * The one way a page asks the database for something. A query reruns when its
 * key changes (the versions of the tables it reads, its filters and options),
 * and only the latest run's result is kept: an answer that arrives after a
 * newer request, or after the page went away, is dropped. Pages present what
 * `data` holds; they never fetch in an effect of their own.
 */
import { untrack } from 'svelte';
import type { Db } from '../db/types.ts';
import { errorMessage, isAbortError, isOutOfMemoryError } from '../lib/errors.ts';
import { Latest } from '../report/latest.ts';
import { app } from './state.svelte.ts';

export class Query<T> {
  /** The latest result, kept while a newer one is computed. */
  data = $state.raw<T | null>(null);
  /** A run is in flight. */
  loading = $state(false);
  /** The current key has an answer (a result or a failure). */
  done = $state(false);
  error = $state<string | null>(null);
  /** Share done (0–1) while a run reports it; null: running without a measure, or idle. */
  progress = $state<number | null>(null);
  /** The user stopped the latest run: `data` is whatever the run before it left. */
  cancelled = $state(false);

  #key: string | null = $derived.by(() => this.keyOf());
  readonly #latest = new Latest();
  readonly #run: (db: Db, signal: AbortSignal, progress: (fraction: number) => void) => Promise<T>;
  #controller: AbortController | null = null;
  private readonly keyOf: () => string | null;

  /**
   * `key` says when to run again (null: nothing to run, `data` is cleared); it is the only
   * thing the query tracks. `run` reads whatever it needs untracked; its signal aborts when
   * a newer run starts or the page goes away.
   */
  constructor(key: () => string | null, run: (db: Db, signal: AbortSignal, progress: (fraction: number) => void) => Promise<T>, options: { reportErrors?: boolean } = {}) {
    this.keyOf = key;
    this.#run = run;
    $effect(() => {
      const key = this.#key;
      untrack(() => this.#start(key, options.reportErrors ?? true));
      return () => {
        this.#latest.invalidate();
        // Work the runner can stop (a worker computing clusters, say) stops now rather than finishing unseen.
        this.#controller?.abort();
      };
    });
  }

  /** Run again now with the same key (e.g. a button that mines rules afresh). */
  refresh(): void {
    this.#start(this.#key, true);
  }

  /** Stop the run in flight (its worker ends); `data` stays as the previous run left it. */
  cancel(): void {
    if (!this.loading) return;
    this.#latest.invalidate();
    this.#controller?.abort();
    this.loading = false;
    this.done = true;
    this.progress = null;
    this.cancelled = true;
  }

  #start(key: string | null, report: boolean): void {
    const current = this.#latest.begin();
    this.#controller?.abort();
    const controller = (this.#controller = new AbortController());
    if (key === null) {
      this.data = null;
      this.loading = false;
      this.done = true;
      return;
    }
    this.loading = true;
    this.done = false;
    this.error = null;
    this.progress = null;
    this.cancelled = false;
    const progress = (fraction: number): void => {
      if (current()) this.progress = fraction;
    };
    void app
      .db()
      .then((db) => this.#run(db, controller.signal, progress))
      .then(
        (d) => {
          if (current()) this.data = d;
        },
        (e: unknown) => {
          if (!current() || isAbortError(e)) return;
          // DuckDB's own out-of-memory text speaks of temp directories and memory limits an analyst cannot set here.
          this.error = isOutOfMemoryError(e) ? app.t('error.outOfMemory') : errorMessage(e);
          if (report) app.error = this.error;
        },
      )
      .finally(() => {
        if (!current()) return;
        this.loading = false;
        this.done = true;
        this.progress = null;
      });
  }
}
