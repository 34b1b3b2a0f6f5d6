/**
 * The cleaning pass (src/ingest/clean.ts, numbers.ts, dates.ts, findings.ts,
 * undo.ts) on real DuckDB-WASM. Each table is built in the test from literal
 * values, so every expected value below is worked out by hand from them; each
 * rule's undo is checked to give back exactly the table it started from
 * (types and values).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db, Row } from '../../src/db/types.ts';
import { cleanTable, chooseReading } from '../../src/ingest/clean.ts';
import { duplicateExamplesSql, duplicateRowsSql, findIssues, markerCountsSql } from '../../src/ingest/findings.ts';
import { loadFile } from '../../src/ingest/index.ts';
import type { LogEntry } from '../../src/ingest/log.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { applyCleaning, CleaningError, undoCleaning, UNDO_SCHEMA } from '../../src/ingest/undo.ts';
import { ident, lit } from '../../src/lib/sql.ts';

const DATA_DIR = process.env.CRM_DATA_DIR ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
const HAS_DATA = existsSync(path.join(DATA_DIR, 'bread_basket'));
if (!HAS_DATA) console.warn(`[ingest-clean] real-data test skipped: no data at ${DATA_DIR} (set CRM_DATA_DIR)`);

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

type Value = string | number | null;

/** A table from columns of literal values, in row order; `types` casts a column (default VARCHAR). */
async function makeTable(name: string, columns: Record<string, Value[]>, types: Record<string, string> = {}): Promise<void> {
  const select = Object.entries(columns).map(([c, values]) => {
    const type = types[c] ?? 'VARCHAR';
    return `unnest(CAST([${values.map((v) => (v === null ? 'NULL' : lit(v))).join(', ')}] AS ${type}[])) AS ${ident(c)}`;
  });
  await db.exec(`CREATE OR REPLACE TABLE ${ident(name)} AS SELECT ${select.join(', ')}`);
}

async function columns(table: string): Promise<{ name: string; type: string }[]> {
  const r = await db.query(`SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ${lit(table)} ORDER BY column_index`);
  return r.rows.map((row) => ({ name: String(row.column_name), type: String(row.data_type) }));
}

/** Types and values, in rowid order. */
async function snapshot(table: string): Promise<{ columns: { name: string; type: string }[]; rows: Row[] }> {
  return { columns: await columns(table), rows: (await db.query(`SELECT * FROM ${ident(table)} ORDER BY rowid`)).rows };
}

async function values(table: string, column: string): Promise<Value[]> {
  return (await db.query(`SELECT ${ident(column)} AS v FROM ${ident(table)} ORDER BY rowid`)).rows.map((r) => r.v as Value);
}

async function clean(table: string, o: { headerless?: boolean } = {}): Promise<LogEntry[]> {
  return cleanTable(db, table, await columns(table), o);
}

/** Undo every entry, newest first, and check the table is back as it was. */
async function expectUndoRoundTrip(table: string, before: Awaited<ReturnType<typeof snapshot>>, log: readonly LogEntry[]): Promise<void> {
  for (const e of [...log].reverse()) await undoCleaning(db, e);
  expect(await snapshot(table)).toEqual(before);
  const left = await db.query(`SELECT table_name FROM duckdb_tables() WHERE schema_name = ${lit(UNDO_SCHEMA)} AND starts_with(table_name, ${lit(`${table}.`)})`);
  expect(left.rows).toEqual([]);
}

const brief = (log: readonly LogEntry[]) => log.map((e) => [e.rule, e.column, e.rows, e.params ?? {}]);

