/**
 * DuckDB-WASM in the browser: one AsyncDuckDB in its own worker, booted once,
 * lazily, with every bundle served from the app's own origin (Vite asset URLs).
 *
 * The worker starts from a blob: URL that imports DuckDB's worker script. A
 * worker loaded from its own URL gets that response's CSP (none, on a static
 * host), so DuckDB could fetch any origin; a worker made from a blob: URL
 * inherits this page's policy, whose `connect-src 'self'` then holds inside
 * DuckDB too — a second line behind the SQL console's check (report/console/file-access.ts).
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import coiWasm from '@duckdb/duckdb-wasm/dist/duckdb-coi.wasm?url';
import coiWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.worker.js?url';
import coiThread from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.pthread.worker.js?url';
import type { ColumnsResult, Db, QueryResult } from './types.ts';
import { arrowToColumns, arrowToResult, concatColumns, LOCKED_SETTINGS, OFFLINE_SETTINGS } from './rows.ts';
import { abortError, engineFailure } from '../lib/errors.ts';
import { engineThreads } from './threads.ts';

/**
 * A long result comes as hundreds of record batches, each a message the page answers at once: read
 * back to back, they kept a loaded page from painting for half a second or more (rules' million basket
 * pairs). After a few frames' worth of reading, wait for the next frame to be painted; a hidden tab,
 * which paints none, waits at most a moment.
 */
function pacer(budgetMs = 30): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < budgetMs) return;
    if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && document.visibilityState === 'visible') {
      await new Promise<void>((resolve) => {
        const fallback = setTimeout(resolve, 250);
        requestAnimationFrame(() => setTimeout(() => {
          clearTimeout(fallback);
          resolve();
        }, 0));
      });
    }
    since = performance.now();
  };
}

export interface BootProgress {
  bytesLoaded: number;
  bytesTotal: number;
}

const BUNDLES: duckdb.DuckDBBundles = {
  mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
  eh: { mainModule: ehWasm, mainWorker: ehWorker },
  // Threads: chosen only when the page is cross-origin isolated (the host sends COOP/COEP, README "Threads").
  coi: { mainModule: coiWasm, mainWorker: coiWorker, pthreadWorker: coiThread },
};

let booting: Promise<Db> | null = null;
const listeners = new Set<(p: BootProgress) => void>();

/** The shared database; the first call boots it, later calls get the same one. */
export function getBrowserDb(onProgress?: (p: BootProgress) => void): Promise<Db> {
  if (onProgress) listeners.add(onProgress);
  booting ??= boot().finally(() => listeners.clear());
  return booting;
}

/** A classic worker running `scriptUrl`, started from a blob: URL so that it inherits this page's CSP. */
function workerUnderPageCsp(scriptUrl: string): { worker: Worker; release: () => void } {
  const blobUrl = URL.createObjectURL(new Blob([`importScripts(${JSON.stringify(scriptUrl)});`], { type: 'text/javascript' }));
  return { worker: new Worker(blobUrl), release: () => URL.revokeObjectURL(blobUrl) };
}

