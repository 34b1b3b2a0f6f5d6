/**
 * Issue 9, item 8: every ingest error says what happened, briefly. Engine
 * messages are shortened in one place (`engineErrorDetail`) and checked on real
 * DuckDB-WASM errors; an empty reason never shows as "()"; deep JSON and NUL
 * characters get their own typed messages.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb, type NodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { translate, type MessageKey, type Params } from '../../src/i18n/index.ts';
import { IngestError } from '../../src/ingest/errors.ts';
import { HANDLE_MIN_BYTES, loadFile } from '../../src/ingest/index.ts';
import { MAX_JSON_DEPTH, readJson, readNdjson } from '../../src/ingest/json.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import { engineErrorDetail, errorMessage, isStringTooLongError, MAX_DETAIL_CHARS } from '../../src/lib/errors.ts';
import { ident } from '../../src/lib/sql.ts';
import { describeIngestError, joinFailures } from '../../src/report/ingest-errors.ts';

const en = (key: MessageKey, params?: Params) => translate('en', key, params);
const zh = (key: MessageKey, params?: Params) => translate('zh-CN', key, params);
const utf8 = (s: string) => new TextEncoder().encode(s);
/** What the alert shows: `load.failed` around the described error. */
const alert = (file: string, e: unknown, t = en) => t('load.failed', { file, reason: describeIngestError(e, t) });

/** One line of about 3 MB, no newline, full of quotes and delimiters. */
const SINGLE_LINE = ('"' + 'x'.repeat(200) + '""' + 'y'.repeat(200) + '"' + 'z'.repeat(95) + ';').repeat(6000);

let db: NodeDb;
let dir: string;
beforeAll(async () => {
  db = await openNodeDb();
  dir = mkdtempSync(path.join(tmpdir(), 'crm-lens-errors-'));
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<IngestError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof IngestError) return e;
    throw e;
  }
  throw new Error('expected an IngestError');
}

/** A real DuckDB-WASM error from `sql`. */
async function duckdbError(sql: string): Promise<Error> {
  try {
    await db.exec(sql);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`expected DuckDB to fail: ${sql}`);
}

describe('engineErrorDetail (real DuckDB-WASM errors)', () => {
  it('a multi-MB single line: the reason and the line number, no query, no file text, no option dump', async () => {
    await db.registerBuffer('crm_lens_ingest_one.csv', utf8(SINGLE_LINE));
    // Without store_rejects DuckDB raises for this line, as the browser did: 10 KB of message.
    const e = await duckdbError(`CREATE TABLE one AS SELECT * FROM read_csv('crm_lens_ingest_one.csv', auto_detect = true)`);
    expect(e.message.length).toBeGreaterThan(5000);
    expect(e.message).toContain('CREATE TABLE');
    const { detail, line } = engineErrorDetail(e);
    expect(line).toBe(1);
    expect(detail.length).toBeLessThanOrEqual(MAX_DETAIL_CHARS);
    expect(detail).toMatch(/^Maximum line size of \d+ bytes exceeded/);
    expect(detail).not.toMatch(/CREATE|read_csv|Original Line|xxxx|crm_lens|Possible|delimiter =/);
    await db.dropFile('crm_lens_ingest_one.csv');
  });

  it('a sniffer failure: what went wrong, without the search space, the fixes or the internal file name', async () => {
    await db.registerBuffer('crm_lens_ingest_sniff.csv', utf8(SINGLE_LINE.slice(0, 100_000)));
    const e = await duckdbError(`SELECT * FROM read_csv('crm_lens_ingest_sniff.csv', delim = ';', quote = '"', strict_mode = true)`);
    expect(e.message).toMatch(/search space/);
    const { detail, line } = engineErrorDetail(e);
    expect(line).toBeUndefined();
    expect(detail).toMatch(/^Error when sniffing file\. It was not possible to automatically detect the CSV parsing dialect/);
    expect(detail).not.toMatch(/crm_lens|SELECT|read_csv|Candidates|Possible fixes|\*/);
    await db.dropFile('crm_lens_ingest_sniff.csv');
  });

  it('a message that is nothing but a query gives an empty detail, for the caller to replace', () => {
    expect(engineErrorDetail(new Error("LINE 1: CREATE TABLE t AS SELECT * FROM read_csv('x.csv')\n   ^")).detail).toBe('');
    expect(engineErrorDetail(new Error('')).detail).toBe('');
  });
});

