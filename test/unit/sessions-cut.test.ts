/**
 * The session cutter on typed arrays (src/report/sessions/) against the SQL
 * that defines the tables (`sessionTableSql`), on real DuckDB-WASM: generated
 * events with the awkward cases (ids with spaces and blanks, Chinese and
 * float-looking ids, gaps of exactly the limit, ties of time broken by
 * touchpoint in byte order, reloads, several conversions in a step, sessions
 * longer than eight steps, customers with hundreds of events, rows without a
 * time, events in no order). Every table must hold the same rows both ways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb, type NodeDb } from '../../src/db/node.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { dropSessionTablesSql, flowLinksSql, sessionTableSql } from '../../src/metrics/journeys.ts';
import { lit } from '../../src/lib/sql.ts';
import { makeSessionTables } from '../../src/report/journeys.ts';
import { inlineCutter } from '../../src/report/sessions/arrow.ts';
import { cutSessions } from '../../src/report/sessions/cut.ts';
import { abortError } from '../../src/lib/errors.ts';
import { mulberry32 } from '../../src/lib/random.ts';
import { arrowToRaw } from '../../src/db/rows.ts';
import { tableFromIPC } from 'apache-arrow';

let db: NodeDb;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

const PAGES = ['Home', 'home', 'Product', ' Cart ', '商品详情', '支付成功', 'Purchase', 'zeta', 'Ärger', ''];
const CHANNELS = ['search', 'email', '社交', 'direct', ''];
const IDS = ['C1', ' C1 ', 'C2', '客户三', '1001.0', '1001', '', 'x'];

interface Ev {
  id: string | null;
  at: string | null;
  page: string | null;
  channel: string | null;
  type: string | null;
  flag: boolean | null;
}

function events(seed: number, customers: number): Ev[] {
  const r = mulberry32(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: Ev[] = [];
  const base = Date.UTC(2025, 0, 1);
  for (let c = 0; c < customers; c++) {
    const id = c < IDS.length ? IDS[c]! : `cust ${c}`;
    // One customer with many events exercises the long-group sort.
    const n = c === 3 ? 400 : 1 + Math.floor(r() * 30);
    // One customer's events cross into 1970 from 1969 (times before the epoch are negative).
    let t = c === 5 ? Date.UTC(1969, 11, 31, 22) : base + Math.floor(r() * 1e9);
    for (let i = 0; i < n; i++) {
      const roll = r();
      // Exactly the 30-minute gap, a microsecond over, a tie, a long break, or a short step.
      t += roll < 0.1 ? 30 * 60_000 : roll < 0.15 ? 0 : roll < 0.25 ? 3 * 3600_000 : Math.floor(r() * 20 * 60_000);
      const micro = roll > 0.95 ? '.000001' : '';
      const page = pick(PAGES);
      const channel = pick(CHANNELS);
      const at = r() < 0.02 ? null : new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '') + micro;
      const ev: Ev = { id: r() < 0.02 ? null : id, at, page: r() < 0.02 ? null : page, channel, type: page === 'Purchase' || r() < 0.05 ? 'purchase' : 'page_view', flag: r() < 0.03 ? null : r() < 0.1 };
      out.push(ev);
      // A reload: the same page at the same time (same channel, so the step's first event is not in doubt).
      if (r() < 0.1) out.push({ ...ev });
    }
  }
  // In no order.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const v = (x: string | boolean | null): string => (x === null ? 'NULL' : typeof x === 'boolean' ? String(x).toUpperCase() : lit(x));

async function table(name: string, evs: Ev[], roles: TableInfo['roles']): Promise<TableInfo> {
  await db.exec(`CREATE OR REPLACE TABLE ${name} (customer VARCHAR, "at" VARCHAR, page VARCHAR, channel VARCHAR, event_type VARCHAR, converted BOOLEAN)`);
  for (let i = 0; i < evs.length; i += 500) {
    const rows = evs.slice(i, i + 500).map((e) => `(${v(e.id)}, ${v(e.at)}, ${v(e.page)}, ${v(e.channel)}, ${v(e.type)}, ${v(e.flag)})`);
    await db.exec(`INSERT INTO ${name} VALUES ${rows.join(', ')}`);
  }
  return {
    name, source: 'test', kind: 'events', rowCount: evs.length,
    columns: ['customer', 'at', 'page', 'channel', 'event_type', 'converted'].map((c) => ({ name: c, type: c === 'converted' ? 'BOOLEAN' : 'VARCHAR' })),
    roles,
  };
}

/** Rows of `a` not in `b` and of `b` not in `a`, duplicates counted. */
async function difference(a: string, b: string): Promise<number> {
  const r = await db.query(`SELECT (SELECT count(*) FROM (FROM ${a} EXCEPT ALL FROM ${b})) + (SELECT count(*) FROM (FROM ${b} EXCEPT ALL FROM ${a})) AS n`);
  return Number(r.rows[0]!.n);
}

