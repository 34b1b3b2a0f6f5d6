/**
 * The memory estimate made before a file loads (src/ingest/memory-fit.ts):
 * pure cases (headers, budgets), and the estimate against what DuckDB-WASM
 * really holds after the app's own loadFile reads a generated orders file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadFile } from '../../src/ingest/index.ts';
import { orderLineChunks } from '../../src/demo/generate.ts';
import {
  checkFit, estimateLoadBytes, fileFit, fitFormat, jsonArrayShape, memoryBudget, ndjsonShape, textShape, WASM_HEAP_LIMIT_BYTES, type Fit,
} from '../../src/ingest/memory-fit.ts';

const GiB = 1024 ** 3;

describe('textShape', () => {
  it('counts columns by the delimiter that splits the header most, quotes respected', () => {
    expect(textShape('a,b,"c,d",e\n1,2,3,4\n')).toEqual({ columns: 4, lineBytes: 10 });
    expect(textShape('客户编号\t订单日期\t金额\n1\t2024-01-01\t3.5\n').columns).toBe(3);
    expect(textShape('\ufeffid;name\r\n1;x\r\n').columns).toBe(2);
  });
  it('skips blank lines and the cut-off last line; no full line means unknown', () => {
    const s = textShape('id,amount\n\n1,-2.5\n2,1e3\n3,12');
    expect(s.columns).toBe(2);
    // Three non-blank complete lines in the 24 bytes up to the last newline.
    expect(s.lineBytes).toBe(8);
    expect(textShape('id,amount')).toEqual({ columns: null, lineBytes: null });
    expect(textShape('')).toEqual({ columns: null, lineBytes: null });
  });
  it('measures line length in bytes, not characters (Chinese text is 3 bytes a character)', () => {
    expect(textShape('名称\n张三\n').lineBytes).toBe(7);
  });
});

describe('ndjsonShape', () => {
  it('counts keys (nested ones flattened) over the first lines, and the share of a line that is values', () => {
    const lines = ['{"id": 1, "address": {"city": "上海"}}', '{"id": 2, "late": true}'];
    const s = ndjsonShape(`${lines.join('\n')}\nnot json\n{"id": 3, "cut`);
    expect(s.columns).toBe(3);
    const bytes = (t: string) => new TextEncoder().encode(t).length + 1;
    expect(s.lineBytes).toBe((bytes(lines[0]!) + bytes(lines[1]!)) / 2);
    expect(s.valueShare).toBeGreaterThan(0.1);
    expect(s.valueShare).toBeLessThan(0.5);
    expect(ndjsonShape('{"id": 1')).toEqual({ columns: null, lineBytes: null, valueShare: null });
  });
  it('reads the complete elements of a JSON array’s head, pretty-printed or not, the cut-off last one left out', async () => {
    const pretty = JSON.stringify([{ id: 1, address: { city: '上海' } }, { id: 2, late: true }], null, 2);
    const cut = `${pretty.slice(0, -1)},\n  {"id": 3, "unfinis`;
    const s = (await jsonArrayShape(cut))!;
    expect(s.columns).toBe(3);
    expect(s.lineBytes).toBeGreaterThan(20);
    expect(await jsonArrayShape('{"data": [1, 2]}')).toBeNull();
    // Wrapped in an object (an API export), the head cut inside the records: the records' shape, not the wrapper's.
    const wrapped = (await jsonArrayShape(`{"meta": {"total": 3, "source": "crm"}, "results": ${cut}`))!;
    expect(wrapped).toEqual(s);
    expect(await jsonArrayShape('id,amount\n1,2\n')).toBeNull();
  });
});

describe('budget and estimate', () => {
  it('takes the smaller of DuckDB’s share of the wasm32 heap and half the device memory', () => {
    expect(memoryBudget()).toBeLessThan(WASM_HEAP_LIMIT_BYTES);
    expect(memoryBudget()).toBeGreaterThan(3 * GiB);
    expect(memoryBudget({ deviceMemoryGb: 2 })).toBe(GiB);
    expect(memoryBudget({ deviceMemoryGb: 8 })).toBe(memoryBudget());
    expect(memoryBudget({ deviceMemoryGb: 0 })).toBe(memoryBudget());
    expect(memoryBudget({ budgetBytes: 1000, deviceMemoryGb: 8 })).toBe(1000);
  });
  it('grows with columns at the same size, and with size', () => {
    const base = { bytes: 100e6, format: 'text' as const, lineBytes: 80 };
    expect(estimateLoadBytes({ ...base, columns: 30 })).toBeGreaterThan(estimateLoadBytes({ ...base, columns: 5 }));
    expect(estimateLoadBytes({ ...base, bytes: 200e6, columns: 5 })).toBeGreaterThan(estimateLoadBytes({ ...base, columns: 5 }));
    // Unknown shape still gives an estimate above the file size.
    expect(estimateLoadBytes({ bytes: 100e6, format: 'text', columns: null, lineBytes: null })).toBeGreaterThan(100e6);
    expect(estimateLoadBytes({ bytes: 100e6, format: 'parquet', columns: null, lineBytes: null })).toBeGreaterThan(500e6);
  });
  it('an 81 MB 1M-line export fits; the same at 10M lines does not fit in a tab', () => {
    const one = checkFit({ bytes: 81e6, format: 'text', columns: 10, lineBytes: 81 });
    expect(one.fits).toBe(true);
    expect(one.rows).toBe(999_999);
    expect(checkFit({ bytes: 810e6, format: 'text', columns: 10, lineBytes: 81 }).fits).toBe(false);
    expect(checkFit({ bytes: 810e6, format: 'text', columns: 10, lineBytes: 81 }, { deviceMemoryGb: 0.5 }).budgetBytes).toBe(GiB / 4);
  });
  it('formats by extension', () => {
    expect(fitFormat('订单.PARQUET')).toBe('parquet');
    expect(fitFormat('a.xlsx')).toBe('xlsx');
    expect(fitFormat('a.csv.gz')).toBe('text');
    expect(fitFormat('a.jsonl')).toBe('ndjson');
    expect(fitFormat('a.NDJSON')).toBe('ndjson');
    expect(fitFormat('a.json')).toBe('json');
    expect(fitFormat('no-extension')).toBe('text');
  });
});

describe('against DuckDB-WASM', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openNodeDb();
  });
  afterAll(async () => db.close());

  /** The file's estimate, and what DuckDB holds once the app's loadFile has read its 40,000 rows. */
  async function estimateAndHeld(file: File, bytes: Uint8Array): Promise<{ fit: Fit; held: number }> {
    const fit = await fileFit(file);
    expect(fit.rows).toBeGreaterThan(36_000);
    expect(fit.rows).toBeLessThan(44_000);
    const memory = async () => Number((await db.query('SELECT sum(memory_usage_bytes) AS b FROM duckdb_memory()')).rows[0]!.b);
    const before = await memory();
    const res = await loadFile(db, { fileName: file.name, bytes });
    expect(res.table.rowCount).toBe(40_000);
    const held = (await memory()) - before;
    expect(held).toBeGreaterThan(0);
    expect(fit.estimateBytes).toBeGreaterThan(held);
    expect(fit.estimateBytes).toBeLessThan(held * 8);
    return { fit, held };
  }

  it('the estimate covers what the loaded table holds, within a sane factor', async () => {
    const text = [...orderLineChunks({ rows: 40_000, seed: 7 })].join('');
    const bytes = new TextEncoder().encode(text);
    const file = new File([bytes], 'orders 订单.csv');
    const { fit, held } = await estimateAndHeld(file, bytes);
    expect(fit.fits).toBe(true);
    expect((await fileFit(file, { budgetBytes: held })).fits).toBe(false);
  }, 60_000);

  /** 40,000 generated order lines as JSON records, and their column names. */
  function orderRecords(seed: number): { records: string[]; names: string[] } {
    const csv = [...orderLineChunks({ rows: 40_000, seed })].join('').trimEnd().split('\n');
    const names = csv[0]!.split(',');
    const records = csv.slice(1).map((l) => JSON.stringify(Object.fromEntries(l.split(',').map((v, i) => [names[i], Number.isNaN(Number(v)) || v === '' ? v : Number(v)]))));
    return { records, names };
  }

  it('an NDJSON file: rows from its line length, the estimate what its table holds, not its keys', async () => {
    const { records, names } = orderRecords(8);
    const bytes = new TextEncoder().encode(`${records.join('\n')}\n`);
    const { fit } = await estimateAndHeld(new File([bytes], 'orders.ndjson'), bytes);
    // Counted as a text file of the same bytes, its keys would be taken for values.
    expect(fit.estimateBytes).toBeLessThan(estimateLoadBytes({ bytes: bytes.length, format: 'text', columns: names.length, lineBytes: bytes.length / 40_000 }));
  }, 60_000);

  it('a JSON array of records is estimated as NDJSON is (it is read in slices too); another JSON file as objects', async () => {
    const { records } = orderRecords(9);
    const bytes = new TextEncoder().encode(`[\n${records.join(',\n')}\n]\n`);
    const { fit } = await estimateAndHeld(new File([bytes], 'orders.json'), bytes);
    // Wrapped in an object, the records are read in slices too.
    const wrapped = await fileFit(new File([`{"data": ${new TextDecoder().decode(bytes)}}`], 'orders.json'));
    expect(wrapped.rows! / fit.rows!).toBeCloseTo(1, 3);
    expect(wrapped.estimateBytes / fit.estimateBytes).toBeCloseTo(1, 3);
    // Records keyed by id are read whole, as objects.
    const keyed = await fileFit(new File([`{${records.map((r, i) => `"O${i}": ${r}`).join(',\n')}}`], 'orders.json'));
    expect(keyed.rows).toBeNull();
    expect(keyed.estimateBytes).toBeGreaterThan(fit.estimateBytes * 2);
  }, 60_000);
});
