/**
 * One-at-a-time work: each task starts when the one before it has settled
 * (resolved or failed), in the order they were queued. Every workspace change
 * goes through one of these, so a file dropped while the demo still loads
 * waits for it instead of racing it.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;

  /** Tasks queued or running. */
  get pending(): number {
    return this.#pending;
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    this.#pending++;
    const next = this.#tail.then(work, work).finally(() => {
      this.#pending--;
    });
    this.#tail = next.catch(() => undefined);
    return next;
  }

  /** Resolves once everything queued so far has settled. */
  idle(): Promise<void> {
    return this.#tail.then(() => undefined);
  }
}