async function boot(): Promise<Db> {
  const bundle = await duckdb.selectBundle(BUNDLES);
  // Inside a blob: worker, relative URLs have no base: hand it absolute ones.
  const absolute = (url: string) => new URL(url, document.baseURI).href;
  const { worker, release } = workerUnderPageCsp(absolute(bundle.mainWorker!));
  // The thread workers start from a blob: URL too, so the page's policy holds in them; it stays valid, as threads start on demand.
  const threadScript = bundle.pthreadWorker ? URL.createObjectURL(new Blob([`importScripts(${JSON.stringify(absolute(bundle.pthreadWorker))});`], { type: 'text/javascript' })) : null;
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  try {
    await db.instantiate(absolute(bundle.mainModule), threadScript, (p) => {
      for (const l of listeners) l({ bytesLoaded: p.bytesLoaded, bytesTotal: p.bytesTotal });
    });
  } finally {
    release();
  }
  const threads = engineThreads(threadScript !== null, navigator.hardwareConcurrency, new URLSearchParams(location.search).get('threads'));
  await db.open({ maximumThreads: threads, query: { castBigIntToDouble: true } });
  const conn = await db.connect();
  for (const s of [...OFFLINE_SETTINGS, ...LOCKED_SETTINGS]) await conn.query(s);
  // `exec` runs as a pending query (`send`), which the worker runs in slices, so `cancelSent` can stop it between slices.
  // Between those slices the worker serves other messages: a `query` on the same connection then would replace the
  // connection's pending query and its result, and the next poll or fetch of `exec` dies in the worker with a C++
  // exception that reaches us as an Error without a message (a churn training table created while the Analytics
  // page's queries ran). So statements on `conn` run one at a time, each from start to its last batch.
  let tail: Promise<unknown> = Promise.resolve();
  const onConn = <T>(sql: string, work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work).catch((e: unknown) => {
      throw engineFailure(e, sql);
    });
    tail = run.catch(() => undefined);
    return run;
  };
  // Reads on connections of their own (a whole result, or a stream) run one at a time among themselves: at 10M
  // order lines each can hold a gigabyte of the engine's memory (the baskets' DISTINCT over every line, the
  // customers' features, the lines index), and two side by side ran out of DuckDB-WASM's ~3 GB where each fits
  // alone. Statements on `conn` still run between their batches. A stream holds its turn until it is drained or
  // dropped, so its reader must not wait on another such read inside its loop.
  let bulk: Promise<unknown> = Promise.resolve();
  const bulkTurn = async (): Promise<() => void> => {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const before = bulk;
    bulk = before.then(() => mine);
    await before;
    return release;
  };
  /** A connection of its own, in its turn among such reads; `release` closes it and passes the turn on. */
  const ownConnection = async (): Promise<{ own: duckdb.AsyncDuckDBConnection; release: () => Promise<void> }> => {
    const done = await bulkTurn();
    try {
      const own = await db.connect();
      return { own, release: () => own.close().finally(done) };
    } catch (e) {
      done();
      throw e;
    }
  };
  const onOwn = async <T>(sql: string, work: (own: duckdb.AsyncDuckDBConnection) => Promise<T>): Promise<T> => {
    const { own, release } = await ownConnection();
    try {
      return await work(own);
    } catch (e) {
      throw engineFailure(e, sql);
    } finally {
      await release();
    }
  };
  let running = 0;
  let cancelled = false;
  return {
    query(sql: string): Promise<QueryResult> {
      return onConn(sql, async () => arrowToResult((await conn.query(sql)) as never));
    },
    queryIpc(sql: string): Promise<Uint8Array> {
      return onConn(sql, () => conn.useUnsafe((bindings, id) => bindings.runQuery(id, sql)));
    },
    queryIpcParts(sql: string): Promise<Uint8Array[]> {
      return onOwn(sql, (own) =>
        own.useUnsafe(async (bindings, id) => {
          // As duckdb-wasm's own streaming reader does: poll until the schema comes, then fetch until an empty piece.
          let header = await bindings.startPendingQuery(id, sql, true);
          while (header === null) header = await bindings.pollPendingQuery(id);
          const parts = [header];
          for (;;) {
            const part = await bindings.fetchQueryResults(id);
            if (part === null) continue;
            if (part.length === 0) break;
            parts.push(part);
          }
          return parts;
        }),
      );
    },
    insertArrowIpc(name: string, ipc: Uint8Array): Promise<void> {
      return onConn(`-- Arrow IPC into ${name}`, () => conn.insertArrowFromIPCStream(ipc, { name, create: true }));
    },
    queryColumns(sql: string): Promise<ColumnsResult> {
      // Streamed batch by batch on a connection of its own, so the page paints between batches
      // and a long result never shares a stream with the queries running beside it.
      return onOwn(sql, async (own) => {
        const reader = await own.send(sql);
        const parts: ColumnsResult[] = [];
        const pace = pacer();
        for await (const batch of reader) {
          parts.push(arrowToColumns(batch as never));
          await pace();
        }
        const schema = (reader.schema?.fields ?? []).map((f) => ({ name: f.name, type: f.type.toString() }));
        return concatColumns(parts, schema);
      });
    },
    async *queryBatches(sql: string): AsyncIterable<ColumnsResult> {
      const { own, release } = await ownConnection();
      try {
        const reader = await own.send(sql);
        const pace = pacer();
        for await (const batch of reader) {
          yield arrowToColumns(batch as never);
          await pace();
        }
      } catch (e) {
        throw engineFailure(e, sql);
      } finally {
        await release();
      }
    },
    exec(sql: string): Promise<void> {
      return onConn(sql, async () => {
        const id = ++running;
        try {
          const reader = await conn.send(sql);
          // Drain the (small) result so the connection is free for the next query.
          for await (const batch of reader) void batch;
        } catch (e) {
          // A cancelled pending query fails with "No active pending query" or similar: report it as an abort.
          if (cancelled && id === running) throw abortError('Query cancelled');
          throw e;
        } finally {
          if (id === running) cancelled = false;
        }
      });
    },
    async cancel(): Promise<void> {
      cancelled = true;
      if (!(await conn.cancelSent())) cancelled = false;
    },
    async registerBuffer(name: string, bytes: Uint8Array): Promise<void> {
      await db.registerFileBuffer(name, bytes);
    },
    async registerFile(name: string, file: File): Promise<void> {
      await db.registerFileHandle(name, file, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
    },
    async dropFile(name: string): Promise<void> {
      await db.dropFile(name);
    },
    async close(): Promise<void> {
      await conn.close();
      await db.terminate();
      booting = null;
    },
  };
}
