/** Pure operations on a report document: create, add, reorder, edit, and read one back from JSON with every field checked. */
import { REPORT_FORMAT, REPORT_VERSION, type Cell, type CleaningChange, type DataSource, type Finding, type ItemBody, type ItemText, type NumberKind, type ReportDoc, type ReportItem, type ReportLocale, type ReportMeta, type TableRole } from './types.ts';
import { NUMBER_KINDS } from './numbers.ts';

export function emptyReport(locale: ReportLocale, title: string): ReportDoc {
  return { format: REPORT_FORMAT, version: REPORT_VERSION, meta: { title, author: '', period: '', locale }, summary: '', sources: [], items: [], findings: [], conclusions: '' };
}

let counter = 0;
/** An id unique within a document (and across a session). */
export function newItemId(now = Date.now()): string {
  counter = (counter + 1) % 1_000_000;
  return `i${now.toString(36)}${counter.toString(36)}`;
}

/**
 * A chart option as plain data: functions (formatters) and anything JSON
 * cannot carry are dropped, so the option travels as figures and settings only.
 */
export function plainOption(option: unknown): Record<string, unknown> {
  const json = JSON.stringify(option, (_k, v: unknown) => (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint' ? undefined : v));
  const out: unknown = json === undefined ? {} : JSON.parse(json);
  return isRecord(out) ? out : {};
}

export function addItem(doc: ReportDoc, item: ReportItem): ReportDoc {
  return { ...doc, items: [...doc.items, item] };
}

export function removeItem(doc: ReportDoc, id: string): ReportDoc {
  return { ...doc, items: doc.items.filter((i) => i.id !== id), findings: doc.findings.map((f) => (f.itemId === id ? { ...f, itemId: undefined } : f)) };
}

/** Move an item by `delta` places (−1 up, +1 down), clamped at the ends. */
export function moveItem(doc: ReportDoc, id: string, delta: number): ReportDoc {
  const from = doc.items.findIndex((i) => i.id === id);
  if (from < 0) return doc;
  return moveItemTo(doc, id, Math.max(0, Math.min(doc.items.length - 1, from + delta)));
}

/** Put an item at index `to` (drag and drop). */
export function moveItemTo(doc: ReportDoc, id: string, to: number): ReportDoc {
  const from = doc.items.findIndex((i) => i.id === id);
  if (from < 0 || from === to) return doc;
  const items = [...doc.items];
  const [item] = items.splice(from, 1);
  items.splice(Math.max(0, Math.min(items.length, to)), 0, item as ReportItem);
  return { ...doc, items };
}

/** A title the user types stays in every language (and is no longer replaced by the item's own in another one). */
export function updateItem(doc: ReportDoc, id: string, patch: Partial<Pick<ReportItem, 'title' | 'note'>>): ReportDoc {
  return { ...doc, items: doc.items.map((i) => (i.id === id ? { ...i, ...patch, ...(patch.title !== undefined && patch.title !== itemIn(i, doc.meta.locale).title ? { titleEdited: true } : {}) } : i)) };
}

/**
 * The item as it reads in `locale`: its title, page, filters and body in that
 * language when it was added with them (a title the user wrote stays as written);
 * otherwise as it was added.
 */
export function itemIn(item: ReportItem, locale: ReportLocale): ReportItem {
  const text = item.texts?.[locale];
  if (!text) return item;
  return { ...item, title: item.titleEdited || text.title === undefined ? item.title : text.title, source: text.source, filters: text.filters, ...(text.definition !== undefined ? { definition: text.definition } : {}), body: text.body ?? item.body };
}

export function updateMeta(doc: ReportDoc, patch: Partial<ReportMeta>): ReportDoc {
  return { ...doc, meta: { ...doc.meta, ...patch } };
}

export function updateFinding(doc: ReportDoc, id: string, patch: Partial<Pick<Finding, 'text' | 'kept'>>): ReportDoc {
  return { ...doc, findings: doc.findings.map((f) => (f.id === id ? { ...f, ...patch, ...(patch.text !== undefined && patch.text !== f.text ? { edited: true } : {}) } : f)) };
}

/** New findings replace the old (in the report's language now), but a finding the user edited or dropped keeps what they did. */
export function mergeFindings(old: readonly Finding[], found: readonly Finding[]): Finding[] {
  const byId = new Map(old.map((f) => [f.id, f]));
  return [...found]
    .sort((a, b) => b.weight - a.weight)
    .map((f) => {
      const was = byId.get(f.id);
      return was ? { ...f, kept: was.kept, ...(was.edited ? { text: was.text, edited: true } : {}) } : f;
    });
}

// ---------------------------------------------------------------- reading a report file

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const MAX_TEXT = 20_000;
const MAX_ITEMS = 500;
const MAX_ROWS = 5_000;

class Invalid extends Error {}

function text(v: unknown, where: string, max = MAX_TEXT): string {
  if (typeof v !== 'string') throw new Invalid(`${where}: not text`);
  if (v.length > max) throw new Invalid(`${where}: longer than ${max} characters`);
  return v;
}

function list<T>(v: unknown, where: string, each: (x: unknown, i: number) => T, max = MAX_ITEMS): T[] {
  if (!Array.isArray(v)) throw new Invalid(`${where}: not a list`);
  if (v.length > max) throw new Invalid(`${where}: more than ${max} entries`);
  return v.map(each);
}

function cell(v: unknown, where: string): Cell {
  if (v === null || typeof v === 'string') return v === null ? null : text(v, where);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new Invalid(`${where}: not a table cell`);
}

/** Option trees: plain JSON only (objects, lists, text, finite numbers, booleans, null), bounded in depth. */
function jsonValue(v: unknown, where: string, depth = 0): unknown {
  if (depth > 12) throw new Invalid(`${where}: nested too deep`);
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Invalid(`${where}: not a finite number`);
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => jsonValue(x, `${where}[${i}]`, depth + 1));
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonValue(x, `${where}.${k}`, depth + 1)]));
  throw new Invalid(`${where}: not JSON data`);
}

