/**
 * App state: a few small $state fields over the Svelte-free workspace
 * (src/report/workspace.ts). The workspace owns the tables and runs every
 * change in one queue; this class mirrors its state for the pages and shows
 * each change's outcome. Large values are held in $state.raw so Svelte does not proxy them.
 */
import { getBrowserDb } from '../db/browser.ts';
import type { Db } from '../db/types.ts';
import type { RoleMap, TableInfo, TableKind } from '../ingest/model.ts';
import type { LogEntry } from '../ingest/log.ts';
import type { TextEncodingName } from '../ingest/decode.ts';
import { describeIngestError } from '../report/ingest-errors.ts';
import { formatBytes, formatInt, translate, type Locale, type MessageKey, type Params } from '../i18n/index.ts';
import type { Filters } from '../metrics/filters.ts';
import type { FillRequest } from '../ingest/fill.ts';
import { Workspace, type Notice, type Outcome, type Task, type WorkspaceState } from '../report/workspace.ts';
import { browserStore } from '../report/saved.ts';
import type { MappingTemplate } from '../report/mapping.ts';
import { LocaleState } from './state/locale.svelte.ts';
import { TemplatesState } from './state/templates.svelte.ts';
import { browserMemoryLimits, confirmLargeFile } from './state/memory.ts';
import { ReportState, type ItemContext } from './state/report.svelte.ts';
import { filterNotes } from '../report/doc/filters.ts';
import { errorMessage } from '../lib/errors.ts';
import { sourcesOf } from '../report/doc/sources.ts';
import { sourceDateRanges, type DateRange } from '../report/source-dates.ts';

export { isDerived, DERIVED_SOURCE } from '../report/materialize.ts';
export type { Task } from '../report/workspace.ts';

export type Page = 'overview' | 'analytics' | 'data' | 'churn' | 'value' | 'voice' | 'report' | 'sql';
export const PAGES: readonly Page[] = ['overview', 'analytics', 'churn', 'value', 'voice', 'report', 'data', 'sql'];

/** e2e hook: milliseconds the demo load pauses with its old tables gone, to drop a file into that gap. */
function demoDelay(): number {
  const v = (globalThis as { __CRM_LENS_DEMO_DELAY_MS__?: unknown }).__CRM_LENS_DEMO_DELAY_MS__;
  return typeof v === 'number' && v > 0 ? v : 0;
}

export class AppState {
  readonly #locale = new LocaleState();
  readonly #templates = new TemplatesState();
  page = $state<Page>('overview');
  task = $state<Task | null>(null);
  error = $state<string | null>(null);
  /** The last notice: text already in words, or messages put in words in the current language when read. */
  #notice = $state<string | Notice[] | null>(null);
  get notice(): string | null {
    const n = this.#notice;
    return n === null || typeof n === 'string' ? n : n.map((m) => this.t(m.key as MessageKey, m.params)).join(' ');
  }
  set notice(text: string | null) {
    this.#notice = text;
  }
  /** The workspace as of its last change (tables, logs, loads, versions); replaced whole on each change. */
  ws = $state.raw<WorkspaceState>({ tables: [], logs: [], loads: {}, isDemo: false, savedFiles: [], version: 0, tableVersions: {}, generation: 0 });
  /** Global filters of the analytics page (date range, segment, region, channel, category). */
  filters = $state<Filters>({});

