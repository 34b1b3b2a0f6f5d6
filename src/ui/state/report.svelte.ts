/**
 * The report being built: one document (report/doc) in $state.raw, changed
 * only through the pure operations of report/doc/model.ts, and saved beside
 * the workspace manifest after each change (restored on the next visit).
 */
import { addItem, emptyReport, mergeFindings, moveItem, moveItemTo, newItemId, parseReport, plainOption, removeItem, serializeReport, updateFinding, updateItem, updateMeta } from '../../report/doc/model.ts';
import { describeChart } from '../../report/doc/describe.ts';
import { readReportText, writeReportText } from '../../report/persist.ts';
import type { Cell, DataSource, Finding, ItemBody, ItemText, NumberKind, ReportDoc, ReportItem, ReportLocale, ReportMeta, TableRole } from '../../report/doc/types.ts';
import { LOCALES } from '../../i18n/index.ts';
import { errorMessage } from '../../lib/errors.ts';

/** Where an item is added from: the page's name and the filters in effect there. */
export interface ItemContext {
  source: string;
  filters: string[];
  locale: ReportLocale;
  /** The measure's definition and SQL, from the enclosing measure panel. */
  definition?: string;
  sql?: string[];
  /** The workspace's tables now: the report's data-sources section keeps every table an item came from. */
  sources: DataSource[];
  /** The page's name and the filters in each report language. */
  texts: Record<ReportLocale, { source: string; filters: string[] }>;
  /** The measure's definition in each report language, when it is one known message. */
  definitions?: Record<ReportLocale, string> | null;
}

/**
 * The item as it reads in another report language, made by the component that
 * adds it from the same data (its title, and the chart option, KPI hint or table
 * with that language's labels); absent where a component cannot remake it.
 */
export type InLocale<T> = ((locale: ReportLocale) => T) | undefined;

/** Sources so far plus the workspace's current ones (a table by the same name and file is listed once, as it is now). */
function mergeSources(old: readonly DataSource[], now: readonly DataSource[]): DataSource[] {
  const key = (s: DataSource) => `${s.table}\u0000${s.file}`;
  const fresh = new Set(now.map(key));
  return [...old.filter((s) => !fresh.has(key(s))), ...now];
}

/** A table as added: numbers as numbers, each numeric column with its format kind. */
export interface ReportTable {
  columns: string[];
  rows: Cell[][];
  formats?: (NumberKind | null)[];
  role?: TableRole;
}

const SAVE_DELAY_MS = 250;

export class ReportState {
  doc = $state.raw<ReportDoc>(emptyReport('en', ''));
  /** Why the report could not be saved or restored, when that happened. */
  problem = $state<string | null>(null);
  #touched = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #writing: Promise<void> = Promise.resolve();

  constructor(locale: ReportLocale) {
    this.doc = emptyReport(locale, '');
  }

  /** Read the saved report; a change the user made meanwhile wins. */
  async restore(): Promise<void> {
    if (typeof indexedDB === 'undefined') return;
    try {
      const text = await readReportText();
      if (text === null || this.#touched) return;
      const read = parseReport(text);
      if (read.ok) this.doc = read.doc;
      else this.problem = read.reason;
    } catch (e) {
      this.problem = errorMessage(e);
    }
  }

  /** Resolves once every change so far is in storage. */
  async flush(): Promise<void> {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
      this.#write();
    }
    await this.#writing;
  }