describe('text columns', () => {
  it('trims spaces around values (ASCII, no-break, ideographic), leaves whitespace-only cells alone, and undoes', async () => {
    await makeTable('trim', { name: [' Alice ', 'Bob', '\u3000Carol\u00a0', '   ', null] });
    const before = await snapshot('trim');
    const log = await clean('trim');
    expect(brief(log)).toEqual([['trimmed', 'name', 2, {}]]);
    expect(log[0]!.examples).toEqual(['" Alice " → "Alice"', '"\u3000Carol\u00a0" → "Carol"']);
    expect(log[0]!.sql).toContain('UPDATE "trim" SET "name"');
    expect(await values('trim', 'name')).toEqual(['Alice', 'Bob', 'Carol', '   ', null]);
    await expectUndoRoundTrip('trim', before, log);
  });

  it('leaves markers in a column that stays text (they are findings, not changes)', async () => {
    await makeTable('stays_text', { country: ['NA', 'DE', 'None', '无', '-'] });
    expect(await clean('stays_text')).toEqual([]);
    expect(await values('stays_text', 'country')).toEqual(['NA', 'DE', 'None', '无', '-']);
  });
});

describe('numbers', () => {
  it('missing markers become NULL where the rest are whole numbers, which become BIGINT; both undo', async () => {
    await makeTable('ages', { age: ['34', 'NA', '45', '-', 'n/a', '无', '#N/A', ' '] });
    const before = await snapshot('ages');
    const log = await clean('ages');
    expect(brief(log)).toEqual([
      ['missing_to_null', 'age', 6, { to: 'BIGINT' }],
      ['parsed_numbers', 'age', 2, { to: 'BIGINT', converted: 2 }],
    ]);
    expect(log[0]!.examples).toEqual(['" " → NULL', '"#N/A" → NULL', '"-" → NULL', '"NA" → NULL', '"n/a" → NULL']);
    expect(await values('ages', 'age')).toEqual([34, null, 45, null, null, null, null, null]);
    expect((await columns('ages'))[0]!.type).toBe('BIGINT');
    await expectUndoRoundTrip('ages', before, log);
  });

  it('reads currency, thousands separators, parentheses and signs (one currency per column) as DOUBLE', async () => {
    await makeTable('usd', { amount: ['$1,234.50', '(200)', '$-5', 'USD 30', '-$7.25', '12'] });
    const before = await snapshot('usd');
    const log = await clean('usd');
    expect(brief(log)).toEqual([['parsed_numbers', 'amount', 6, { to: 'DOUBLE', converted: 6, decimal: '.', negative: 1, currency: 'USD' }]]);
    expect(log[0]!.examples.slice(0, 2)).toEqual(['"$-5" → -5.0', '"$1,234.50" → 1234.5']);
    expect(await values('usd', 'amount')).toEqual([1234.5, -200, -5, 30, -7.25, 12]);
    await expectUndoRoundTrip('usd', before, log);
  });

  it('reads yuan with 万 (× 10,000) and 元, RMB and ￥', async () => {
    await makeTable('cny', { amount: ['¥3.5万', '1.2万元', '500元', '￥80', 'RMB 1,000'] });
    const before = await snapshot('cny');
    const log = await clean('cny');
    expect(brief(log)).toEqual([['parsed_numbers', 'amount', 5, { to: 'DOUBLE', converted: 5, decimal: '.', multiplied: 2, currency: 'CNY' }]]);
    expect(await values('cny', 'amount')).toEqual([35000, 12000, 500, 80, 1000]);
    await expectUndoRoundTrip('cny', before, log);
  });

  it('keeps a column in two currencies as text: the amounts are not comparable', async () => {
    await makeTable('mixed_cur', { amount: ['$10', '€12', '$8', '€9'] });
    expect(await clean('mixed_cur')).toEqual([]);
  });

  it('reads percent as a share, keeps the name and logs the scale', async () => {
    await makeTable('pct', { share: ['12.5%', '3%', '100%', '0.5%'] });
    const before = await snapshot('pct');
    const log = await clean('pct');
    expect(brief(log)).toEqual([['parsed_numbers', 'share', 4, { to: 'DOUBLE', converted: 4, decimal: '.', percent: 4, scale: 0.01 }]]);
    expect(await values('pct', 'share')).toEqual([0.125, 0.03, 1, 0.005]);
    expect((await columns('pct')).map((c) => c.name)).toEqual(['share']);
    await expectUndoRoundTrip('pct', before, log);
  });

  it('reads a decimal comma when some value needs it and none needs a point (1.234,5)', async () => {
    await makeTable('eu', { price: ['1.234,5', '12,5', '2.000', '3,25'] });
    const before = await snapshot('eu');
    const log = await clean('eu');
    expect(brief(log)).toEqual([['parsed_numbers', 'price', 4, { to: 'DOUBLE', converted: 4, decimal: ',' }]]);
    expect(await values('eu', 'price')).toEqual([1234.5, 12.5, 2000, 3.25]);
    await expectUndoRoundTrip('eu', before, log);
  });

  it('flags 1,234-only columns as ambiguous, offers the decimal-comma reading, and switches to it', async () => {
    await makeTable('amb_num', { total: ['1,234', '2,500', '12,000'] });
    const log = await clean('amb_num');
    expect(brief(log)).toEqual([['parsed_numbers', 'total', 3, { to: 'DOUBLE', converted: 3, decimal: '.', ambiguous: 1 }]]);
    expect(await values('amb_num', 'total')).toEqual([1234, 2500, 12000]);
    expect(log[0]!.choices).toEqual([{ params: { decimal: ',' }, examples: ['"1,234" → 1.234', '"12,000" → 12.0', '"2,500" → 2.5'] }]);
    const other = await chooseReading(db, log[0]!, 0);
    expect(other.params).toMatchObject({ decimal: ',', ambiguous: 1 });
    expect(other.choices?.[0]?.params).toEqual({ decimal: '.' });
    expect(await values('amb_num', 'total')).toEqual([1.234, 2.5, 12]);
    await undoCleaning(db, other);
    expect(await values('amb_num', 'total')).toEqual(['1,234', '2,500', '12,000']);
  });

  it('converts at ≥ 98 % read, keeping the rest as text in <name>__raw and listing them; undo drops it', async () => {
    const amounts: string[] = Array.from({ length: 49 }, (_, i) => `$${i + 1},250.50`);
    amounts.splice(9, 0, 'TBD');
    await makeTable('raw', { amount: amounts });
    const before = await snapshot('raw');
    const log = await clean('raw');
    expect(brief(log)).toEqual([['parsed_numbers', 'amount', 50, { to: 'DOUBLE', converted: 49, decimal: '.', currency: 'USD', unparsed: 1, raw: 'amount__raw' }]]);
    expect(log[0]!.unparsed).toEqual([{ value: 'TBD', rows: 1 }]);
    expect(await columns('raw')).toEqual([
      { name: 'amount', type: 'DOUBLE' },
      { name: 'amount__raw', type: 'VARCHAR' },
    ]);
    const r = await db.query(`SELECT count(amount) AS n, sum(amount) AS s, count(amount__raw) AS raw, max(amount__raw) AS v, max(rowid) FILTER (WHERE amount IS NULL) AS at FROM raw`);
    expect(r.rows[0]).toEqual({ n: 49, s: 1225000 + 49 * 250.5, raw: 1, v: 'TBD', at: 9 });
    await expectUndoRoundTrip('raw', before, log);
  });

  it('leaves text below 98 %, codes (whole numbers with some text) and leading zeros alone', async () => {
    await makeTable('not_numbers', {
      below: ['1', '2', '3', '4', '5', '6', '7', '8', '9.5', 'TBD'],
      zeros: ['007', '010', '011', '012', '013', '014', '015', '016', '017', '018'],
    });
    await makeTable('codes', { id: [...Array.from({ length: 49 }, (_, i) => String(1001 + i)), 'A1050'] });
    expect(await clean('not_numbers')).toEqual([]);
    expect(await clean('codes')).toEqual([]);
    expect((await columns('codes'))[0]!.type).toBe('VARCHAR');
  });
});

