/**
 * Node has no IndexedDB and none is faked in node_modules, so these tests pin
 * the helper's own wiring with hand-made stand-ins for requests, transactions
 * and the factory (only the fields the helper touches). The real browser
 * databases are exercised end to end by test/e2e/persist.test.ts (workspace)
 * and test/e2e/churn-lab.test.ts (model registry).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMissingStores, idbRequest, openIdb, withTransaction, type IdbSchema } from '../../src/lib/idb.ts';

type Handlers = { onsuccess: (() => void) | null; onerror: (() => void) | null; result?: unknown; error?: unknown };

function fakeRequest(): Handlers {
  return { onsuccess: null, onerror: null };
}

const asRequest = <T>(h: Handlers) => h as unknown as IDBRequest<T>;

/** A database whose transaction reports how it ends through `finish`. */
function fakeDb(finish: (tx: { oncomplete?: () => void; onabort?: () => void; error: unknown }) => void) {
  const log: string[] = [];
  const db = {
    closed: false,
    log,
    transaction(stores: string | string[], mode: string) {
      log.push(`tx ${String(stores)} ${mode}`);
      const tx = { error: null as unknown, objectStore: (name: string) => name };
      queueMicrotask(() => finish(tx));
      return tx;
    },
    close() {
      db.closed = true;
    },
  };
  return db;
}

const schema: IdbSchema = { name: 'test-db', version: 3, upgrade: createMissingStores('a', 'b') };
const original = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');

function installFactory(db: unknown, upgrade = false): string[] {
  const opened: string[] = [];
  Object.defineProperty(globalThis, 'indexedDB', {
    configurable: true,
    value: {
      open(name: string, version: number) {
        opened.push(`${name}@${version}`);
        const req: Handlers & { onupgradeneeded?: () => void } = fakeRequest();
        req.result = db;
        setTimeout(() => {
          if (upgrade) req.onupgradeneeded?.();
          req.onsuccess?.();
        });
        return req;
      },
    },
  });
  return opened;
}

afterEach(() => {
  if (original) Object.defineProperty(globalThis, 'indexedDB', original);
  else delete (globalThis as { indexedDB?: unknown }).indexedDB;
});

describe('idbRequest', () => {
  it('resolves with the result, rejects with the error', async () => {
    const ok = fakeRequest();
    const p = idbRequest(asRequest<number>(ok));
    ok.result = 7;
    ok.onsuccess!();
    await expect(p).resolves.toBe(7);
    const bad = fakeRequest();
    const q = idbRequest(asRequest<number>(bad));
    bad.error = new Error('quota');
    bad.onerror!();
    await expect(q).rejects.toThrow('quota');
  });
});

describe('openIdb', () => {
  it('says so when the browser has no IndexedDB', async () => {
    delete (globalThis as { indexedDB?: unknown }).indexedDB;
    await expect(openIdb(schema)).rejects.toThrow('IndexedDB is not available in this browser');
  });

  it('opens the schema’s name and version and runs its upgrade, creating only missing stores', async () => {
    const created: string[] = [];
    const db = { objectStoreNames: { contains: (n: string) => n === 'a' }, createObjectStore: (n: string) => void created.push(n) };
    const opened = installFactory(db, true);
    await expect(openIdb(schema)).resolves.toBe(db);
    expect(opened).toEqual(['test-db@3']);
    expect(created).toEqual(['b']);
  });
});

describe('withTransaction', () => {
  it('resolves with the work’s result once the transaction has committed, then closes', async () => {
    let committed = false;
    const db = fakeDb((tx) => {
      committed = true;
      tx.oncomplete!();
    });
    installFactory(db);
    const result = await withTransaction(schema, ['a', 'b'], 'readwrite', async (tx) => {
      expect(committed).toBe(false);
      return tx.objectStore('a');
    });
    expect(result).toBe('a');
    expect(committed).toBe(true);
    expect(db.log).toEqual(['tx a,b readwrite']);
    expect(db.closed).toBe(true);
  });

  it('rejects when the transaction aborts, and still closes', async () => {
    const db = fakeDb((tx) => {
      tx.error = new Error('aborted: constraint');
      tx.onabort!();
    });
    installFactory(db);
    await expect(withTransaction(schema, 'a', 'readwrite', async () => 1)).rejects.toThrow('aborted: constraint');
    expect(db.closed).toBe(true);
  });

  it('passes on a failure of the work and closes', async () => {
    const db = fakeDb((tx) => tx.onabort!());
    installFactory(db);
    await expect(withTransaction(schema, 'a', 'readonly', async () => Promise.reject(new Error('bad work')))).rejects.toThrow('bad work');
    expect(db.closed).toBe(true);
  });
});
