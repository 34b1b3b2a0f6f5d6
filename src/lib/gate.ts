/**
 * Work that waits for other work on the same key: `wait(key)` settles once
 * `open(key)` has been called, at once if it was called before. A page uses it
 * to start its background analyses only after its main run on the same
 * workspace has finished, so the two never hold the engine's memory together.
 */
import { abortError } from './errors.ts';

export class Gate {
  readonly #entries = new Map<string, { opened: boolean; promise: Promise<void>; resolve: () => void }>();

  #entry(key: string) {
    let e = this.#entries.get(key);
    if (!e) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      e = { opened: false, promise, resolve };
      this.#entries.set(key, e);
    }
    return e;
  }

  /** Whether `open(key)` has been called (and no other key opened since). */
  isOpen(key: string): boolean {
    return this.#entries.get(key)?.opened ?? false;
  }

  /** Lets every waiter on `key` go on, now and later. */
  open(key: string): void {
    // Keys opened before are not waited on again (a workspace changes, it does not go back): drop them.
    for (const [k, old] of this.#entries) if (old.opened && k !== key) this.#entries.delete(k);
    const e = this.#entry(key);
    e.opened = true;
    e.resolve();
  }

  /** Settles when `key` is open; rejects with an AbortError when `signal` aborts first. */
  wait(key: string, signal?: AbortSignal): Promise<void> {
    const e = this.#entry(key);
    if (e.opened) return Promise.resolve();
    if (!signal) return e.promise;
    if (signal.aborted) return Promise.reject(abortError());
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(abortError());
      signal.addEventListener('abort', onAbort, { once: true });
      void e.promise.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }
}
