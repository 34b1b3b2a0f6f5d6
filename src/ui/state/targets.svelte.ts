/**
 * The user's KPI targets: one document (report/targets-model.ts) in
 * $state.raw, saved beside the workspace manifest after each change and read
 * back once on the first visit to the panel (a change made meanwhile wins).
 */
import { emptyTargets, parseTargets, serializeTargets, type TargetsDoc } from '../../report/targets-model.ts';
import { readTargetsText, writeTargetsText } from '../../report/persist.ts';
import { errorMessage } from '../../lib/errors.ts';

const SAVE_DELAY_MS = 250;

export class TargetsState {
  doc = $state.raw<TargetsDoc>(emptyTargets());
  /** Why targets could not be saved or read back, when that happened. */
  problem = $state<string | null>(null);
  /** The stored targets have been read (or there were none). */
  restored = $state(false);
  #touched = false;
  #restoring: Promise<void> | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #writing: Promise<void> = Promise.resolve();

  restore(): Promise<void> {
    this.#restoring ??= (async () => {
      try {
        if (typeof indexedDB === 'undefined') return;
        const text = await readTargetsText();
        if (text === null || this.#touched) return;
        const read = parseTargets(text);
        if (read.ok) this.doc = read.doc;
        else this.problem = read.reason;
      } catch (e) {
        this.problem = errorMessage(e);
      } finally {
        this.restored = true;
      }
    })();
    return this.#restoring;
  }

  set(doc: TargetsDoc): void {
    this.#touched = true;
    this.doc = doc;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      const text = doc.entries.length ? serializeTargets(doc) : null;
      this.#writing = this.#writing
        .then(() => writeTargetsText(text))
        .then(() => {
          this.problem = null;
        })
        .catch((e: unknown) => {
          this.problem = errorMessage(e);
        });
    }, SAVE_DELAY_MS);
  }
}

export const targets = new TargetsState();