const TABLE_ROLES: readonly TableRole[] = ['rfmTiers', 'valueTiers', 'clusters', 'rules', 'churnScores', 'churnDrivers', 'churnTiers'];

function kind(v: unknown, where: string): NumberKind {
  if (typeof v === 'string' && (NUMBER_KINDS as readonly string[]).includes(v)) return v as NumberKind;
  throw new Invalid(`${where}: unknown number format`);
}

function body(v: unknown, where: string): ItemBody {
  if (!isRecord(v)) throw new Invalid(`${where}: no body`);
  if (v.kind === 'chart') {
    const option = jsonValue(v.option, `${where}.option`);
    if (!isRecord(option)) throw new Invalid(`${where}.option: not an object`);
    return { kind: 'chart', option, description: text(v.description, `${where}.description`) };
  }
  if (v.kind === 'kpi') {
    let number: { n: number; format: NumberKind } | undefined;
    if (v.number !== undefined) {
      const n = isRecord(v.number) ? v.number : {};
      if (typeof n.n !== 'number' || !Number.isFinite(n.n)) throw new Invalid(`${where}.number: not a finite number`);
      number = { n: n.n, format: kind(n.format, `${where}.number.format`) };
    }
    return { kind: 'kpi', value: text(v.value, `${where}.value`, 200), ...(number ? { number } : {}), ...(v.hint !== undefined ? { hint: text(v.hint, `${where}.hint`) } : {}) };
  }
  if (v.kind === 'table') {
    const columns = list(v.columns, `${where}.columns`, (c, i) => text(c, `${where}.columns[${i}]`, 500));
    const rows = list(v.rows, `${where}.rows`, (r, i) => list(r, `${where}.rows[${i}]`, (c, j) => cell(c, `${where}.rows[${i}][${j}]`), columns.length), MAX_ROWS);
    const idColumn = v.idColumn;
    if (idColumn !== undefined && (typeof idColumn !== 'number' || !Number.isInteger(idColumn) || idColumn < 0 || idColumn >= columns.length)) throw new Invalid(`${where}.idColumn: not a column`);
    const formats = v.formats === undefined ? undefined : list(v.formats, `${where}.formats`, (f, i) => (f === null ? null : kind(f, `${where}.formats[${i}]`)), columns.length);
    if (v.role !== undefined && !(typeof v.role === 'string' && (TABLE_ROLES as readonly string[]).includes(v.role))) throw new Invalid(`${where}.role: unknown table role`);
    const role = v.role as TableRole | undefined;
    return { kind: 'table', columns, rows, ...(formats ? { formats } : {}), ...(role ? { role } : {}), ...(v.customerLevel === true ? { customerLevel: true } : {}), ...(idColumn !== undefined ? { idColumn } : {}) };
  }
  throw new Invalid(`${where}: unknown kind`);
}