  set(doc: ReportDoc): void {
    this.#touched = true;
    this.doc = doc;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#write();
    }, SAVE_DELAY_MS);
  }

  #write(): void {
    const text = serializeReport(this.doc);
    this.#writing = this.#writing
      .then(() => writeReportText(text))
      .then(() => {
        this.problem = null;
      })
      .catch((e: unknown) => {
        this.problem = errorMessage(e);
      });
  }

  /** `other`: the title and body in another report language (page name and filters come from `ctx`). */
  #add(title: string, ctx: ItemContext, body: ItemBody, other?: InLocale<{ title: string; body: ItemBody }>): number {
    const measure = { ...(ctx.definition ? { definition: ctx.definition } : {}), ...(ctx.sql?.length ? { sql: ctx.sql } : {}) };
    const texts: Partial<Record<ReportLocale, ItemText>> = {};
    for (const locale of LOCALES) {
      if (locale === ctx.locale) continue;
      const definition = ctx.definition ? ctx.definitions?.[locale] : undefined;
      texts[locale] = { ...ctx.texts[locale], ...other?.(locale), ...(definition ? { definition } : {}) };
    }
    const doc = addItem(this.doc, { id: newItemId(), title, source: ctx.source, filters: ctx.filters, note: '', ...measure, body, texts });
    this.set({ ...doc, sources: mergeSources(doc.sources, ctx.sources) });
    return this.doc.items.length;
  }

  /** Newer figures for the data sources (date ranges arrive after the item that brought them). */
  refreshSources(now: readonly DataSource[]): void {
    this.set({ ...this.doc, sources: mergeSources(this.doc.sources, now) });
  }

  addChart(title: string, option: unknown, ctx: ItemContext, other?: InLocale<{ title: string; option: unknown }>): number {
    const chart = (title: string, option: unknown, locale: ReportLocale): ItemBody => {
      const plain = plainOption(option);
      return { kind: 'chart', option: plain, description: describeChart(plain, title, locale) };
    };
    return this.#add(title, ctx, chart(title, option, ctx.locale), other && ((locale) => {
      const o = other(locale);
      return { title: o.title, body: chart(o.title, o.option, locale) };
    }));
  }

  /** `number`: the value itself, written out in the report's language (`value` is what the card showed). */
  addKpi(
    title: string,
    value: string,
    hint: string | undefined,
    ctx: ItemContext,
    number?: { n: number; format: NumberKind },
    other?: InLocale<{ title: string; hint?: string | undefined; value?: string | undefined }>,
  ): number {
    const kpi = (hint: string | undefined, value: string): ItemBody => ({ kind: 'kpi', value, ...(number && Number.isFinite(number.n) ? { number } : {}), ...(hint ? { hint } : {}) });
    return this.#add(title, ctx, kpi(hint, value), other && ((locale) => {
      const o = other(locale);
      // A value in words (a stage, a tier) comes in the report's language too; a number is written out from `number`.
      return { title: o.title, body: kpi(o.hint, o.value ?? value) };
    }));
  }

  addTable(title: string, table: ReportTable, ctx: ItemContext, customer?: { idColumn: number }, other?: InLocale<{ title: string; table: ReportTable }>): number {
    const body = ({ columns, rows, formats, role }: ReportTable): ItemBody => ({ kind: 'table', columns, rows, ...(formats ? { formats } : {}), ...(role ? { role } : {}), ...(customer ? { customerLevel: true, idColumn: customer.idColumn } : {}) });
    return this.#add(title, ctx, body(table), other && ((locale) => {
      const o = other(locale);
      return { title: o.title, body: body(o.table) };
    }));
  }

  has(title: string): boolean {
    return this.doc.items.some((i) => i.title === title);
  }

  move(id: string, delta: number): void {
    this.set(moveItem(this.doc, id, delta));
  }
  moveTo(id: string, to: number): void {
    this.set(moveItemTo(this.doc, id, to));
  }
  remove(id: string): void {
    this.set(removeItem(this.doc, id));
  }
  edit(id: string, patch: Partial<Pick<ReportItem, 'title' | 'note'>>): void {
    this.set(updateItem(this.doc, id, patch));
  }
  meta(patch: Partial<ReportMeta>): void {
    this.set(updateMeta(this.doc, patch));
  }
  text(patch: Partial<Pick<ReportDoc, 'summary' | 'conclusions'>>): void {
    this.set({ ...this.doc, ...patch });
  }
  finding(id: string, patch: { text?: string; kept?: boolean }): void {
    this.set(updateFinding(this.doc, id, patch));
  }
  /** Findings found again: ones the user edited or dropped keep what they did. */
  findings(found: readonly Finding[]): void {
    this.set({ ...this.doc, findings: mergeFindings(this.doc.findings, found) });
  }
  clear(): void {
    this.set(emptyReport(this.doc.meta.locale, ''));
  }
}
