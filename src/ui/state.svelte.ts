/**
 * App state: a few small classes with $state fields (svelte.dev style).
 * Large query results are held in $state.raw so Svelte does not proxy them.
 */
import { getBrowserDb } from '../db/browser.ts';
import type { Db } from '../db/types.ts';
import type { TableInfo } from '../ingest/model.ts';
import type { LogEntry } from '../ingest/log.ts';
import { loadDelimited } from '../ingest/load.ts';
import { loadFile } from '../ingest/index.ts';
import type { LoadResult } from '../ingest/result.ts';
import { describeIngestError } from './ingest-errors.ts';
import { demoWorkspace } from '../lib/gen/generate.ts';
import { errorMessage, isAbortError } from '../lib/errors.ts';
import { formatBytes, formatInt, isLocale, preferredLocale, translate, type Locale, type MessageKey, type Params } from '../i18n/index.ts';
import { ident } from '../lib/sql.ts';
import type { Filters } from '../metrics/filters.ts';
import { CUSTOMER_FEATURES_VIEW, customerFeaturesSql } from '../metrics/customer-features.ts';

export type Page = 'overview' | 'analytics' | 'data' | 'churn' | 'sql';
export const PAGES: readonly Page[] = ['overview', 'analytics', 'churn', 'data', 'sql'];

export interface Task {
  label: string;
  /** 0–1, or null while the amount of work is unknown. */
  progress: number | null;
  cancel?: () => void;
}

const LOCALE_KEY = 'crm-lens.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(LOCALE_KEY);
    if (isLocale(saved)) return saved;
  } catch {
    // Storage can be blocked (private mode, sandboxed frame): fall back to the browser's languages.
  }
  return preferredLocale(typeof navigator === 'undefined' ? [] : navigator.languages);
}

export const DERIVED_SOURCE = 'derived:customers+orders+tickets';

export function isDerived(t: TableInfo): boolean {
  return t.source === DERIVED_SOURCE;
}

export class AppState {
  locale = $state<Locale>(initialLocale());
  page = $state<Page>('overview');
  tables = $state.raw<TableInfo[]>([]);
  logs = $state.raw<LogEntry[]>([]);
  /** Per table: where it came from (format, sheet, encoding) and the rows that could not be read. */
  loads = $state.raw<Record<string, Pick<LoadResult, 'rejected' | 'rejectedTotal' | 'source'>>>({});
  task = $state<Task | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  isDemo = $state(false);
  /** Bumped whenever the workspace changes, so views re-query. */
  version = $state(0);
  /** Global filters of the analytics page (date range, segment, region, channel, category). */
  filters = $state<Filters>({});

  #db: Promise<Db> | null = null;

  t = (key: MessageKey, params?: Params): string => translate(this.locale, key, params);

  setLocale(locale: Locale): void {
    this.locale = locale;
    document.documentElement.lang = locale;
    try {
      localStorage.setItem(LOCALE_KEY, locale);
    } catch {
      // Not remembered when storage is blocked; the switch still applies now.
    }
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

  async loadDemo(): Promise<void> {
    await this.#run(async () => {
      const db = await this.db();
      this.task = { label: this.t('load.demo'), progress: null };
      await this.#dropAll(db);
      const files = demoWorkspace();
      const tables: TableInfo[] = [];
      const logs: LogEntry[] = [];
      for (const [name, csv] of Object.entries(files)) {
        const res = await loadDelimited(db, { fileName: `demo_${name}.csv`, bytes: new TextEncoder().encode(csv), tableName: `demo_${name}` });
        tables.push({ ...res.table, source: `demo:${name}` });
        logs.push(...res.log);
      }
      this.tables = await this.#withDerived(db, tables);
      this.filters = {};
      this.logs = logs;
      this.isDemo = true;
      this.version++;
    });
  }

  /** Load user files. The first user file replaces the demo workspace. */
  async loadFiles(files: readonly File[]): Promise<void> {
    if (files.length === 0) return;
    await this.#run(async () => {
      const db = await this.db();
      if (this.isDemo) {
        await this.#dropAll(db);
        this.tables = [];
        this.logs = [];
        this.loads = {};
        this.isDemo = false;
      }
      const messages: string[] = [];
      for (const [i, file] of files.entries()) {
        this.task = { label: this.t('load.file', { file: file.name }), progress: files.length > 1 ? i / files.length : null };
        try {
          const bytes = new Uint8Array(await file.arrayBuffer());
          const res = await loadFile(db, { fileName: file.name, bytes, existingTables: this.tables.map((t) => t.name) });
          this.tables = await this.#withDerived(db, [...this.tables.filter((t) => !isDerived(t)), res.table]);
          this.logs = [...this.logs, ...res.log];
          this.loads = { ...this.loads, [res.table.name]: { rejected: res.rejected, rejectedTotal: res.rejectedTotal, source: res.source } };
          messages.push(
            this.t('load.done', { file: file.name, rows: formatInt(this.locale, res.table.rowCount), cols: res.table.columns.length }),
          );
          if (res.rejectedTotal > 0) messages.push(this.t('load.rejected', { file: file.name, count: formatInt(this.locale, res.rejectedTotal) }));
        } catch (e) {
          this.error = this.t('load.failed', { file: file.name, reason: describeIngestError(e, this.t) });
        }
        this.version++;
      }
      if (messages.length) this.notice = messages.join(' ');
    });
  }

  async clear(): Promise<void> {
    await this.#run(async () => {
      const db = await this.db();
      await this.#dropAll(db);
      this.tables = [];
      this.logs = [];
      this.loads = {};
      this.filters = {};
      this.isDemo = false;
      this.version++;
    });
  }

  async #dropAll(db: Db): Promise<void> {
    for (const t of this.tables) await db.exec(`DROP ${isDerived(t) ? 'VIEW' : 'TABLE'} IF EXISTS ${ident(t.name)}`);
  }

  /** Add (or refresh) the per-customer behaviour view when customers and orders are both loaded. */
  async #withDerived(db: Db, tables: TableInfo[]): Promise<TableInfo[]> {
    const base = tables.filter((t) => !isDerived(t));
    const sql = customerFeaturesSql(base);
    if (!sql) {
      await db.exec(`DROP VIEW IF EXISTS ${ident(CUSTOMER_FEATURES_VIEW)}`);
      return base;
    }
    await db.exec(`CREATE OR REPLACE VIEW ${ident(CUSTOMER_FEATURES_VIEW)} AS ${sql}`);
    const described = await db.query(`DESCRIBE ${ident(CUSTOMER_FEATURES_VIEW)}`);
    const count = await db.query(`SELECT count(*) AS n FROM ${ident(CUSTOMER_FEATURES_VIEW)}`);
    const customers = base.find((t) => t.kind === 'customers');
    const derived: TableInfo = {
      name: CUSTOMER_FEATURES_VIEW,
      source: DERIVED_SOURCE,
      kind: 'other',
      rowCount: Number(count.rows[0]?.n ?? 0),
      columns: described.rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) })),
      roles: {
        ...(customers?.roles.customer_id ? { customer_id: customers.roles.customer_id } : {}),
        ...(customers?.roles.churn ? { churn: customers.roles.churn } : {}),
        ...(customers?.roles.name ? { name: customers.roles.name } : {}),
      },
    };
    return [...base, derived];
  }

  async #run(work: () => Promise<void>): Promise<void> {
    this.error = null;
    this.notice = null;
    try {
      await work();
    } catch (e) {
      if (!isAbortError(e)) this.error = errorMessage(e);
    } finally {
      this.task = null;
    }
  }
}

export const app = new AppState();
