/**
 * The saved workspace: what it takes to rebuild the user's tables after a
 * reload. Each file the user loaded is kept as its original bytes (OPFS where
 * the browser can write it from the page, IndexedDB otherwise), and one small
 * manifest in IndexedDB says how each was loaded (sheet, encoding, format,
 * table name), which roles its columns play and what the cleaning log said.
 * Restoring replays the loads through `loadFile`, so a restored table is built
 * exactly as the first one was.
 *
 * The manifest is plain JSON with a version; one this code does not know is
 * reported as `unsupported` and left alone, never read or overwritten by
 * accident on start-up.
 */
import type { FileFormat, SourceInfo, TextEncodingName } from '../ingest/index.ts';
import type { LogEntry } from '../ingest/log.ts';
import type { RoleMap, TableInfo, TableKind } from '../ingest/model.ts';
import { createMissingStores, idbRequest, withTransaction, type IdbSchema } from '../lib/idb.ts';

export const MANIFEST_VERSION = 1;

/** Where a file's bytes are kept. */
export type FileStore = 'opfs' | 'idb';

/** How a file was loaded: what `loadFile` resolved, so a replay takes the same path. */
export interface SavedLoad {
  sheet?: string;
  encoding?: TextEncodingName;
  format?: FileFormat;
}

export interface SavedFile {
  /** Key of the bytes in their store. */
  id: string;
  fileName: string;
  /** The DuckDB table it became. */
  table: string;
  size: number;
  store: FileStore;
  options: SavedLoad;
  /** As the user last left them (role overrides included). */
  kind: TableKind;
  roles: RoleMap;
}

export interface Manifest {
  version: typeof MANIFEST_VERSION;
  savedAt: string;
  /** In load order: replaying in this order gives the same table names. */
  files: SavedFile[];
  logs: LogEntry[];
}

export type ManifestRead =
  | { status: 'none' }
  | { status: 'ok'; manifest: Manifest }
  | { status: 'unsupported'; version: unknown }
  | { status: 'corrupt'; reason: string };

// ---------------------------------------------------------------- pure parts

/** The options to replay a load with, from what the load reported. */
export function loadOptions(source: SourceInfo): SavedLoad {
  return {
    format: source.format,
    ...(source.encoding ? { encoding: source.encoding } : {}),
    ...(source.sheet !== undefined ? { sheet: source.sheet } : {}),
  };
}

/**
 * The manifest for the files saved so far, with each table's current kind,
 * roles and (when `sources` has it) how it was last read, so a role override
 * or a re-read with another sheet is what comes back. Files whose table is no
 * longer in the workspace are left out.
 */
export function buildManifest(
  files: readonly SavedFile[],
  tables: readonly TableInfo[],
  logs: readonly LogEntry[],
  sources: Readonly<Record<string, { source: SourceInfo } | undefined>> = {},
  now = new Date(),
): Manifest {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const kept = files.flatMap((f) => {
    const t = byName.get(f.table);
    const source = sources[f.table]?.source;
    return t ? [{ ...f, options: source ? loadOptions(source) : f.options, kind: t.kind, roles: { ...t.roles } }] : [];
  });
  const names = new Set(kept.map((f) => f.table));
  return { version: MANIFEST_VERSION, savedAt: now.toISOString(), files: kept, logs: logs.filter((l) => names.has(l.table)) };
}

export function serializeManifest(m: Manifest): string {
  return JSON.stringify(m);
}

