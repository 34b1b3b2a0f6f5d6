/**
 * The workspace on real DuckDB-WASM: every change goes through one queue, so
 * concurrent loads give one deterministic result, a file dropped while the
 * demo loads replaces the demo, and each table keeps its own version.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { translate, type MessageKey, type Params } from '../../src/i18n/index.ts';
import { Latest } from '../../src/report/latest.ts';
import { SerialQueue } from '../../src/report/queue.ts';
import type { Manifest, ManifestRead, SavedFile } from '../../src/report/persist.ts';
import type { WorkspaceStore } from '../../src/report/saved.ts';
import { Workspace, type WorkspaceState } from '../../src/report/workspace.ts';

/** A store that keeps the saved workspace in memory, with the same calls as the browser's OPFS/IndexedDB one. */
function memoryStore(): WorkspaceStore & { manifest: Manifest | null; version: unknown; bytes: Map<string, Blob> } {
  const store = {
    manifest: null as Manifest | null,
    bytes: new Map<string, Blob>(),
    // As the browser's store: nothing saved reads as `none`.
    version: 1 as unknown,
    readManifest: async (): Promise<ManifestRead> =>
      store.manifest ? (store.version === 1 ? { status: 'ok', manifest: store.manifest } : { status: 'unsupported', version: store.version }) : { status: 'none' },
    writeManifest: async (m: Manifest) => {
      store.manifest = m;
    },
    saveFileBytes: async (id: string, blob: Blob) => {
      store.bytes.set(id, blob);
      return 'idb' as const;
    },
    readFileBytes: async (f: Pick<SavedFile, 'id'>) => store.bytes.get(f.id) ?? null,
    clearSaved: async () => {
      store.manifest = null;
      store.bytes.clear();
    },
    requestPersistenceOnce: async () => undefined,
  };
  return store;
}

const csv = (name: string, text: string) => new File([text], name, { type: 'text/csv' });
const ORDERS = 'order_id,customer_id,order_date,amount\nO1,C1,2024-01-05,10\nO2,C2,2024-02-05,20\nO3,C1,2024-03-05,30\n';
const CUSTOMERS = 'customer_id,segment,churn\nC1,A,No\nC2,B,Yes\n';

let db: Db;
let states: WorkspaceState[];
let gap: (() => Promise<void>) | undefined;

function workspace(store = memoryStore()): Workspace {
  return new Workspace({
    db: async () => db,
    t: (key, params) => translate('en', key as MessageKey, params as Params),
    formatInt: (n) => String(n),
    formatBytes: (n) => `${n} B`,
    describeError: (e) => (e instanceof Error ? e.message : String(e)),
    templates: () => [],
    task: () => undefined,
    changed: (s) => states.push(s),
    store,
    demoGap: () => gap?.() ?? Promise.resolve(),
  });
}

