/**
 * Parquet by URL: a file (or a JSON manifest listing files) on the app's own
 * host or on an origin the deployer allowed at build time (crm-lens.config.json,
 * which also writes the page's CSP `connect-src`, src/lib/csp.ts). Every byte
 * comes through HTTP range requests: the first probe proves the server honours
 * `Range` and that the file starts with Parquet's magic number before anything
 * large is fetched, and the file then arrives in bounded chunks.
 *
 * The parts come back as `File`s, so they load, clean, map and save exactly like
 * a dropped Parquet file (src/ingest/parquet.ts).
 */

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
  /** Bytes received over the network, probes included. */
  bytesRead: number;
}

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // PAR1
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

/** One Parquet file, fetched in ranges after probing its head and tail. */
async function fetchParquet(url: URL, o: RemoteOptions, counter: { bytes: number }): Promise<File> {
  const href = url.href;
  const head = await range(href, 0, 3, o);
  counter.bytes += head.bytes.length;
  const total = head.total;
  if (!isMagic(head.bytes) || total < 12) throw new RemoteError('not_parquet', href);
  const tail = await range(href, total - 4, total - 1, o);
  counter.bytes += tail.bytes.length;
  if (!isMagic(tail.bytes)) throw new RemoteError('not_parquet', href);
  const chunk = Math.max(1, o.chunkBytes ?? DEFAULT_CHUNK);
  const out = new Uint8Array(total);
  for (let at = 0; at < total; at += chunk) {
    const end = Math.min(total, at + chunk) - 1;
    const part = await range(href, at, end, o);
    if (part.bytes.length !== end - at + 1 || part.total !== total) throw new RemoteError('changed', href);
    out.set(part.bytes, at);
    counter.bytes += part.bytes.length;
    o.onProgress?.({ url: href, bytesRead: at + part.bytes.length, bytesTotal: total });
  }
  const name = decodeURIComponent(url.pathname.split('/').pop() || 'remote.parquet');
  return new File([out], /\.parquet$/i.test(name) ? name : `${name}.parquet`, { type: 'application/vnd.apache.parquet' });
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
 * Fetch the Parquet file at `text`, or every file its manifest (a `.json` URL)
 * lists. Each URL's origin is checked before any request.
 */
export async function fetchRemoteParquet(text: string, o: RemoteOptions): Promise<RemoteParts> {
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
  const files: File[] = [];
  for (const t of targets) files.push(await fetchParquet(t, o, counter));
  return { files, bytesRead: counter.bytes };
}
