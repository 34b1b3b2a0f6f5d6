/**
 * The Voice page's state: which text table, how many topics, one analysis at a
 * time (read the rows, then the worker: progress, cancel) and its result. The
 * components only present it.
 */
import { errorMessage, isAbortError } from '../../../lib/errors.ts';
import type { MessageKey } from '../../../i18n/index.ts';
import { analyzeTextsInWorker, type TextProgress, type TextResult } from '../../../ml/text/client.ts';
import { loadTextInput, textTables } from '../../../report/voice.ts';
import { app } from '../../state.svelte.ts';

export interface Analysed {
  table: string;
  result: TextResult;
  seconds: number;
}

export class VoiceLab {
  tableName = $state<string | null>(null);
  topics = $state(6);
  /** 0–1 while running; null when idle. */
  progress = $state<number | null>(null);
  stage = $state<string>('');
  message = $state<string | null>(null);
  analysed = $state.raw<Analysed | null>(null);
  #controller: AbortController | null = null;

  readonly tables = $derived(textTables(app.tables));
  readonly table = $derived(this.tables.find((t) => t.name === this.tableName) ?? this.tables[0] ?? null);
  /** The result shown belongs to the table picked (a reloaded table drops it). */
  readonly result = $derived(this.analysed && this.table && this.analysed.table === this.table.name ? this.analysed.result : null);

  async run(): Promise<void> {
    const table = this.table;
    if (!table) return;
    this.#controller?.abort();
    const controller = (this.#controller = new AbortController());
    this.message = null;
    this.progress = 0;
    this.stage = app.t('voice.loading');
    const started = performance.now();
    try {
      const db = await app.db();
      const input = await loadTextInput(db, table, app.tables);
      controller.signal.throwIfAborted();
      const result = await analyzeTextsInWorker(input, {
        signal: controller.signal,
        options: { topics: Math.min(12, Math.max(2, Math.round(this.topics))), seed: 42 },
        onProgress: (p: TextProgress) => {
          if (this.#controller !== controller) return;
          this.progress = p.fraction;
          this.stage = app.t(`voice.stage.${p.stage}` as MessageKey);
        },
      });
      if (this.#controller === controller) this.analysed = { table: table.name, result, seconds: (performance.now() - started) / 1000 };
    } catch (e) {
      if (this.#controller !== controller) return;
      this.message = isAbortError(e) ? app.t('voice.cancelled') : errorMessage(e);
    } finally {
      if (this.#controller === controller) {
        this.progress = null;
        this.#controller = null;
      }
    }
  }

  cancel(): void {
    this.#controller?.abort();
  }
}