/** An item's words in another language: a body of the same kind as the item's own. */
function itemText(v: unknown, where: string, kindOf: ItemBody['kind']): ItemText {
  if (!isRecord(v)) throw new Invalid(`${where}: not an object`);
  const b = v.body === undefined ? undefined : body(v.body, where);
  if (b && b.kind !== kindOf) throw new Invalid(`${where}: a ${b.kind} where the item is a ${kindOf}`);
  return {
    ...(v.title !== undefined ? { title: text(v.title, `${where}.title`, 500) } : {}),
    source: text(v.source, `${where}.source`, 200),
    filters: list(v.filters, `${where}.filters`, (f, j) => text(f, `${where}.filters[${j}]`, 2000), 50),
    ...(v.definition !== undefined ? { definition: text(v.definition, `${where}.definition`) } : {}),
    ...(b ? { body: b } : {}),
  };
}

function texts(v: unknown, where: string, kindOf: ItemBody['kind']): Partial<Record<ReportLocale, ItemText>> {
  if (!isRecord(v)) throw new Invalid(`${where}: not an object`);
  const out: Partial<Record<ReportLocale, ItemText>> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k !== 'en' && k !== 'zh-CN') throw new Invalid(`${where}: unknown language ${JSON.stringify(k.slice(0, 20))}`);
    out[k] = itemText(x, `${where}.${k}`, kindOf);
  }
  return out;
}

function item(v: unknown, i: number): ReportItem {
  const where = `item ${i + 1}`;
  if (!isRecord(v)) throw new Invalid(`${where}: not an object`);
  const b = body(v.body, where);
  return {
    id: text(v.id, `${where}.id`, 100),
    title: text(v.title, `${where}.title`, 500),
    source: text(v.source, `${where}.source`, 200),
    filters: list(v.filters, `${where}.filters`, (f, j) => text(f, `${where}.filters[${j}]`, 2000), 50),
    note: text(v.note ?? '', `${where}.note`),
    ...(v.definition !== undefined ? { definition: text(v.definition, `${where}.definition`) } : {}),
    ...(v.sql !== undefined ? { sql: list(v.sql, `${where}.sql`, (q, j) => text(q, `${where}.sql[${j}]`, 200_000), 20) } : {}),
    body: b,
    ...(v.texts !== undefined ? { texts: texts(v.texts, `${where}.texts`, b.kind) } : {}),
    ...(v.titleEdited === true ? { titleEdited: true } : {}),
  };
}

