/**
 * Filling blanks (src/ingest/fill.ts) on real DuckDB-WASM: each table is built
 * from literal values, the filled value worked out by hand from them, and each
 * undo checked to give back exactly the table it started from (types, NULLs and
 * whitespace-only cells). Also: findings' examples as a small table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db, Row } from '../../src/db/types.ts';
import { blankCountsSql, columnBlanks, fillBlanks, FillError, fillBlocks, type FillRequest } from '../../src/ingest/fill.ts';
import { findIssues } from '../../src/ingest/findings.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { undoCleaning } from '../../src/ingest/undo.ts';
import { ident, lit } from '../../src/lib/sql.ts';
import { sourcesOf } from '../../src/report/doc/sources.ts';
import { replayCleaning } from '../../src/report/restore.ts';

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

type Value = string | number | null;

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

async function snapshot(table: string): Promise<{ columns: { name: string; type: string }[]; rows: Row[] }> {
  return { columns: await columns(table), rows: (await db.query(`SELECT * FROM ${ident(table)} ORDER BY rowid`)).rows };
}

async function values(table: string, column: string): Promise<Value[]> {
  return (await db.query(`SELECT CAST(${ident(column)} AS VARCHAR) AS v FROM ${ident(table)} ORDER BY rowid`)).rows.map((r) => r.v as Value);
}

async function blanksOf(table: string): Promise<Record<string, number>> {
  return Object.fromEntries((await columnBlanks(db, table, await columns(table))).map((b) => [b.column, b.blanks]));
}

async function refused(req: FillRequest): Promise<FillError> {
  const e = await fillBlanks(db, req).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(FillError);
  return e as FillError;
}

describe('fill blanks', () => {
  it('counts blanks per column: NULL everywhere, spaces only in text', async () => {
    await makeTable('b', { n: [1, null, 3, null], s: ['a', ' ', null, '\u3000'], d: ['2024-01-01', null, null, null] }, { n: 'BIGINT', d: 'DATE' });
    expect(await blanksOf('b')).toEqual({ n: 2, s: 3, d: 3 });
    const row = (await db.query(blankCountsSql('b', await columns('b')))).rows[0]!;
    expect(Number(row.rows)).toBe(4);
  });

  it('numeric with blanks: median fills both blanks, the log counts them, undo gives the NULLs back', async () => {
    // Values 10, 20, 30, 100: median 25 (between 20 and 30) for DOUBLE; whole numbers take an observed middle value (20).
    await makeTable('num', { amount: [10, null, 30, 100, null, 20], qty: [1, null, 3, 7, 2, null] }, { amount: 'DOUBLE', qty: 'BIGINT' });
    const before = await snapshot('num');
    const e = await fillBlanks(db, { table: 'num', column: 'amount', method: 'median' });
    expect(e).toMatchObject({ rule: 'filled', table: 'num', column: 'amount', rows: 2, params: { method: 'median', value: '25.0', type: 'DOUBLE' } });
    expect(e.examples).toEqual(['NULL → 25.0']);
    expect(await values('num', 'amount')).toEqual(['10.0', '25.0', '30.0', '100.0', '25.0', '20.0']);
    const q = await fillBlanks(db, { table: 'num', column: 'qty', method: 'median' });
    expect(q.params).toMatchObject({ value: '2', type: 'BIGINT' });
    expect((await columns('num')).map((c) => c.type)).toEqual(['DOUBLE', 'BIGINT']);
    // No blanks left: filling again is refused, with the reason.
    expect((await refused({ table: 'num', column: 'amount', method: 'mode' })).params.reason).toBe('no_blanks');
    await undoCleaning(db, q);
    await undoCleaning(db, e);
    expect(await snapshot('num')).toEqual(before);
  });

  it('text with blanks: the missing level, mode (ties: smallest) and a constant; undo restores NULL and spaces exactly', async () => {
    await makeTable('txt', { city: ['Leeds', null, ' ', 'York', 'Leeds', 'York', '', 'Bath'] });
    const before = await snapshot('txt');
    expect(await blanksOf('txt')).toEqual({ city: 3 });
    const m = await fillBlanks(db, { table: 'txt', column: 'city', method: 'missing', value: 'missing' });
    expect(m.rows).toBe(3);
    expect(await values('txt', 'city')).toEqual(['Leeds', 'missing', 'missing', 'York', 'Leeds', 'York', 'missing', 'Bath']);
    await undoCleaning(db, m);
    expect(await snapshot('txt')).toEqual(before);
    const mode = await fillBlanks(db, { table: 'txt', column: 'city', method: 'mode' });
    expect(mode.params?.value).toBe('Leeds');
    await undoCleaning(db, mode);
    const c = await fillBlanks(db, { table: 'txt', column: 'city', method: 'constant', value: '  Hull ' });
    expect(c.params?.value).toBe('Hull');
    await undoCleaning(db, c);
    expect(await snapshot('txt')).toEqual(before);
    // Text has no median; a blank constant is no value.
    expect((await refused({ table: 'txt', column: 'city', method: 'median' })).params.reason).toBe('not_ordered');
    expect((await refused({ table: 'txt', column: 'city', method: 'constant', value: '   ' })).code).toBe('bad_value');
  });

  it('dates: median is an observed day, a constant must read as a date', async () => {
    await makeTable('dt', { day: ['2024-01-05', null, '2024-03-01', '2024-02-10', null] }, { day: 'DATE' });
    const before = await snapshot('dt');
    const bad = await refused({ table: 'dt', column: 'day', method: 'constant', value: '31/02/2024' });
    expect(bad).toMatchObject({ code: 'bad_value', params: { type: 'DATE' } });
    expect((await refused({ table: 'dt', column: 'day', method: 'missing', value: 'missing' })).params.reason).toBe('not_text');
    const med = await fillBlanks(db, { table: 'dt', column: 'day', method: 'median' });
    expect(med.params?.value).toBe('2024-02-10');
    await undoCleaning(db, med);
    const k = await fillBlanks(db, { table: 'dt', column: 'day', method: 'constant', value: '2024-12-31' });
    expect(await values('dt', 'day')).toEqual(['2024-01-05', '2024-12-31', '2024-03-01', '2024-02-10', '2024-12-31']);
    await undoCleaning(db, k);
    expect(await snapshot('dt')).toEqual(before);
    // A number column refuses text.
    await makeTable('nn', { x: [1.5, null] }, { x: 'DOUBLE' });
    expect((await refused({ table: 'nn', column: 'x', method: 'constant', value: 'abc' })).code).toBe('bad_value');
  });

  it('Chinese headers and values: 缺失 as the level, mode of 城市', async () => {
    await makeTable('中文表', { 城市: ['北京', null, '上海', '北京', '  '], 金额: [100, 200, null, 400, 500] }, { 金额: 'INTEGER' });
    const before = await snapshot('中文表');
    const mode = await fillBlanks(db, { table: '中文表', column: '城市', method: 'mode' });
    expect(mode).toMatchObject({ rows: 2, params: { value: '北京' } });
    await undoCleaning(db, mode);
    const level = await fillBlanks(db, { table: '中文表', column: '城市', method: 'missing', value: '缺失' });
    expect(await values('中文表', '城市')).toEqual(['北京', '缺失', '上海', '北京', '缺失']);
    const amount = await fillBlanks(db, { table: '中文表', column: '金额', method: 'median' });
    // 100, 200, 400, 500: the lower middle value for whole numbers.
    expect(amount.params).toMatchObject({ value: '200', type: 'INTEGER' });
    // The report's data sources list the step with its count.
    const info = { name: '中文表', source: 'x.csv', kind: 'orders', roles: {}, columns: await columns('中文表'), rowCount: 5 } as unknown as TableInfo;
    const src = sourcesOf([info], [level, amount], (k) => k, String);
    expect(src[0]!.cleaning).toEqual(['rule.filled (城市): 2', 'rule.filled (金额): 1']);
    await undoCleaning(db, amount);
    await undoCleaning(db, level);
    expect(await snapshot('中文表')).toEqual(before);
  });

  it('an all-blank column offers no method, and says why', async () => {
    await makeTable('empty', { note: [null, ' ', null], n: [null, null, null] }, { n: 'DOUBLE' });
    const b = await columnBlanks(db, 'empty', await columns('empty'));
    for (const col of b) expect(Object.values(fillBlocks(col))).toEqual(['all_blank', 'all_blank', 'all_blank', 'all_blank']);
    expect((await refused({ table: 'empty', column: 'note', method: 'constant', value: 'x' })).params.reason).toBe('all_blank');
    expect(fillBlocks({ column: 'x', type: 'VARCHAR', rows: 3, blanks: 1 })).toEqual({ median: 'not_ordered', mode: null, constant: null, missing: null });
    expect(fillBlocks({ column: 'x', type: 'STRUCT(a INTEGER)', rows: 3, blanks: 1 }).mode).toBe('type');
  });

  it('a reload replays the fill with the logged value after the fresh load', async () => {
    await makeTable('re', { v: [1, null, 5] }, { v: 'DOUBLE' });
    const saved = await fillBlanks(db, { table: 're', column: 'v', method: 'median' });
    await makeTable('re', { v: [1, null, 5] }, { v: 'DOUBLE' });
    const res = { table: { name: 're' }, log: [], findings: [] } as unknown as Parameters<typeof replayCleaning>[1];
    const out = await replayCleaning(db, res, [saved]);
    expect(out.log.map((e) => [e.rule, e.column, e.rows, e.params?.value])).toEqual([['filled', 'v', 1, '3.0']]);
    expect(await values('re', 'v')).toEqual(['1.0', '3.0', '5.0']);
    await undoCleaning(db, out.log[0]!);
    expect(await values('re', 'v')).toEqual(['1.0', null, '5.0']);
  });
});

describe('findings as small tables', () => {
  it('duplicate rows carry their fields column by column, with the count', async () => {
    await makeTable('dup', { customer_id: [7, 7, 8, 7], 城市: ['北京', '北京', null, '北京'] }, { customer_id: 'BIGINT' });
    const info = { name: 'dup', source: 'dup.csv', kind: 'orders', roles: {}, columns: await columns('dup'), rowCount: 4 } as unknown as TableInfo;
    const found = await findIssues(db, info);
    const dup = found.find((f) => f.rule === 'duplicate_rows')!;
    expect(dup.sample).toEqual({ columns: ['customer_id', '城市'], rows: [{ values: ['7', '北京'], count: 3 }] });
  });
});