  /** The report being built (Report page); items come from "Add to report" on any page. */
  readonly report = new ReportState(this.#locale.current);

  #db: Promise<Db> | null = null;

  readonly workspace = new Workspace({
    db: () => this.db(),
    t: (key, params) => this.t(key as MessageKey, params),
    formatInt: (n) => formatInt(this.locale, n),
    formatBytes: (n) => formatBytes(this.locale, n),
    describeError: (e) => describeIngestError(e, this.t),
    templates: () => this.templates,
    task: (task) => (this.task = task),
    changed: (state) => {
      // A new workspace (the demo, a first file, a restore, a clear) starts unfiltered.
      if (state.generation !== this.ws.generation) this.filters = {};
      this.ws = state;
    },
    store: browserStore,
    memoryLimits: browserMemoryLimits,
    confirmLarge: (file, fit) => confirmLargeFile(file, fit, this.locale, this.t),
    demoGap: () => new Promise((resolve) => setTimeout(resolve, demoDelay())),
  });

  get tables(): TableInfo[] {
    return this.ws.tables;
  }
  get logs(): LogEntry[] {
    return this.ws.logs;
  }
  get loads(): WorkspaceState['loads'] {
    return this.ws.loads;
  }
  get isDemo(): boolean {
    return this.ws.isDemo;
  }
  get savedFiles(): WorkspaceState['savedFiles'] {
    return this.ws.savedFiles;
  }
  /** Bumped whenever the workspace changes. */
  get version(): number {
    return this.ws.version;
  }
  /** Table name → the File it was loaded from (to read another sheet or encoding). */
  get files(): ReadonlyMap<string, File> {
    void this.ws.version;
    return this.workspace.files;
  }

  /** A key that changes only when one of these tables changed: for views that read a few tables. */
  versionOf(names: readonly string[]): string {
    return names.map((n) => `${n}@${this.ws.tableVersions[n] ?? 0}`).join('|');
  }

  /** A key that changes only when a table of one of these kinds (or its roles) changed. */
  versionOfKinds(kinds: readonly TableKind[]): string {
    return this.versionOf(this.ws.tables.filter((t) => kinds.includes(t.kind)).map((t) => t.name));
  }

  /** A key that changes whenever any table changed. */
  versionOfAll(): string {
    return this.versionOf(this.ws.tables.map((t) => t.name));
  }

  get locale(): Locale {
    return this.#locale.current;
  }
  t = (key: MessageKey, params?: Params): string => this.#locale.t(key, params);
  setLocale(locale: Locale): void {
    this.#locale.set(locale);
  }

  /** What an item added to the report now says about where it came from. */
  reportContext(): ItemContext {
    const t = (key: string, params?: Params) => this.t(key as MessageKey, params);
    const where = (locale: Locale) => {
      const t = (key: string, params?: Params) => translate(locale, key as MessageKey, params);
      return { source: t(this.page === 'sql' ? 'sql.nav' : `nav.${this.page}`), filters: filterNotes(this.filters, this.page === 'analytics' ? 'all' : 'revenue', t, locale) };
    };
    return {
      ...where(this.locale),
      locale: this.locale,
      sources: sourcesOf(this.tables, this.logs, t, (n) => formatInt(this.locale, n), this.#sourceDates),
      texts: { en: where('en'), 'zh-CN': where('zh-CN') },
    };
  }

  /** Add to the report and say so; then the data sources get each table's date range (a query, so it lands a moment later). */
  added(title: string, count: number): void {
    this.notice = this.t('report.added', { title, n: count });
    void this.#fillSourceDates();
  }

  #sourceDates: Record<string, DateRange> = {};

  async #fillSourceDates(): Promise<void> {
    const [tables, logs, version] = [this.tables, this.logs, this.version];
    try {
      const dates = await sourceDateRanges(await this.db(), tables);
      if (version !== this.version) return;
      this.#sourceDates = dates;
      const t = (key: string, params?: Params) => this.t(key as MessageKey, params);
      this.report.refreshSources(sourcesOf(tables, logs, t, (n) => formatInt(this.locale, n), dates));
    } catch (e) {
      this.report.problem = errorMessage(e);
    }
  }

  /** Role mappings the user saved, applied to later files with the same headers. */
  get templates(): MappingTemplate[] {
    return this.#templates.list;
  }

  /** The database, booted on first use with a progress bar for the ~34 MB engine. */
  db(): Promise<Db> {
    this.#db ??= (async () => {
      this.task = { label: this.t('boot.engineShort'), progress: null };
      try {
        return await getBrowserDb((p) => {
          if (p.bytesTotal > 0) {
            this.task = {
              label: this.t('boot.engine', { loaded: formatBytes(this.locale, p.bytesLoaded), total: formatBytes(this.locale, p.bytesTotal) }),
              progress: p.bytesLoaded / p.bytesTotal,
            };
          }
        });
      } catch (e) {
        this.#db = null;
        throw e;
      } finally {
        this.task = null;
      }
    })();
    return this.#db;
  }

  /** On start-up: the workspace saved in this browser when there is one, else the demo. */
  start(): Promise<void> {
    void this.report.restore();
    return this.#show(this.workspace.start());
  }
  loadDemo(): Promise<void> {
    return this.#show(this.workspace.loadDemo());
  }
  /** Load user files; queued behind any change still running (the demo, a restore). */
  loadFiles(files: readonly File[]): Promise<void> {
    return files.length === 0 ? Promise.resolve() : this.#show(this.workspace.loadFiles(files));
  }
  clear(): Promise<void> {
    return this.#show(this.workspace.clear());
  }
  reloadSheet(tableName: string, sheet: string): Promise<void> {
    return this.#show(this.workspace.reload(tableName, { sheet }));
  }
  reload(tableName: string, options: { sheet?: string; encoding?: TextEncodingName }): Promise<void> {
    return this.#show(this.workspace.reload(tableName, options));
  }
  undoStep(entry: LogEntry): Promise<void> {
    return this.#show(this.workspace.undoStep(entry));
  }
  chooseReading(entry: LogEntry, choice: number): Promise<void> {
    return this.#show(this.workspace.chooseReading(entry, choice));
  }
  fillBlanks(req: FillRequest): Promise<void> {
    return this.#show(this.workspace.fillBlanks(req));
  }
  applyFinding(table: string, entry: LogEntry): Promise<void> {
    return this.#show(this.workspace.applyFinding(table, entry));
  }

  /** The user confirmed or fixed a table's kind and roles; the mapping is kept as a template for files with the same headers. */
  async setRoles(tableName: string, kind: TableKind, roles: RoleMap): Promise<void> {
    const table = this.tables.find((t) => t.name === tableName);
    await this.#show(this.workspace.setRoles(tableName, kind, roles));
    const updated = this.tables.find((t) => t.name === tableName);
    if (!table || !updated || this.error) return;
    this.notice = this.t(this.#templates.remember(updated, table.source) ? 'map.saved' : 'map.notStored', { table: table.source });
  }

  deleteTemplate(headerFingerprint: string): void {
    this.#templates.forget(headerFingerprint);
  }

  /** A change's notices and every error it met, shown once it is done. */
  async #show(change: Promise<Outcome>): Promise<void> {
    const out = await change;
    this.#notice = out.notices.length ? out.notices : null;
    this.error = out.errors.length ? out.errors.join('\n') : null;
  }
}

export const app = new AppState();