let compared = 0;

async function compare(events: TableInfo, gapMinutes: number, cutByWorker = true): Promise<{ steps: number; sessions: number; journeys: number }> {
  const made = sessionTableSql({ events, gapMinutes }, 'by_sql');
  if (!made.ok) throw new Error('unavailable');
  await db.exec(made.sql);
  // A name per comparison: the steps are a view or a table, as the cut went.
  const js = `by_js_${++compared}`;
  const shown = await makeSessionTables(db, events, gapMinutes, js, inlineCutter);
  // The panel shows the read and the SQL that defines the tables; the steps are a view of that SQL.
  expect(shown.sql).toContain((sessionTableSql({ events, gapMinutes }, js) as { sql: string }).sql);
  // No events to cut: the SQL makes them (the steps a table).
  expect(shown.drop.startsWith(`DROP ${cutByWorker ? 'VIEW' : 'TABLE'} IF EXISTS "${js}"`)).toBe(true);
  // Same columns, same types.
  for (const suffix of ['', '_s', '_j', '_tp']) {
    const cols = async (t: string) => (await db.query(`DESCRIBE ${t}`)).rows.map((r) => `${r.column_name} ${r.column_type}`);
    expect(await cols(`${js}${suffix}`)).toEqual(await cols(`by_sql${suffix}`));
  }
  const count = async (t: string) => Number((await db.query(`SELECT count(*) AS n FROM ${t}`)).rows[0]!.n);
  expect(await difference(js, 'by_sql')).toBe(0);
  expect(await difference(`${js}_s`, 'by_sql_s')).toBe(0);
  expect(await difference(`${js}_j`, 'by_sql_j')).toBe(0);
  expect(await difference(`${js}_tp`, 'by_sql_tp')).toBe(0);
  return { steps: await count(js), sessions: await count(`${js}_s`), journeys: await count(`${js}_j`) };
}