const FORMATS: ReadonlySet<string> = new Set<FileFormat>(['delimited', 'whitespace', 'basket', 'spreadsheet', 'json', 'ndjson', 'parquet']);
const ENCODINGS: ReadonlySet<string> = new Set<TextEncodingName>(['utf-8', 'utf-16le', 'utf-16be', 'gb18030', 'windows-1252']);
const KINDS: ReadonlySet<string> = new Set<TableKind>(['customers', 'orders', 'tickets', 'leads', 'baskets', 'feedback', 'surveys', 'events', 'other']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function savedFile(v: unknown, i: number): SavedFile {
  const bad = (what: string) => new Error(`file ${i + 1}: ${what}`);
  if (!isRecord(v)) throw bad('not an object');
  const { id, fileName, table, size, store, options, kind, roles } = v;
  if (typeof id !== 'string' || id === '') throw bad('no id');
  if (typeof fileName !== 'string' || fileName === '') throw bad('no file name');
  if (typeof table !== 'string' || table === '') throw bad('no table name');
  if (typeof size !== 'number' || !Number.isFinite(size) || size < 0) throw bad('bad size');
  if (store !== 'opfs' && store !== 'idb') throw bad('unknown store');
  if (typeof kind !== 'string' || !KINDS.has(kind)) throw bad('unknown kind');
  if (!isRecord(options)) throw bad('no options');
  if (!isRecord(roles) || !Object.values(roles).every((c) => typeof c === 'string')) throw bad('bad roles');
  const o: SavedLoad = {};
  if (options.format !== undefined) {
    if (typeof options.format !== 'string' || !FORMATS.has(options.format)) throw bad('unknown format');
    o.format = options.format as FileFormat;
  }
  if (options.encoding !== undefined) {
    if (typeof options.encoding !== 'string' || !ENCODINGS.has(options.encoding)) throw bad('unknown encoding');
    o.encoding = options.encoding as TextEncodingName;
  }
  if (options.sheet !== undefined) {
    if (typeof options.sheet !== 'string') throw bad('bad sheet');
    o.sheet = options.sheet;
  }
  return { id, fileName, table, size, store, options: o, kind: kind as TableKind, roles: roles as RoleMap };
}

function logEntry(v: unknown, i: number): LogEntry {
  if (!isRecord(v) || typeof v.rule !== 'string' || typeof v.table !== 'string' || typeof v.rows !== 'number' || !Array.isArray(v.examples)) {
    throw new Error(`log entry ${i + 1}: not a cleaning-log entry`);
  }
  return v as unknown as LogEntry;
}

/** Read a stored manifest: `none` when nothing is stored, `unsupported` for another version, `corrupt` when it does not check out. */
export function parseManifest(text: string | null | undefined): ManifestRead {
  if (text === null || text === undefined || text === '') return { status: 'none' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { status: 'corrupt', reason: `not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  if (!isRecord(raw)) return { status: 'corrupt', reason: 'not an object' };
  if (raw.version !== MANIFEST_VERSION) return { status: 'unsupported', version: raw.version };
  try {
    if (!Array.isArray(raw.files)) throw new Error('no file list');
    if (!Array.isArray(raw.logs)) throw new Error('no cleaning log');
    const files = raw.files.map(savedFile);
    const ids = new Set(files.map((f) => f.id));
    if (ids.size !== files.length) throw new Error('duplicate file ids');
    return {
      status: 'ok',
      manifest: { version: MANIFEST_VERSION, savedAt: typeof raw.savedAt === 'string' ? raw.savedAt : '', files, logs: raw.logs.map(logEntry) },
    };
  } catch (e) {
    return { status: 'corrupt', reason: e instanceof Error ? e.message : String(e) };
  }
}

/** Bytes of the saved files. */
export function savedBytes(files: readonly SavedFile[]): number {
  return files.reduce((sum, f) => sum + f.size, 0);
}

/** A key for a file's bytes: unique enough, and works outside secure contexts (no `crypto.randomUUID`). */
export function newFileId(now = Date.now(), random = Math.random): string {
  return `f${now.toString(36)}${Math.floor(random() * 36 ** 8).toString(36).padStart(8, '0')}`;
}

export function isQuotaError(e: unknown): boolean {
  return e instanceof DOMException ? e.name === 'QuotaExceededError' || e.code === 22 : e instanceof Error && e.name === 'QuotaExceededError';
}

// ---------------------------------------------------------------- browser storage

const META = 'meta';
const FILES = 'files';
const MANIFEST_KEY = 'manifest';
/** The report the user is building (report/doc), beside the manifest: saved with the workspace, forgotten with it. */
const REPORT_KEY = 'report';
/** The user's KPI targets (report/targets-model.ts): saved with the workspace, forgotten with it. */
const TARGETS_KEY = 'targets';
const OPFS_DIR = 'crm-lens-workspace';
const PERSIST_ASKED_KEY = 'crm-lens.persist-asked';

const WORKSPACE_DB: IdbSchema = { name: 'crm-lens', version: 1, upgrade: createMissingStores(META, FILES) };

/** Run `work` over both stores in one transaction and resolve when it has committed. */
function withStores<T>(mode: IDBTransactionMode, work: (meta: IDBObjectStore, files: IDBObjectStore) => Promise<T>): Promise<T> {
  return withTransaction(WORKSPACE_DB, [META, FILES], mode, (tx) => work(tx.objectStore(META), tx.objectStore(FILES)));
}

/** The app's OPFS folder, or null where OPFS is missing, refused (private windows) or cannot be written from the page. */
async function opfsDir(create: boolean): Promise<FileSystemDirectoryHandle | null> {
  if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function') return null;
  try {
    const root = await navigator.storage.getDirectory();
    return await root.getDirectoryHandle(OPFS_DIR, { create });
  } catch {
    return null;
  }
}

function isNotFound(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'NotFoundError';
}

export async function readManifest(): Promise<ManifestRead> {
  const text = await withStores('readonly', (meta) => idbRequest(meta.get(MANIFEST_KEY)));
  if (text !== undefined && typeof text !== 'string') return { status: 'corrupt', reason: 'manifest is not text' };
  return parseManifest(text);
}

/**
 * Store the manifest (or remove it when no file is left), then delete the
 * bytes of files it no longer names, so storage never holds what cannot be restored.
 */
export async function writeManifest(m: Manifest): Promise<void> {
  const keep = new Set(m.files.map((f) => f.id));
  await withStores('readwrite', async (meta, files) => {
    if (m.files.length === 0) meta.delete(MANIFEST_KEY);
    else meta.put(serializeManifest(m), MANIFEST_KEY);
    for (const key of await idbRequest(files.getAllKeys())) if (!keep.has(String(key))) files.delete(key);
  });
  const dir = await opfsDir(false);
  const listable = dir as unknown as { keys?: () => AsyncIterable<string> } | null;
  if (!dir || typeof listable?.keys !== 'function') return;
  const names: string[] = [];
  for await (const name of listable.keys()) names.push(name);
  for (const name of names) if (!keep.has(name)) await dir.removeEntry(name).catch(() => undefined);
}

/** The saved report as its JSON text (parsed and checked by report/doc/model.ts), or null. */
export async function readReportText(): Promise<string | null> {
  const text = await withStores('readonly', (meta) => idbRequest(meta.get(REPORT_KEY)));
  return typeof text === 'string' ? text : null;
}

export async function writeReportText(text: string | null): Promise<void> {
  await withStores('readwrite', async (meta) => {
    if (text === null) meta.delete(REPORT_KEY);
    else meta.put(text, REPORT_KEY);
  });
}

/** The saved targets as JSON text (parsed and checked by report/targets-model.ts), or null. */
export async function readTargetsText(): Promise<string | null> {
  const text = await withStores('readonly', (meta) => idbRequest(meta.get(TARGETS_KEY)));
  return typeof text === 'string' ? text : null;
}

export async function writeTargetsText(text: string | null): Promise<void> {
  await withStores('readwrite', async (meta) => {
    if (text === null) meta.delete(TARGETS_KEY);
    else meta.put(text, TARGETS_KEY);
  });
}

/** Save a file's bytes under `id`; OPFS when the page can write it, IndexedDB otherwise. */
export async function saveFileBytes(id: string, blob: Blob): Promise<FileStore> {
  const dir = await opfsDir(true);
  const handle = dir ? await dir.getFileHandle(id, { create: true }).catch(() => null) : null;
  if (dir && handle && typeof handle.createWritable === 'function') {
    const out = await handle.createWritable();
    try {
      await out.write(blob);
      await out.close();
      return 'opfs';
    } catch (e) {
      await out.abort().catch(() => undefined);
      await dir.removeEntry(id).catch(() => undefined);
      throw e;
    }
  }
  if (dir && handle) await dir.removeEntry(id).catch(() => undefined);
  await withStores('readwrite', async (_meta, files) => {
    files.put(blob, id);
  });
  return 'idb';
}

/** A saved file's bytes, or null when they are gone (storage evicted or cleared by the browser). */
export async function readFileBytes(f: Pick<SavedFile, 'id' | 'store'>): Promise<Blob | null> {
  if (f.store === 'opfs') {
    const dir = await opfsDir(false);
    if (!dir) return null;
    try {
      return await (await dir.getFileHandle(f.id)).getFile();
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }
  const blob = await withStores('readonly', (_meta, files) => idbRequest(files.get(f.id)));
  return blob instanceof Blob ? blob : null;
}

/** Delete the saved workspace: manifest and every file. */
export async function clearSaved(): Promise<void> {
  await withStores('readwrite', async (meta, files) => {
    meta.delete(MANIFEST_KEY);
    meta.delete(REPORT_KEY);
    meta.delete(TARGETS_KEY);
    files.clear();
  });
  if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function') return;
  try {
    await (await navigator.storage.getDirectory()).removeEntry(OPFS_DIR, { recursive: true });
  } catch (e) {
    // Nothing to delete, or OPFS refused (private window): then nothing was saved there either.
    if (!isNotFound(e) && !(e instanceof DOMException && e.name === 'SecurityError')) throw e;
  }
}

export interface StorageEstimate {
  usage: number;
  quota: number;
}

/** What the browser says this origin uses and may use; null where it does not say. */
export async function storageEstimate(): Promise<StorageEstimate | null> {
  if (typeof navigator === 'undefined' || typeof navigator.storage?.estimate !== 'function') return null;
  try {
    const e = await navigator.storage.estimate();
    return typeof e.usage === 'number' && typeof e.quota === 'number' ? { usage: e.usage, quota: e.quota } : null;
  } catch {
    return null;
  }
}

/**
 * Ask once, ever, that the browser keep this origin's storage under pressure
 * (Firefox may show a prompt; Chromium decides by itself). Not awaited by callers.
 */
export async function requestPersistenceOnce(): Promise<void> {
  if (typeof navigator === 'undefined' || typeof navigator.storage?.persist !== 'function') return;
  try {
    if (localStorage.getItem(PERSIST_ASKED_KEY)) return;
    localStorage.setItem(PERSIST_ASKED_KEY, new Date().toISOString());
    if (await navigator.storage.persisted()) return;
    await navigator.storage.persist();
  } catch {
    // Blocked storage or a refused request: the workspace is still saved, only less protected from eviction.
  }
}