describe('dates', () => {
  it('reads 2024-3-5, 2024/3/6, 2024.3.7, 2024年3月8日 and 2024年3月 (the 1st) as DATE', async () => {
    await makeTable('ymd', { d: ['2024-03-05', '2024/3/6', '2024.3.7', '2024年3月8日', '2024年3月'] });
    const before = await snapshot('ymd');
    const log = await clean('ymd');
    expect(brief(log)).toEqual([['parsed_dates', 'd', 5, { to: 'DATE', converted: 5, month: 1 }]]);
    expect(await values('ymd', 'd')).toEqual(['2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08', '2024-03-01']);
    await expectUndoRoundTrip('ymd', before, log);
  });

  it('a first part above 12 decides day first; a second part above 12 decides month first', async () => {
    await makeTable('dm', { dmy: ['5/3/2024', '13/3/2024', '1/12/2024'], mdy: ['3/5/2024', '3/13/2024', '12/1/2024'] });
    const before = await snapshot('dm');
    const log = await clean('dm');
    expect(brief(log)).toEqual([
      ['parsed_dates', 'dmy', 3, { to: 'DATE', converted: 3, order: 'DMY' }],
      ['parsed_dates', 'mdy', 3, { to: 'DATE', converted: 3, order: 'MDY' }],
    ]);
    expect(await values('dm', 'dmy')).toEqual(['2024-03-05', '2024-03-13', '2024-12-01']);
    expect(await values('dm', 'mdy')).toEqual(['2024-03-05', '2024-03-13', '2024-12-01']);
    await expectUndoRoundTrip('dm', before, log);
  });

  it('with every part ≤ 12 reads day first, says it guessed, and offers month first with its values', async () => {
    await makeTable('amb', { signup: ['5/3/2024', '6/4/2024', '7/7/2024'] });
    const log = await clean('amb');
    expect(brief(log)).toEqual([['parsed_dates', 'signup', 3, { to: 'DATE', converted: 3, order: 'DMY', ambiguous: 1 }]]);
    expect(log[0]!.examples).toEqual(['"5/3/2024" → 2024-03-05', '"6/4/2024" → 2024-04-06', '"7/7/2024" → 2024-07-07']);
    expect(log[0]!.choices).toEqual([{ params: { order: 'MDY' }, examples: ['"5/3/2024" → 2024-05-03', '"6/4/2024" → 2024-06-04'] }]);
    const mdy = await chooseReading(db, log[0]!, 0);
    expect(mdy.params).toEqual({ to: 'DATE', converted: 3, order: 'MDY', ambiguous: 1 });
    expect(await values('amb', 'signup')).toEqual(['2024-05-03', '2024-06-04', '2024-07-07']);
    await undoCleaning(db, mdy);
    expect(await values('amb', 'signup')).toEqual(['5/3/2024', '6/4/2024', '7/7/2024']);
  });

  it('converts offsets and Z to UTC, deliberately, and logs how many', async () => {
    await makeTable('tz', { seen: ['2024-03-05T10:00:00Z', '2024-03-05 10:00:00+08:00', '2024-03-05T23:30:00-05:30', '2024-03-05 08:15', '13/3/2024 14:30'] });
    const before = await snapshot('tz');
    const log = await clean('tz');
    expect(brief(log)).toEqual([['parsed_dates', 'seen', 5, { to: 'TIMESTAMP', converted: 5, order: 'DMY', utc: 3 }]]);
    expect(await values('tz', 'seen')).toEqual(['2024-03-05 10:00:00', '2024-03-05 02:00:00', '2024-03-06 05:00:00', '2024-03-05 08:15:00', '2024-03-13 14:30:00']);
    await expectUndoRoundTrip('tz', before, log);
  });

  it('reads yyyymmdd text only in a date-named column, after its missing markers', async () => {
    await makeTable('compact', { order_date: ['20240305', 'NA', '20241231'], ref: ['20240305', 'x', '20241231'] });
    const before = await snapshot('compact');
    const log = await clean('compact');
    expect(brief(log)).toEqual([
      ['missing_to_null', 'order_date', 1, { to: 'DATE' }],
      ['parsed_dates', 'order_date', 2, { to: 'DATE', converted: 2 }],
    ]);
    expect(await values('compact', 'order_date')).toEqual(['2024-03-05', null, '2024-12-31']);
    const refused = undoCleaning(db, log[0]!);
    await expect(refused).rejects.toThrow(CleaningError);
    await expect(refused).rejects.toMatchObject({ code: 'changed_since', key: 'rule.undo.changed_since' });
    await expectUndoRoundTrip('compact', before, log);
  });
});