describe('sessions cut on typed arrays = sessions cut in SQL', () => {
  const roles = { customer_id: 'customer', event_at: 'at', touchpoint: 'page', channel: 'channel', event_type: 'event_type' };

  it('pages and channels, conversion by event type, 30- and 7-minute gaps', async () => {
    const t = await table('ev_a', events(1, 60), roles);
    const a = await compare(t, 30);
    // A Sankey of more than eight steps reads the steps themselves: the view gives what the table gives.
    const flows = async (sessionsTable: string) => (await db.query((flowLinksSql({ events: t, gapMinutes: 30, sessionsTable, steps: 12 }) as { sql: string }).sql)).rows;
    const deep = await flows('by_sql');
    expect(deep.some((r) => Number(r.step) > 8)).toBe(true);
    expect(await flows(`by_js_${compared}`)).toEqual(deep);
    const b = await compare(t, 7);
    // The data is what it should be: sessions break, steps repeat, a shorter gap makes more sessions.
    expect(a.steps).toBeGreaterThan(a.sessions);
    expect(a.sessions).toBeGreaterThan(a.journeys);
    expect(b.sessions).toBeGreaterThan(a.sessions);
    expect(a.journeys).toBeGreaterThan(50);
  });

  it('a conversion flag (with NULLs), and channels alone (no page)', async () => {
    const t = await table('ev_b', events(2, 40), { customer_id: 'customer', event_at: 'at', channel: 'channel', converted: 'converted' });
    await compare(t, 30);
    await compare(t, 1440);
  });

  it('no events at all, and only rows without a customer', async () => {
    const empty = await table('ev_c', [], roles);
    expect(await compare(empty, 30, false)).toEqual({ steps: 0, sessions: 0, journeys: 0 });
    const blank = await table('ev_d', [{ id: '  ', at: '2025-01-01 10:00:00', page: 'Home', channel: 'x', type: null, flag: null }], roles);
    expect(await compare(blank, 30, false)).toEqual({ steps: 0, sessions: 0, journeys: 0 });
  });

  it('without raw reads (native DuckDB), or past the limit of events, the SQL makes the tables', async () => {
    const t = await table('ev_e', events(3, 5), roles);
    const plain = { ...db, queryIpc: undefined, insertArrowIpc: undefined };
    let cuts = 0;
    const shown = await makeSessionTables(plain, t, 30, 'by_plain', async (e, g) => (cuts++, inlineCutter(e, g)));
    expect(cuts).toBe(0);
    expect(shown).toEqual({ sql: (sessionTableSql({ events: t, gapMinutes: 30 }, 'by_plain') as { sql: string }).sql, drop: dropSessionTablesSql('by_plain') });
    expect(Number((await db.query('SELECT count(*) AS n FROM by_plain_s')).rows[0]!.n)).toBeGreaterThan(0);
    // Past the worker's limit of events, the SQL too.
    await db.exec(dropSessionTablesSql('by_plain'));
    const big = await makeSessionTables(db, t, 30, 'by_plain', async (e, g) => (cuts++, inlineCutter(e, g)), undefined, t.rowCount - 1);
    expect(cuts).toBe(0);
    expect(big).toEqual(shown);
    expect((await makeSessionTables(db, t, 30, 'by_plain_2', async (e, g) => (cuts++, inlineCutter(e, g)), undefined, t.rowCount)).sql).toContain('-- The events, read once');
    expect(cuts).toBe(1);
  });

  it('a cut that fails leaves the tables to the SQL; a cancelled one stays cancelled', async () => {
    const t = await table('ev_f', events(4, 5), roles);
    const shown = await makeSessionTables(db, t, 30, 'by_failed', async () => {
      throw new Error('The sessions worker failed: out of memory');
    });
    expect(shown.sql).toBe((sessionTableSql({ events: t, gapMinutes: 30 }, 'by_failed') as { sql: string }).sql);
    // Five ids, two of them "C1" once trimmed.
    expect(Number((await db.query('SELECT count(*) AS n FROM by_failed_j')).rows[0]!.n)).toBe(4);
    await expect(makeSessionTables(db, t, 30, 'by_cancelled', async () => Promise.reject(abortError()))).rejects.toThrow(/Cancelled/);
  });

  it('reads raw columns across record batches, and refuses NULLs and other types', async () => {
    const raw = arrowToRaw(tableFromIPC(await db.queryIpc('SELECT \'id \' || range || \'·客\' AS t, CAST(range AS DOUBLE) * 0.5 AS x, CAST(range % 2 AS UTINYINT) AS b FROM range(5000)')));
    expect(raw.rows).toBe(5000);
    const text = (r: number) => new TextDecoder().decode(raw.text.t!.bytes.subarray(raw.text.t!.offsets[r]!, raw.text.t!.offsets[r + 1]!));
    // Rows 0, 2047/2048 (a batch edge) and the last.
    expect([text(0), text(2047), text(2048), text(4999)]).toEqual(['id 0·客', 'id 2047·客', 'id 2048·客', 'id 4999·客']);
    expect([raw.numbers.x![4999], raw.numbers.b![3]]).toEqual([2499.5, 1]);
    await expect(db.queryIpc('SELECT NULL::VARCHAR AS a').then((b) => arrowToRaw(tableFromIPC(b)))).rejects.toThrow(/"a" holds NULLs/);
    await expect(db.queryIpc("SELECT DATE '2020-01-01' AS d").then((b) => arrowToRaw(tableFromIPC(b)))).rejects.toThrow(/only text and numbers/);
  });

  it('a cancel stops before anything is made; a failed read leaves it to the SQL; a user table of the same name is left alone', async () => {
    const t = await table('ev_g', events(5, 6), roles);
    let cuts = 0;
    const counting = async (e: Promise<Uint8Array>, g: number) => (cuts++, inlineCutter(e, g));
    await expect(makeSessionTables(db, t, 30, 'by_never', counting, AbortSignal.abort())).rejects.toThrow(/Cancelled/);
    expect(cuts).toBe(0);
    expect((await db.query("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE 'by_never%'")).rows[0]!.n).toBe(0);

    const failing = { ...db, queryIpc: async () => Promise.reject(new Error('Out of Memory Error: could not allocate block')) };
    const shown = await makeSessionTables(failing, t, 30, 'by_unread', counting);
    expect(shown.sql.startsWith('--')).toBe(false);
    expect(Number((await db.query('SELECT count(*) AS n FROM by_unread_s')).rows[0]!.n)).toBeGreaterThan(0);

    // A user's own table named like a session table (a file crm_mine_s.csv, say).
    await db.exec('CREATE TABLE crm_mine_s AS SELECT 42 AS answer');
    // The worker's tables cannot take the name: the SQL makes temporary ones, and only those are dropped.
    const made = await makeSessionTables(db, t, 30, 'crm_mine', inlineCutter);
    expect(made.sql.startsWith('--')).toBe(false);
    expect(Number((await db.query('SELECT count(*) AS n FROM crm_mine_s')).rows[0]!.n)).toBeGreaterThan(1);
    await db.exec(made.drop);
    expect((await db.query('SELECT answer FROM crm_mine_s')).rows).toEqual([{ answer: 42 }]);
    // What the worker path had made before the clash is gone too.
    expect((await db.query("SELECT count(*) AS n FROM duckdb_views() WHERE view_name = 'crm_mine'")).rows[0]!.n).toBe(0);
  });

  it('refuses a gap that is not a whole number of minutes', () => {
    const none = { offsets: new Int32Array(1), bytes: new Uint8Array(0) };
    const e = { rows: 0, cid: none, touchpoint: none, channel: none, ts: new Float64Array(0), conv: new Float64Array(0) };
    expect(() => cutSessions(e, 0)).toThrow(/whole number/);
    expect(() => cutSessions(e, 2.5)).toThrow(/whole number/);
  });
});