function finding(v: unknown, i: number): Finding {
  const where = `finding ${i + 1}`;
  if (!isRecord(v)) throw new Invalid(`${where}: not an object`);
  if (typeof v.weight !== 'number' || !Number.isFinite(v.weight)) throw new Invalid(`${where}: no weight`);
  if (typeof v.kept !== 'boolean') throw new Invalid(`${where}: no kept flag`);
  return {
    id: text(v.id, `${where}.id`, 100),
    text: text(v.text, `${where}.text`),
    weight: v.weight,
    kept: v.kept,
    ...(v.itemId !== undefined ? { itemId: text(v.itemId, `${where}.itemId`, 100) } : {}),
    ...(v.edited === true ? { edited: true } : {}),
  };
}

function count(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Invalid(`${where}: not a count`);
  return v;
}

function day(v: unknown, where: string): string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new Invalid(`${where}: not a YYYY-MM-DD date`);
  return v;
}

function source(v: unknown, i: number): DataSource {
  const where = `source ${i + 1}`;
  if (!isRecord(v)) throw new Invalid(`${where}: not an object`);
  if (typeof v.rows !== 'number' || !Number.isInteger(v.rows) || v.rows < 0) throw new Invalid(`${where}: bad row count`);
  return {
    file: text(v.file, `${where}.file`, 1000),
    table: text(v.table, `${where}.table`, 1000),
    rows: v.rows,
    ...(v.rejected !== undefined ? { rejected: count(v.rejected, `${where}.rejected`) } : {}),
    ...(v.dateFrom !== undefined || v.dateTo !== undefined ? { dateFrom: day(v.dateFrom, `${where}.dateFrom`), dateTo: day(v.dateTo, `${where}.dateTo`) } : {}),
    cleaning: list(v.cleaning, `${where}.cleaning`, (c, j) => text(c, `${where}.cleaning[${j}]`, 2000)),
    ...(v.changes !== undefined ? { changes: list(v.changes, `${where}.changes`, (c, j) => change(c, `${where}.changes[${j}]`)) } : {}),
  };
}

function change(v: unknown, where: string): CleaningChange {
  if (!isRecord(v)) throw new Invalid(`${where}: not an object`);
  if (typeof v.rule !== 'string' || !/^[a-z_]{1,60}$/.test(v.rule)) throw new Invalid(`${where}.rule: not a cleaning rule`);
  return { rule: v.rule, ...(v.column !== undefined ? { column: text(v.column, `${where}.column`, 1000) } : {}), rows: count(v.rows, `${where}.rows`) };
}

export type ReportRead = { ok: true; doc: ReportDoc } | { ok: false; reason: string };

/** Read a report file (or the saved report): every field checked, anything unknown dropped. */
export function parseReport(json: string): ReportRead {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    return { ok: false, reason: `not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  try {
    if (!isRecord(raw) || raw.format !== REPORT_FORMAT) throw new Invalid('not a CRM Lens report file');
    if (raw.version !== REPORT_VERSION) throw new Invalid(`report version ${String(raw.version)} is not one this version reads`);
    if (!isRecord(raw.meta)) throw new Invalid('no title, author or period');
    const locale = raw.meta.locale;
    if (locale !== 'en' && locale !== 'zh-CN') throw new Invalid('unknown report language');
    const items = list(raw.items, 'items', item);
    const ids = new Set(items.map((i) => i.id));
    if (ids.size !== items.length) throw new Invalid('two items share an id');
    const doc: ReportDoc = {
      format: REPORT_FORMAT,
      version: REPORT_VERSION,
      meta: { title: text(raw.meta.title, 'title', 500), author: text(raw.meta.author, 'author', 500), period: text(raw.meta.period, 'period', 500), locale },
      summary: text(raw.summary ?? '', 'summary'),
      sources: list(raw.sources ?? [], 'sources', source),
      items,
      findings: list(raw.findings ?? [], 'findings', finding),
      conclusions: text(raw.conclusions ?? '', 'conclusions'),
    };
    return { ok: true, doc };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, reason: e.message };
    throw e;
  }
}

export function serializeReport(doc: ReportDoc): string {
  return JSON.stringify(doc, null, 1);
}