describe('typed columns', () => {
  it('Excel serials in a date-named column become DATE (TIMESTAMP with a fraction); other columns keep theirs', async () => {
    await makeTable('serials', { signup_date: [45000, 45001, null], visit_time: [45000.5, 45001.25, 45002], amount: [45000, 45001, 45002] }, { signup_date: 'BIGINT', visit_time: 'DOUBLE', amount: 'BIGINT' });
    const before = await snapshot('serials');
    const log = await clean('serials');
    expect(brief(log)).toEqual([
      ['excel_dates', 'signup_date', 2, { to: 'DATE' }],
      ['excel_dates', 'visit_time', 3, { to: 'TIMESTAMP' }],
    ]);
    expect(await values('serials', 'signup_date')).toEqual(['2023-03-15', '2023-03-16', null]);
    expect(await values('serials', 'visit_time')).toEqual(['2023-03-15 12:00:00', '2023-03-16 06:00:00', '2023-03-17 00:00:00']);
    expect(await values('serials', 'amount')).toEqual([45000, 45001, 45002]);
    await expectUndoRoundTrip('serials', before, log);
  });

  it('TIMESTAMP WITH TIME ZONE becomes TIMESTAMP in UTC', async () => {
    await makeTable('tstz', { at: ['2024-03-05 10:00:00+08:00', '2024-03-05 23:00:00-02:00'] }, { at: 'TIMESTAMPTZ' });
    const before = await snapshot('tstz');
    const log = await clean('tstz');
    expect(brief(log)).toEqual([['to_utc', 'at', 2, { to: 'TIMESTAMP' }]]);
    expect(await columns('tstz')).toEqual([{ name: 'at', type: 'TIMESTAMP' }]);
    expect(await values('tstz', 'at')).toEqual(['2024-03-05 02:00:00', '2024-03-06 01:00:00']);
    await expectUndoRoundTrip('tstz', before, log);
  });
});

