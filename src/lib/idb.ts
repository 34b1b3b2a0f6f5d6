/**
 * The one IndexedDB wrapper of the app: the workspace (report/persist.ts) and
 * the model registry (ml/registry.ts) both go through it, so the rules of the
 * format live in one place: a request becomes a promise, a database is opened
 * per unit of work and closed after it, and a unit of work counts as done
 * only once its transaction has committed.
 *
 * Each database is described once by an `IdbSchema`; its name, version and
 * upgrade must never change for a database users already have, since a
 * lower version than the stored one fails to open.
 */

export interface IdbSchema {
  name: string;
  version: number;
  /** Runs inside `onupgradeneeded`: create what a database of this version needs. */
  upgrade: (db: IDBDatabase) => void;
}

/** An upgrade that creates each object store (out-of-line keys) the database lacks. */
export function createMissingStores(...stores: string[]): (db: IDBDatabase) => void {
  return (db) => {
    for (const name of stores) if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
  };
}

export function idbRequest<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

export function openIdb(schema: IdbSchema): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') return Promise.reject(new Error('IndexedDB is not available in this browser'));
  const req = indexedDB.open(schema.name, schema.version);
  req.onupgradeneeded = () => schema.upgrade(req.result);
  return idbRequest(req);
}

/**
 * Open the database, run `work` in one transaction over `stores`, and resolve
 * with its result when the transaction has committed; the database is closed
 * either way. `work` must only await requests of this transaction, or it
 * commits early.
 */
export async function withTransaction<T>(
  schema: IdbSchema,
  stores: string | string[],
  mode: IDBTransactionMode,
  work: (tx: IDBTransaction) => Promise<T>,
): Promise<T> {
  const db = await openIdb(schema);
  try {
    const tx = db.transaction(stores, mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    // Awaited below; this only keeps a failure in `work` from leaving it unhandled.
    done.catch(() => undefined);
    const result = await work(tx);
    await done;
    return result;
  } finally {
    db.close();
  }
}
