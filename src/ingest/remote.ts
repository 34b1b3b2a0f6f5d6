/**
 * Parquet by URL: a file (or a JSON manifest listing files) on the app's own
 * host or on an origin the deployer allowed at build time (crm-lens.config.json,
 * which also writes the page's CSP `connect-src`, src/lib/csp.ts). Every byte
 * comes through HTTP range requests: the first probe proves the server honours
 * `Range` and that the file starts with Parquet's magic number, the second and
 * third read the footer (schema and where each column chunk lies). The app's
 * role suggester then picks the columns a CRM analysis needs from the names and
 * types alone, and only those column chunks are fetched (or every byte, when
 * the user asks for all columns).
 *
 * The parts come back as `File`s — a fetched subset is rebuilt as a smaller,
 * valid Parquet file of just its columns (parquet-subset.ts) — so they load,
 * clean, map and save exactly like a dropped Parquet file (src/ingest/parquet.ts).
 */

import type { ColumnInfo } from '../db/types.ts';
import { parquetColumnType } from './parquet.ts';
import { footerLayout, subsetParquet, type FooterLayout } from './parquet-subset.ts';
import { suggestRoles } from './roles.ts';

declare const __CRM_LENS_REMOTE_ORIGINS__: string[] | undefined;

export type RemoteErrorCode =
  /** Not an http(s) URL. */
  | 'bad_url'
  /** The origin is neither the app's own nor in the build's allowed list (`params.origin`, `params.allowed`). */
  | 'origin_not_allowed'
  /** The request failed before any answer: the CSP refused it, CORS headers are missing, or the host is unreachable. */
  | 'unreachable'
  /** The server answered with an error status (`params.status`). */
  | 'http_status'
  /** The server ignored `Range` (answered 200 with the whole file, or no Content-Range). */
  | 'no_ranges'
  /** The bytes do not start and end with Parquet's `PAR1`. */
  | 'not_parquet'
  /** The file's size or a range's length changed between requests: it was replaced while being read. */
  | 'changed'
  /** A manifest that is not JSON, or lists no Parquet URLs. */
  | 'bad_manifest';