describe('text too long for one string', () => {
  it('V8’s refusal is told apart from other errors, and its message says which formats are read in parts', () => {
    let refused: unknown;
    try {
      'x'.repeat(2 ** 30);
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(RangeError);
    expect(isStringTooLongError(refused)).toBe(true);
    expect(isStringTooLongError(new Error('wrapped', { cause: refused }))).toBe(true);
    expect(isStringTooLongError(new Error('Cannot create a string longer than 0x1fffffe8 characters'))).toBe(true);
    expect(isStringTooLongError(new RangeError('Maximum call stack size exceeded'))).toBe(false);
    const e = new IngestError({ code: 'text_too_long', file: 'export.json' });
    expect(alert('export.json', e)).toMatch(/NDJSON.*Parquet/);
    expect(alert('export.json', e, zh)).toMatch(/NDJSON.*Parquet/);
  });
});

describe('no empty reason', () => {
  it('errorMessage never returns an empty string', () => {
    expect(errorMessage(new Error(''))).toBe('Error (no message)');
    expect(errorMessage(new Error('', { cause: new Error('disk full') }))).toBe('disk full');
    expect(errorMessage(new RangeError(''))).toBe('RangeError (no message)');
    expect(errorMessage('')).toBe('Unknown error (no message)');
  });

  it('an IngestError with an empty detail names no "()" in either language', () => {
    const e = new IngestError({ code: 'parse_failed', file: 'big.csv', params: { detail: '' } });
    expect(e.message).toBe('big.csv could not be read as a delimited file. Save it as CSV and try again.');
    expect(alert('big.csv', e)).toBe('Could not load big.csv: it could not be read as a delimited file (the reader gave no reason). Save it as CSV and try again.');
    expect(alert('big.csv', e, zh)).not.toContain('（）');
    expect(alert('big.csv', e, zh)).toContain('读取程序未给出原因');
    const corrupt = new IngestError({ code: 'corrupt_file', file: 'b.xlsx', params: { format: 'xlsx', detail: '   ' } });
    expect(describeIngestError(corrupt, en)).not.toMatch(/\(\s*\)/);
  });

  it('an error that is not an IngestError is shortened too, and never blank', () => {
    expect(describeIngestError(new Error(''), en)).toBe('the reader gave no reason');
    expect(describeIngestError(new Error('', { cause: new Error('disk full') }), en)).toBe('disk full');
    expect(describeIngestError(new Error(`Binder Error: x\nLINE 1: SELECT ${'y'.repeat(5000)}`), en)).toBe('x');
  });
});

describe('a DuckDB parse error on a multi-MB single-line file', () => {
  it('reaches the user short, naming the file, with the line and no SQL', async () => {
    // DuckDB-WASM in the browser raises for this file; in Node store_rejects turns it into a rejected line.
    // This Db reads as the browser did: the same statement, rejects not stored.
    const raising: Db = {
      ...db,
      query: (s) => db.query(s),
      exec: (s) => db.exec(s.startsWith('CREATE TABLE') ? s.replace('store_rejects = true', 'store_rejects = false').replace(/, rejects_(table|scan) = '[^']*'/g, '') : s),
      registerBuffer: (n, b) => db.registerBuffer(n, b),
      dropFile: (n) => db.dropFile(n),
    };
    const e = await failure(loadDelimited(raising, { fileName: 'one line.csv', bytes: utf8(SINGLE_LINE) }));
    expect(e.info).toMatchObject({ code: 'parse_failed', file: 'one line.csv', row: 1 });
    for (const text of [alert('one line.csv', e), alert('one line.csv', e, zh), e.message]) {
      expect(text.length).toBeLessThanOrEqual(300);
      expect(text).toContain('one line.csv');
      expect(text).not.toMatch(/CREATE|read_csv|crm_lens|xxxx/);
    }
    expect(alert('one line.csv', e)).toMatch(/^Could not load one line\.csv: it could not be read as a delimited file \(Maximum line size of \d+ bytes exceeded.*\)\. Save it as CSV and try again\. \(line 1\)$/);
    expect((await db.query(`SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE 'one_line%'`)).rows[0]?.n).toBe(0);
  });

  it('as DuckDB in Node reads it (rejects stored): a short ragged-rows message', async () => {
    const e = await failure(loadDelimited(db, { fileName: 'one line.csv', bytes: utf8(SINGLE_LINE) }));
    expect(e.code).toBe('ragged_rows');
    expect(alert('one line.csv', e).length).toBeLessThanOrEqual(300);
  });
});

describe('deeply nested JSON', () => {
  const arrays = '['.repeat(100_000) + ']'.repeat(100_000);
  const objects = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);

  it.each([
    ['arrays', arrays],
    ['objects', objects],
  ])('100,000 levels of %s: too_deep with the limit and the line, in both languages', async (_kind, text) => {
    const e = await failure(loadFile(db, { fileName: 'deep.json', bytes: utf8(`\n${text}\n`) }));
    expect(e.info).toEqual({ code: 'too_deep', file: 'deep.json', row: 2, params: { format: 'json', depth: MAX_JSON_DEPTH } });
    expect(alert('deep.json', e)).toBe(
      'Could not load deep.json: it is nested more than 64 levels deep, deeper than CRM Lens reads. Flatten the nested fields (or export the records as CSV) and try again. (line 2)',
    );
    expect(alert('deep.json', e, zh)).toBe('无法加载 deep.json：数据嵌套超过 64 层，超出 CRM Lens 可读取的深度。请把嵌套字段展开（或将记录导出为 CSV）后重试。（第 2 行）');
  });

  it('brackets inside strings (escaped quotes too) do not count', () => {
    const value = '"' + '[{\\"'.repeat(1000) + '"';
    expect(readJson(`[{"id": 1, "note": ${value}}]`, 'notes.json').records.rows).toHaveLength(1);
  });

  it('NDJSON: a line nested too deep names its line', () => {
    const e = (() => {
      try {
        readNdjson(`{"id": 1}\n{"id": 2}\n${objects}\n`, 'deep.ndjson');
      } catch (err) {
        return err as IngestError;
      }
      throw new Error('expected an IngestError');
    })();
    expect(e.info).toMatchObject({ code: 'too_deep', row: 3, params: { depth: MAX_JSON_DEPTH } });
  });

  it('20 levels still load: objects flattened to a dotted name, arrays kept as JSON text', async () => {
    const nested = '{"a":'.repeat(19) + '1' + '}'.repeat(19);
    const { table } = await loadFile(db, { fileName: 'twenty.json', bytes: utf8(`[{"id": 1, "n": ${nested}}, {"id": 2}]`) });
    const name = ['n', ...Array<string>(19).fill('a')].join('.');
    expect(table.columns.map((c) => c.name)).toEqual(['id', name]);
    expect((await db.query(`SELECT CAST(${ident(name)} AS VARCHAR) AS v FROM ${ident(table.name)} ORDER BY id`)).rows).toEqual([{ v: '1' }, { v: null }]);
    const lists = readJson(`[{"id": 1, "l": ${'['.repeat(18)}1${']'.repeat(18)}}]`, 'lists.json');
    expect(lists.records.rows[0]).toEqual([1, JSON.parse(`${'['.repeat(18)}1${']'.repeat(18)}`)]);
  });
});

describe('NUL characters: one rule wherever they are', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1},name ${i + 1},${(i % 97) + 0.5}`).join('\n');

  it('in the first 64 KiB: the binary-file message', async () => {
    const e = await failure(loadFile(db, { fileName: 'head.csv', bytes: utf8(`id,name,amount\n1,a\u0000b,2\n`) }));
    expect(e.info).toEqual({ code: 'binary_file', file: 'head.csv', params: { format: 'unknown' } });
  });

  it('in a column name past the head: refused, naming the column position', async () => {
    const wide = 'x'.repeat(70 * 1024);
    const e = await failure(loadFile(db, { fileName: 'wide.csv', bytes: utf8(`id,${wide},bad\u0000name\n${rows(3).replace(/,(\d+\.5)$/gm, ',$1,z')}\n`) }));
    expect(e.info).toEqual({ code: 'nul_in_header', file: 'wide.csv', params: { position: 3 } });
    expect(alert('wide.csv', e)).toMatch(/^Could not load wide\.csv: the name of column 3 contains a NUL character/);
    expect(alert('wide.csv', e, zh)).toContain('第 3 列的列名含有 NUL 字符');
  });

  it('in a JSON key: refused the same way', async () => {
    const e = await failure(loadFile(db, { fileName: 'keys.json', bytes: utf8('[{"id": 1, "na\\u0000me": "a"}]') }));
    expect(e.info).toEqual({ code: 'nul_in_header', file: 'keys.json', params: { position: 2 } });
  });

  it('in values past the head (> 64 KiB): removed and logged with a count, never kept', async () => {
    const text = `id,name,amount\n${rows(5000)}\n5001,late\u0000value,1.5\n5002,two\u0000\u0000nuls,2.5\n`;
    expect(text.length).toBeGreaterThan(64 * 1024);
    const { table, log } = await loadFile(db, { fileName: 'late.csv', bytes: utf8(text) });
    const entry = log.find((l) => l.rule === 'nul_removed');
    expect(entry).toMatchObject({ column: 'name', rows: 2, examples: ['"late\\u0000value" → "latevalue"', '"two\\u0000\\u0000nuls" → "twonuls"'] });
    expect((await db.query(`SELECT count(*) AS n FROM ${ident(table.name)} WHERE contains(name, chr(0))`)).rows[0]?.n).toBe(0);
    expect((await db.query(`SELECT name FROM ${ident(table.name)} WHERE id = 5001`)).rows).toEqual([{ name: 'latevalue' }]);
  });

  it('in JSON values: removed and logged the same way', async () => {
    const { log } = await loadFile(db, { fileName: 'values.json', bytes: utf8('[{"id": 1, "name": "a\\u0000b"}, {"id": 2, "name": "c"}]') });
    expect(log.find((l) => l.rule === 'nul_removed')).toMatchObject({ column: 'name', rows: 1 });
  });

  it(`in a value of a file over ${HANDLE_MIN_BYTES / 1024 / 1024} MiB, read by DuckDB through its handle: removed and logged`, async () => {
    const line = 'C000000,some customer name padded to make the file large,123.45\n';
    const count = Math.ceil((HANDLE_MIN_BYTES + 1024 * 1024) / line.length);
    const body = `id,name,amount\n${line.repeat(count)}C999999,nul\u0000inside,1.0\n`;
    const file = path.join(dir, 'big.csv');
    writeFileSync(file, body);
    let registered = '';
    const byHandle: Db = {
      ...db,
      query: (s) => db.query(s),
      exec: (s) => db.exec(s),
      registerBuffer: (n, b) => db.registerBuffer(n, b),
      dropFile: (n) => db.dropFile(n),
      // Node's stand-in for the browser's File handle: DuckDB reads the file from disk, not from JS memory.
      registerFile: async (n) => {
        registered = n;
        return db.registerPath(n, file);
      },
    };
    const { table, log } = await loadFile(byHandle, { fileName: 'big.csv', file: new File([body], 'big.csv') });
    expect(registered).not.toBe('');
    expect(table.rowCount).toBe(count + 1);
    expect(log.find((l) => l.rule === 'nul_removed')).toMatchObject({ column: 'name', rows: 1, examples: ['"nul\\u0000inside" → "nulinside"'] });
    await db.exec(`DROP TABLE ${ident(table.name)}`);
  });
});

describe('joinFailures', () => {
  const fail = (i: number) => `Could not load f${i}.csv: the file is empty.`;

  it('one failure is its message; none is empty', () => {
    expect(joinFailures([fail(1)], en)).toBe(fail(1));
    expect(joinFailures([], en)).toBe('');
  });

  it('lists every failure, one per line', () => {
    expect(joinFailures([1, 2, 3].map(fail), en)).toBe(['3 files could not be loaded:', ...[1, 2, 3].map((i) => `• ${fail(i)}`)].join('\n'));
  });

  it('shows five, then how many more', () => {
    const text = joinFailures([1, 2, 3, 4, 5, 6, 7, 8].map(fail), en);
    expect(text.split('\n')).toEqual(['8 files could not be loaded:', ...[1, 2, 3, 4, 5].map((i) => `• ${fail(i)}`), '…and 3 more.']);
    expect(joinFailures([1, 2, 3, 4, 5, 6].map(fail), zh).split('\n').at(-1)).toBe('……另有 1 个。');
  });
});
