/**
 * Latest-wins bookkeeping for asynchronous answers: each request gets a
 * ticket, and only the newest ticket's answer may land. A request that is
 * superseded, or invalidated (the view went away), is dropped.
 */
export class Latest {
  #current = 0;

  /** A new request; the returned check says whether it is still the newest. */
  begin(): () => boolean {
    const ticket = ++this.#current;
    return () => ticket === this.#current;
  }

  /** Drop every request so far. */
  invalidate(): void {
    this.#current++;
  }
}