async function tablesInDb(): Promise<string[]> {
  const r = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1`);
  return r.rows.map((row) => String(row.table_name));
}

beforeEach(async () => {
  db = await openNodeDb();
  states = [];
  gap = undefined;
});
afterEach(async () => db.close());

describe('SerialQueue', () => {
  it('runs tasks one at a time, in order, past failures', async () => {
    const q = new SerialQueue();
    const seen: string[] = [];
    const slow = q.run(async () => {
      seen.push('a:start');
      await new Promise((r) => setTimeout(r, 30));
      seen.push('a:end');
    });
    const failing = q.run(async () => {
      seen.push('b');
      throw new Error('b failed');
    });
    const last = q.run(async () => {
      seen.push('c');
      return 3;
    });
    await slow;
    await expect(failing).rejects.toThrow('b failed');
    expect(await last).toBe(3);
    expect(seen).toEqual(['a:start', 'a:end', 'b', 'c']);
    expect(q.pending).toBe(0);
  });
});

describe('Latest', () => {
  it('lets only the newest request land', () => {
    const latest = new Latest();
    const first = latest.begin();
    const second = latest.begin();
    expect(first()).toBe(false);
    expect(second()).toBe(true);
    latest.invalidate();
    expect(second()).toBe(false);
  });
});

describe('Workspace start', () => {
  it('a first visit (nothing saved) shows the demo with no notice; a workspace from another version says so', async () => {
    const fresh = await workspace().start();
    expect(fresh).toEqual({ notices: [], errors: [] });
    const store = memoryStore();
    store.manifest = { version: 1, savedAt: '', files: [], logs: [] } as unknown as Manifest;
    store.version = 2;
    const other = await workspace(store).start();
    expect(other.notices).toEqual([{ key: 'persist.otherVersion' }]);
  }, 60_000);
});

describe('Workspace queue', () => {
  it('a file loaded while the demo is between dropping and adding its tables replaces the demo', async () => {
    const ws = workspace();
    let release!: () => void;
    let reached!: () => void;
    const inGap = new Promise<void>((r) => (reached = r));
    gap = () => {
      reached();
      return new Promise<void>((r) => (release = r));
    };
    const demo = ws.start();
    await inGap;
    // The demo is paused with its tables dropped; the user's file arrives now.
    const load = ws.loadFiles([csv('orders.csv', ORDERS)]);
    await new Promise((r) => setTimeout(r, 50));
    expect(ws.state.tables.some((t) => t.name === 'orders')).toBe(false);
    release();
    const [demoOut, loadOut] = await Promise.all([demo, load]);
    expect(demoOut.errors).toEqual([]);
    expect(loadOut.errors).toEqual([]);
    expect(ws.state.isDemo).toBe(false);
    expect(ws.state.tables.map((t) => t.name)).toEqual(['orders']);
    expect(await tablesInDb()).toEqual(['orders']);
    const n = await db.query('SELECT count(*) AS n FROM orders');
    expect(n.rows[0]?.n).toBe(3);
  });

  it('two drops at once load every file, in the order they were dropped', async () => {
    const ws = workspace();
    const a = ws.loadFiles([csv('orders.csv', ORDERS)]);
    const b = ws.loadFiles([csv('customers.csv', CUSTOMERS), csv('orders.csv', ORDERS)]);
    const [outA, outB] = await Promise.all([a, b]);
    expect([...outA.errors, ...outB.errors]).toEqual([]);
    expect(ws.state.tables.map((t) => t.name)).toEqual(['orders', 'customers', 'orders_2', 'customer_features']);
    expect(ws.state.tables.find((t) => t.name === 'orders_2')?.rowCount).toBe(3);
  });

  it('lists every file that fails in one drop, and keeps the ones that load', async () => {
    const ws = workspace();
    const out = await ws.loadFiles([csv('empty.csv', ''), csv('orders.csv', ORDERS), new File([new Uint8Array([0, 1, 2, 0, 255, 0])], 'blob.csv')]);
    expect(out.errors).toHaveLength(1);
    const [listed] = out.errors;
    expect(listed).toMatch(/^2 files could not be loaded/);
    expect(listed!.split('\n').filter((l) => l.startsWith('• ')).map((l) => l.slice(2, 40))).toEqual([
      expect.stringContaining('empty.csv'),
      expect.stringContaining('blob.csv'),
    ]);
    expect(ws.state.tables.map((t) => t.name)).toEqual(['orders']);
  });

  it('a table added by the model lab waits for a running load and bumps only its own version', async () => {
    const ws = workspace();
    await ws.loadFiles([csv('customers.csv', CUSTOMERS), csv('orders.csv', ORDERS)]);
    const ordersVersion = ws.state.tableVersions.orders;
    const load = ws.loadFiles([csv('more.csv', ORDERS)]);
    const put = ws.putTable('churn_scores', `SELECT 'C1' AS customer_id, 0.8 AS risk`, { source: 'model:test', kind: 'other', roles: {} });
    await Promise.all([load, put]);
    expect(ws.state.tables.map((t) => t.name)).toEqual(['customers', 'orders', 'more', 'churn_scores', 'customer_features']);
    expect(ws.state.tableVersions.orders).toBe(ordersVersion);
    expect(ws.state.tableVersions.churn_scores).toBe(ws.state.version);
    expect((await db.query('SELECT risk FROM churn_scores')).rows).toEqual([{ risk: 0.8 }]);
  });

  it('saves what it loads and restores it on the next start', async () => {
    const store = memoryStore();
    const first = workspace(store);
    await first.loadFiles([csv('customers.csv', CUSTOMERS)]);
    await first.setRoles('customers', 'customers', { customer_id: 'customer_id', segment: 'segment' });
    expect(store.manifest?.files.map((f) => f.table)).toEqual(['customers']);
    expect(store.manifest?.files[0]?.roles).toEqual({ customer_id: 'customer_id', segment: 'segment' });
    await db.exec('DROP TABLE customers');
    const second = workspace(store);
    const out = await second.start();
    expect(out.errors).toEqual([]);
    expect(second.state.isDemo).toBe(false);
    expect(second.state.tables.map((t) => [t.name, t.roles])).toEqual([['customers', { customer_id: 'customer_id', segment: 'segment' }]]);
    await second.clear();
    expect(store.manifest).toBeNull();
    expect(await tablesInDb()).toEqual([]);
  });

  it('reads a file again in another encoding into the same table, logs replaced', async () => {
    const ws = workspace();
    await ws.loadFiles([csv('cafe.csv', 'customer_id,city\nC1,Café\nC2,Zürich\n')]);
    const before = ws.state.tableVersions.cafe;
    const out = await ws.reload('cafe', { encoding: 'windows-1252' });
    expect(out.errors).toEqual([]);
    expect(ws.state.tables.map((t) => t.name)).toEqual(['cafe']);
    expect(ws.state.loads.cafe?.source.encoding).toBe('windows-1252');
    expect(ws.state.tableVersions.cafe).toBeGreaterThan(before!);
    expect((await db.query('SELECT city FROM cafe ORDER BY customer_id')).rows.map((r) => r.city)).toEqual(['CafÃ©', 'ZÃ¼rich']);
    expect(await tablesInDb()).toEqual(['cafe']);
  });

  it('a table the model lab fails to build leaves neither DuckDB nor the workspace listing it', async () => {
    const ws = workspace();
    await ws.loadFiles([csv('customers.csv', CUSTOMERS)]);
    await ws.putTable('churn_scores', `SELECT 'C1' AS customer_id, 0.8 AS risk`, { source: 'model:old', kind: 'other', roles: {} });
    await expect(
      ws.addTable('churn_scores', async () => {
        throw new Error('scores could not be read');
      }),
    ).rejects.toThrow('scores could not be read');
    expect(ws.state.tables.map((t) => t.name)).toEqual(['customers']);
    expect(await tablesInDb()).toEqual(['customers']);
  });
});