export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    readonly code: RemoteErrorCode,
    readonly url: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${url}: ${code}${Object.keys(params).length ? ` ${JSON.stringify(params)}` : ''}`);
  }
}

/** The origins this build may fetch besides its own (empty outside a Vite build, e.g. in a plain Node script). */
export function allowedRemoteOrigins(): string[] {
  return typeof __CRM_LENS_REMOTE_ORIGINS__ === 'undefined' ? [] : __CRM_LENS_REMOTE_ORIGINS__;
}

/** The URL, absolute, when its origin is `self` or one of `allowed`; else a `RemoteError`. */
export function checkRemoteUrl(text: string, base: string, allowed: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(text.trim(), base);
  } catch {
    throw new RemoteError('bad_url', text);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RemoteError('bad_url', text);
  const self = new URL(base).origin;
  if (url.origin !== self && !allowed.includes(url.origin)) {
    throw new RemoteError('origin_not_allowed', url.href, { origin: url.origin, allowed: [self, ...allowed].join(', ') });
  }
  return url;
}

export interface RemoteOptions {
  /** The page's URL: relative URLs resolve against it and its origin is always allowed. */
  base: string;
  allowed?: readonly string[];
  fetch?: typeof globalThis.fetch;
  /** Bytes per range request. */
  chunkBytes?: number;
  signal?: AbortSignal;
  onProgress?: (p: { url: string; bytesRead: number; bytesTotal: number }) => void;
}

export interface RemoteParts {
  files: File[];
  /** Bytes received over the network, probes, footers and manifest included. */
  bytesRead: number;
  /** The remote files' full size. */
  bytesTotal: number;
}

const MAGIC = Uint8Array.of(0x50, 0x41, 0x52, 0x31); // PAR1
const DEFAULT_CHUNK = 8 * 1024 * 1024;

const isMagic = (b: Uint8Array): boolean => b.length >= 4 && MAGIC.every((m, i) => b[i] === m);

/** One range request; the body, and the file's total size from Content-Range. */
async function range(url: string, from: number, to: number, o: RemoteOptions): Promise<{ bytes: Uint8Array; total: number }> {
  const fetchFn = o.fetch ?? globalThis.fetch.bind(globalThis);
  let res: Response;
  try {
    res = await fetchFn(url, { headers: { Range: `bytes=${from}-${to}` }, ...(o.signal ? { signal: o.signal } : {}), cache: 'no-store' });
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') throw e;
    throw new RemoteError('unreachable', url, { detail: e instanceof Error ? e.message : String(e) });
  }
  if (res.status === 200) {
    // The whole file is on its way: stop it, a server without ranges is refused rather than read in full.
    await res.body?.cancel().catch(() => undefined);
    throw new RemoteError('no_ranges', url);
  }
  if (res.status !== 206) {
    await res.body?.cancel().catch(() => undefined);
    throw new RemoteError('http_status', url, { status: res.status });
  }
  const total = Number(/\/(\d+)\s*$/.exec(res.headers.get('Content-Range') ?? '')?.[1] ?? NaN);
  if (!Number.isFinite(total)) throw new RemoteError('no_ranges', url);
  return { bytes: new Uint8Array(await res.arrayBuffer()), total };
}

/** A Parquet file on the server: its size, its footer and where each column chunk lies. */
export interface RemoteFile {
  url: string;
  /** The file name the loaded table is named after. */
  name: string;
  size: number;
  /** The footer's Thrift bytes (without the trailing length and PAR1). */
  footer: Uint8Array;
  layout: FooterLayout;
}

/** What a URL holds, read from the files' footers only, and which columns the app's role suggestion wants. */
export interface RemoteInspection {
  files: RemoteFile[];
  /** The first file's top-level columns, in order. */
  columns: string[];
  /** Columns that got a role (customer id, dates, amounts, …): read these unless the user asks for all. Empty when none did. */
  suggested: string[];
  /** Compressed bytes per column name over all files. */
  columnBytes: Record<string, number>;
  /** Sum of the files' sizes. */
  bytesTotal: number;
  /** Bytes received so far: probes, footers, manifest. */
  bytesRead: number;
}

/** Head and tail probes, then the footer: three small range requests. */
async function inspectFile(url: URL, o: RemoteOptions, counter: { bytes: number }): Promise<RemoteFile> {
  const href = url.href;
  const head = await range(href, 0, 3, o);
  counter.bytes += head.bytes.length;
  const total = head.total;
  if (!isMagic(head.bytes) || total < 12) throw new RemoteError('not_parquet', href);
  const tail = await range(href, total - 8, total - 1, o);
  counter.bytes += tail.bytes.length;
  if (tail.total !== total) throw new RemoteError('changed', href);
  if (tail.bytes.length !== 8 || !isMagic(tail.bytes.subarray(4))) throw new RemoteError('not_parquet', href);
  const length = new DataView(tail.bytes.buffer, tail.bytes.byteOffset, 8).getUint32(0, true);
  if (length + 12 > total) throw new RemoteError('not_parquet', href);
  const footer = await range(href, total - 8 - length, total - 9, o);
  counter.bytes += footer.bytes.length;
  if (footer.total !== total || footer.bytes.length !== length) throw new RemoteError('changed', href);
  let layout: FooterLayout;
  try {
    layout = footerLayout(footer.bytes);
  } catch {
    // A footer this code cannot cut (hyparquet may still read it): the file is read whole.
    layout = { columns: null, rowGroups: 0, columnBytes: [], chunks: [], numRows: 0 };
  }
  const name = decodeURIComponent(url.pathname.split('/').pop() || 'remote.parquet');
  return { url: href, name: /\.parquet$/i.test(name) ? name : `${name}.parquet`, size: total, footer: footer.bytes, layout };
}

/** `from..from+length-1` of the file, in requests of at most `chunk` bytes, each checked against the file's size. */
async function fetchSpan(f: RemoteFile, from: number, length: number, o: RemoteOptions, counter: { bytes: number }, progress: () => void): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  const chunk = Math.max(1, o.chunkBytes ?? DEFAULT_CHUNK);
  for (let at = 0; at < length; at += chunk) {
    const end = Math.min(length, at + chunk);
    const part = await range(f.url, from + at, from + end - 1, o);
    if (part.bytes.length !== end - at || part.total !== f.size) throw new RemoteError('changed', f.url);
    out.set(part.bytes, at);
    counter.bytes += part.bytes.length;
    progress();
  }
  return out;
}

/** Column types from the schema, for the role suggester (which then needs no rows). */
async function schemaColumns(f: RemoteFile): Promise<ColumnInfo[]> {
  const { parquetMetadata, parquetSchema } = await import('hyparquet');
  const tail = new Uint8Array(f.footer.length + 8);
  tail.set(f.footer);
  new DataView(tail.buffer).setUint32(f.footer.length, f.footer.length, true);
  tail.set(MAGIC, f.footer.length + 4);
  const top = parquetSchema(parquetMetadata(tail.buffer)).children.map((c) => c.element);
  return top.map((el) => ({ name: el.name, type: parquetColumnType(el) ?? 'VARCHAR' }));
}
/** The Parquet URLs a manifest lists: `["a.parquet", …]` or `{ "files": [...] }`, relative to the manifest. */
export function manifestUrls(text: string, manifestUrl: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RemoteError('bad_manifest', manifestUrl);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { files?: unknown } | null)?.files;
  if (!Array.isArray(list) || list.length === 0 || !list.every((u) => typeof u === 'string' && u.trim() !== '')) throw new RemoteError('bad_manifest', manifestUrl);
  return (list as string[]).map((u) => new URL(u.trim(), manifestUrl).href);
}

/**
 * Read the footers of the Parquet file at `text`, or of every file its
 * manifest (a `.json` URL) lists, and suggest the columns to read. Each URL's
 * origin is checked before any request.
 */
export async function inspectRemoteParquet(text: string, o: RemoteOptions): Promise<RemoteInspection> {
  const allowed = o.allowed ?? allowedRemoteOrigins();
  const url = checkRemoteUrl(text, o.base, allowed);
  const counter = { bytes: 0 };
  let targets = [url];
  if (/\.json$/i.test(url.pathname)) {
    const fetchFn = o.fetch ?? globalThis.fetch.bind(globalThis);
    let res: Response;
    try {
      res = await fetchFn(url.href, { cache: 'no-store', ...(o.signal ? { signal: o.signal } : {}) });
    } catch (e) {
      if (e instanceof Error && e.name === 'AbortError') throw e;
      throw new RemoteError('unreachable', url.href, { detail: e instanceof Error ? e.message : String(e) });
    }
    if (!res.ok) throw new RemoteError('http_status', url.href, { status: res.status });
    const body = await res.text();
    counter.bytes += new TextEncoder().encode(body).length;
    targets = manifestUrls(body, url.href).map((u) => checkRemoteUrl(u, o.base, allowed));
  }
  const files: RemoteFile[] = [];
  for (const t of targets) files.push(await inspectFile(t, o, counter));
  const first = files[0]!;
  let columnInfo: ColumnInfo[];
  try {
    columnInfo = await schemaColumns(first);
  } catch {
    throw new RemoteError('not_parquet', first.url);
  }
  const columns = columnInfo.map((c) => c.name);
  const roles = new Set(Object.values(suggestRoles(columnInfo, []).roles));
  const columnBytes: Record<string, number> = {};
  for (const f of files) f.layout.columns?.forEach((c, i) => (columnBytes[c] = (columnBytes[c] ?? 0) + (f.layout.columnBytes[i] ?? 0)));
  return {
    files,
    columns,
    // A nested schema cannot be cut into columns: then everything is read.
    suggested: first.layout.columns ? columns.filter((c) => roles.has(c)) : [],
    columnBytes,
    bytesTotal: files.reduce((s, f) => s + f.size, 0),
    bytesRead: counter.bytes,
  };
}

/**
 * Fetch the files `inspection` found: with `columns`, only those columns'
 * chunks (each file becomes a smaller, valid Parquet file of just them);
 * with `null`, every byte.
 */
export async function readRemoteParquet(inspection: RemoteInspection, columns: readonly string[] | null, o: RemoteOptions): Promise<RemoteParts> {
  const counter = { bytes: inspection.bytesRead };
  const wanted = columns ? new Set(columns) : null;
  const plans = inspection.files.map((f) => {
    const found = wanted && f.layout.columns ? f.layout.columns.flatMap((c, i) => (wanted.has(c) ? [i] : [])) : [];
    // A manifest's part without any of the chosen columns is read whole rather than as a file of none.
    const keep = found.length > 0 ? found : null;
    return { f, keep, bytes: keep ? f.layout.chunks.filter((c) => keep.includes(c.column)).reduce((s, c) => s + c.length, 0) : f.size };
  });
  const planned = plans.reduce((s, p) => s + p.bytes, 0);
  const start = counter.bytes;
  const progress = (url: string) => (): void => o.onProgress?.({ url, bytesRead: counter.bytes - start, bytesTotal: planned });
  const files: File[] = [];
  for (const { f, keep } of plans) {
    let bytes: Uint8Array;
    if (keep) {
      const got = new Map<string, Uint8Array>();
      for (const c of f.layout.chunks) if (keep.includes(c.column)) got.set(`${c.rowGroup}/${c.column}`, await fetchSpan(f, c.start, c.length, o, counter, progress(f.url)));
      bytes = subsetParquet(f.footer, keep, (g, c) => got.get(`${g}/${c}`)!);
    } else {
      bytes = await fetchSpan(f, 0, f.size, o, counter, progress(f.url));
    }
    files.push(new File([bytes as Uint8Array<ArrayBuffer>], f.name, { type: 'application/vnd.apache.parquet' }));
  }
  return { files, bytesRead: counter.bytes, bytesTotal: inspection.bytesTotal };
}

/** Fetch the Parquet file at `text` (or its manifest's files) in full through range requests. */
export async function fetchRemoteParquet(text: string, o: RemoteOptions): Promise<RemoteParts> {
  return readRemoteParquet(await inspectRemoteParquet(text, o), null, o);
}