describe('findings', () => {
  const customers = {
    id: ['C1', 'C2', 'C2', 'C3', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9', 'C10'],
    name: ['Ann', 'Bo', 'Bo', null, null, 'NA', '-', 'Di', 'Ed', 'Fa', 'Gu', 'Hu'],
    spent: [10, 11, 11, 12, 12, 13, 14, 15, 16, 17, 18, 1000],
  };
  const table = (name: string): TableInfo => ({
    name,
    source: `${name}.csv`,
    kind: 'customers',
    rowCount: 12,
    columns: [
      { name: 'id', type: 'VARCHAR' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'spent', type: 'DOUBLE' },
    ],
    roles: { customer_id: 'id', name: 'name', monetary_total: 'spent' },
  });

  it('counts exact duplicate rows (NULLs equal), repeated ids, text markers and far-out values; changes nothing', async () => {
    await makeTable('cust', customers, { spent: 'DOUBLE' });
    const before = await snapshot('cust');
    const f = await findIssues(db, table('cust'));
    // Quartiles of the 12 amounts (DuckDB quantile_cont): Q1 = 11 + 0.75 = 11.75, Q3 = 16 + 0.25 = 16.25, IQR 4.5.
    expect(brief(f)).toEqual([
      ['duplicate_rows', undefined, 2, { groups: 2 }],
      ['duplicate_ids', 'id', 4, { role: 'customer_id', ids: 2 }],
      ['missing_markers', 'name', 2, {}],
      ['outliers', 'spent', 1, { role: 'monetary_total', low: 11.75 - 13.5, high: 16.25 + 13.5, below: 0, above: 1, q1: 11.75, q3: 16.25 }],
    ]);
    expect(f[1]!.examples).toEqual(['"C2" ×2', '"C3" ×2']);
    expect(f[2]!.examples).toEqual(['"-" ×1', '"NA" ×1']);
    expect(f[3]!.examples).toEqual(['1000.0 ×1']);
    expect((await db.query(f[3]!.sql!)).rows.map((r) => r.id)).toEqual(['C10']);
    expect(await snapshot('cust')).toEqual(before);
  });

  it('counts copies and markers as a plain scan of the rows does, on awkward values', async () => {
    // Copies that differ only in NULLs, −0 and 0, NaN, case or space; three of one row; Chinese text; a list.
    await db.exec(`CREATE OR REPLACE TABLE awkward AS SELECT * FROM (VALUES
      (1, 'a', 0.0::DOUBLE, NULL, [1, 2]), (1, 'a', -0.0::DOUBLE, NULL, [1, 2]), (1, 'a', 0.0::DOUBLE, NULL, [1, 2]),
      (2, 'NA', 'NaN'::DOUBLE, '客户', NULL), (2, 'NA', 'NaN'::DOUBLE, '客户', NULL), (2, 'na', 'NaN'::DOUBLE, '客户', NULL),
      (3, ' - ', 1.5, NULL, []), (3, '-', 1.5, NULL, []), (3, ' - ', 1.5, NULL, []), (4, NULL, NULL, NULL, NULL), (4, NULL, NULL, NULL, NULL)
    ) t(id, name, x, zh, xs)`);
    const plain = (await db.query(`SELECT count(*) AS groups, coalesce(sum(n - 1), 0) AS extra FROM (SELECT count(*) AS n FROM awkward AS r GROUP BY r HAVING count(*) > 1)`)).rows[0];
    expect((await db.query(duplicateRowsSql('awkward', 'r'))).rows[0]).toEqual(plain);
    expect(Number(plain!.extra)).toBeGreaterThanOrEqual(4);
    const examples = async (sql: string) => (await db.query(sql)).rows.map((r) => `${String(r.v)} ×${String(r.n)}`).sort();
    expect(await examples(duplicateExamplesSql('awkward', 'r', 100))).toEqual(
      await examples(`SELECT CAST(r AS VARCHAR) AS v, count(*) AS n FROM awkward AS r GROUP BY r HAVING count(*) > 1`),
    );
    // Missing markers counted per distinct value: as many as over the rows.
    const byRows = (await db.query(`SELECT count(*) FILTER (WHERE lower(trim(name)) IN ('na', '-')) AS m0, count(*) FILTER (WHERE zh IS NULL) AS z FROM awkward`)).rows[0]!;
    expect((await db.query(markerCountsSql('awkward', ['name', 'zh']))).rows[0]).toEqual({ m0: byRows.m0, m1: 0 });
    expect(byRows.m0).toBe(6);
  });

  it('removes duplicate rows on request and puts them back on undo', async () => {
    await makeTable('dedupe', customers, { spent: 'DOUBLE' });
    const sorted = async () => (await db.query(`SELECT * FROM dedupe ORDER BY id, name, spent`)).rows;
    const before = await sorted();
    const [dup] = await findIssues(db, table('dedupe'));
    expect(dup!.rule).toBe('duplicate_rows');
    await expect(undoCleaning(db, dup!)).rejects.toMatchObject({ code: 'nothing_to_undo' });
    await applyCleaning(db, dup!);
    expect((await db.query(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM dedupe`)).rows[0]).toEqual({ n: 10, ids: 10 });
    await expect(applyCleaning(db, dup!)).rejects.toMatchObject({ code: 'already_applied', key: 'rule.undo.already_applied' });
    await undoCleaning(db, dup!);
    expect(await sorted()).toEqual(before);
  });

  it('sets text markers to NULL on request, and undoes', async () => {
    await makeTable('markers', customers, { spent: 'DOUBLE' });
    const before = await snapshot('markers');
    const m = (await findIssues(db, table('markers'))).find((e) => e.rule === 'missing_markers')!;
    await applyCleaning(db, m);
    expect(await values('markers', 'name')).toEqual(['Ann', 'Bo', 'Bo', null, null, null, null, 'Di', 'Ed', 'Fa', 'Gu', 'Hu']);
    await undoCleaning(db, m);
    expect(await snapshot('markers')).toEqual(before);
  });
});

describe('through loadFile', () => {
  it('flags d/m/yyyy that DuckDB typed with no value deciding the order, and swaps day and month on request (undoable)', async () => {
    const csv = 'id,signup,seen_at\n1,5/3/2024,05/03/2024 10:00:00\n2,6/4/2024,06/04/2024 11:30:00\n3,7/7/2024,07/07/2024 09:00:00\n';
    const r = await loadFile(db, { fileName: 'signups.csv', bytes: new TextEncoder().encode(csv) });
    expect(r.table.columns.map((c) => c.type)).toEqual(['BIGINT', 'DATE', 'TIMESTAMP']);
    expect(brief(r.log)).toEqual([
      ['parsed_dates', 'signup', 3, { to: 'DATE', converted: 3, order: 'DMY', ambiguous: 1, format: '%d/%m/%Y' }],
      ['parsed_dates', 'seen_at', 3, { to: 'TIMESTAMP', converted: 3, order: 'DMY', ambiguous: 1, format: '%d/%m/%Y %H:%M:%S' }],
    ]);
    const [signup, seen] = r.log;
    expect(signup!.examples).toEqual(['"05/03/2024" → 2024-03-05', '"06/04/2024" → 2024-04-06', '"07/07/2024" → 2024-07-07']);
    expect(signup!.choices).toEqual([{ params: { order: 'MDY' }, examples: ['"05/03/2024" → 2024-05-03', '"06/04/2024" → 2024-06-04'] }]);
    expect(signup!.undo).toBeUndefined();

    const t = r.table.name;
    const mdy = await chooseReading(db, seen!, 0);
    expect(mdy.params).toEqual({ to: 'TIMESTAMP', converted: 3, order: 'MDY', ambiguous: 1, format: '%d/%m/%Y %H:%M:%S' });
    expect(mdy.examples[0]).toBe('"05/03/2024 10:00:00" → 2024-05-03 10:00:00');
    expect(mdy.choices?.[0]?.params).toEqual({ order: 'DMY' });
    expect(await values(t, 'seen_at')).toEqual(['2024-05-03 10:00:00', '2024-06-04 11:30:00', '2024-07-07 09:00:00']);
    const back = await chooseReading(db, mdy, 0);
    expect(back.params?.order).toBe('DMY');
    expect(back.undo).toBeUndefined();
    expect(await values(t, 'seen_at')).toEqual(['2024-03-05 10:00:00', '2024-04-06 11:30:00', '2024-07-07 09:00:00']);
  });

  it('the load\'s findings reuse the cleaning\'s marker counts, and equal findings counted afresh', async () => {
    // Markers in a column that stays text (padded, Chinese), in one that becomes numbers (NULL then), and in the
    // `__raw` column a conversion leaves (a value that did not read), with a copied row.
    const rows = ['id,city,amount,note'];
    for (let i = 0; i < 120; i++) {
      const city = i % 9 === 0 ? '  NA ' : i % 13 === 0 ? '无' : i % 17 === 0 ? '-' : `City ${i % 5}`;
      const amount = i % 11 === 0 ? 'n/a' : i === 7 ? 'twelve' : `${i}.5`;
      rows.push(`${i % 100},${city},${amount},${i % 7 === 0 ? 'None' : 'ok'}`);
    }
    rows.push(rows[5]!);
    const r = await loadFile(db, { fileName: 'markers.csv', bytes: new TextEncoder().encode(`${rows.join('\n')}\n`) });
    const fresh = await findIssues(db, r.table);
    expect(r.findings).toEqual(fresh);
    // City: 14 padded NA, 8 无 and 7 - (none of them on a multiple of an earlier rule); note: 18 None. The amounts'
    // n/a became NULL with the conversion; "twelve" is kept in amount__raw, which has no marker.
    expect((r.findings ?? []).filter((e) => e.rule === 'missing_markers').map((e) => [e.column, e.rows])).toEqual([['city', 29], ['note', 18]]);
    expect(r.table.columns.map((c) => c.name)).toContain('amount__raw');
  });

  it('says nothing when a value decides the order, here in another column read with the same format', async () => {
    const csv = 'id,signup,last_seen\n1,5/3/2024,13/3/2024\n2,6/4/2024,14/4/2024\n';
    const r = await loadFile(db, { fileName: 'decided.csv', bytes: new TextEncoder().encode(csv) });
    expect(await values(r.table.name, 'signup')).toEqual(['2024-03-05', '2024-04-06']);
    expect(r.log).toEqual([]);
  });

  it('reads a d/m column itself when DuckDB leaves it text, by the evidence in that column', async () => {
    const csv = 'id,first_order,seen_at\n1,2024-03-05,3/5/2024 10:00\n2,2024-04-06,3/13/2024 11:30\n';
    const r = await loadFile(db, { fileName: 'own.csv', bytes: new TextEncoder().encode(csv) });
    expect(brief(r.log)).toEqual([['parsed_dates', 'seen_at', 2, { to: 'TIMESTAMP', converted: 2, order: 'MDY' }]]);
    expect(await values(r.table.name, 'seen_at')).toEqual(['2024-03-05 10:00:00', '2024-03-13 11:30:00']);
  });

  it('cleans before roles are suggested: formatted amounts and marked blanks give an orders table', async () => {
    const csv = 'order_id,order_date,amount\nO1,2024年3月5日,"¥1,200.00"\nO2,2024年3月6日,-\nO3,2024年3月6日,¥80\nO3,2024年3月6日,¥80\n';
    const r = await loadFile(db, { fileName: 'orders_zh.csv', bytes: new TextEncoder().encode(csv) });
    expect(r.table.kind).toBe('orders');
    expect(r.table.roles).toMatchObject({ order_id: 'order_id', order_date: 'order_date', amount: 'amount' });
    expect(brief(r.log)).toEqual([
      ['parsed_dates', 'order_date', 4, { to: 'DATE', converted: 4 }],
      ['missing_to_null', 'amount', 1, { to: 'DOUBLE' }],
      ['parsed_numbers', 'amount', 3, { to: 'DOUBLE', converted: 3, decimal: '.', currency: 'CNY' }],
    ]);
    expect(brief(r.findings ?? [])).toEqual([['duplicate_rows', undefined, 1, { groups: 1 }]]);
  });

  it.skipIf(!HAS_DATA)('bread_basket: the 786 NONE items are reported, not removed', async () => {
    const b = readFileSync(path.join(DATA_DIR, 'bread_basket', 'BreadBasket_DMS.csv'));
    const r = await loadFile(db, { fileName: 'BreadBasket_DMS.csv', bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) });
    expect(r.findings?.find((e) => e.rule === 'missing_markers')).toMatchObject({ column: 'Item', rows: 786, examples: ['"NONE" ×786'] });
    expect((await db.query(`SELECT count(*) AS n FROM ${ident(r.table.name)} WHERE "Item" = 'NONE'`)).rows[0]).toEqual({ n: 786 });
  });
});
