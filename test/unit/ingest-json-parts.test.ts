/**
 * A large NDJSON file or JSON array becomes CSV a slice at a time (`jsonCsvParts`): the parts, joined, are
 * the very CSV the whole-text path writes (`readNdjson` / `readJson` + `recordsToCsv`), with the same types,
 * notes, rejected lines and line numbers, on an awkward generated file read in small slices: Chinese keys, float ids, returns as
 * negative amounts, nested objects, lists, a key that first appears late, blanks and whitespace in a number
 * column, quotes, commas and line breaks in text, long integers, CRLF endings, a BOM, blank lines, lines
 * that are not JSON, a value that is not an object and a line longer than a slice; the same records as a
 * JSON array, pretty-printed and on one line, cut inside strings, Chinese characters and long numbers.
 * `loadFile` takes this path from 16 MB on.
 */
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb, type NodeDb } from '../../src/db/node.ts';
import { IngestError } from '../../src/ingest/errors.ts';
import { loadFile } from '../../src/ingest/index.ts';
import { readJson, readNdjson } from '../../src/ingest/json.ts';
import { jsonCsvParts, JSON_PARTS_MIN_BYTES } from '../../src/ingest/json-parts.ts';
import { bytesSource, type JsonReadOptions } from '../../src/ingest/json-slices.ts';
import { recordsToCsv } from '../../src/ingest/records.ts';
import { ident } from '../../src/lib/sql.ts';

let db: NodeDb;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

/** Line `i` (0-based) of the awkward file; `null` for a blank line. */
function line(i: number): string | null {
  if (i % 97 === 13) return '';
  if (i % 211 === 50) return '{"客户编号": 1001.0, "金额": 12,'; // cut short: not JSON
  if (i === 777) return '42';
  const o: Record<string, unknown> = {
    客户编号: i % 389 === 0 ? null : 1000 + (i % 389),
    order_id: `O${i}`,
    金额: i % 17 === 0 ? -(i % 50) - 0.25 : i % 23 === 0 ? ' ' : i % 29 === 0 ? '' : i % 31 === 0 ? null : (i % 50) + 0.5,
    note: i % 11 === 0 ? `said "hi", then\nleft` : i % 13 === 0 ? '  padded  ' : `plain ${i}`,
    address: { city: i % 3 === 0 ? '上海' : 'Berlin', zip: i % 7 === 0 ? {} : `${10000 + i}` },
    tags: i % 5 === 0 ? ['a', 'b,c'] : [],
    paid: i % 2 === 0,
  };
  if (i % 41 === 0) delete o.note;
  if (i >= 3000 && i % 3 === 0) o.late_key = `late ${i}`;
  if (i % 499 === 0) o.big = '__BIG__';
  if (i === 1500) o.note = 'x'.repeat(9000);
  // Float ids as some CRMs export them (`1042.0`), and a whole number past 2^53.
  return JSON.stringify(o).replace(/("客户编号":\d+)/, '$1.0').replace('"__BIG__"', '123456789012345678901');
}

function awkward(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(line(i) ?? '');
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const ndjsonCsvParts = async (bytes: Parameters<typeof jsonCsvParts>[0], file: string, o?: JsonReadOptions) => (await jsonCsvParts(bytes, file, 'ndjson', o))!;
const arrayCsvParts = (text: string, o?: JsonReadOptions) => jsonCsvParts(bytesSource(utf8(text)), 'array.json', 'json', o);

/** A JSON document read in slices of 8 bytes fails with `code` (and at line `row`). */
async function fails(text: string, code: string, row?: number): Promise<void> {
  const err = await arrayCsvParts(text, { sliceBytes: 8 }).catch((e: unknown) => e);
  expect(err, text).toBeInstanceOf(IngestError);
  expect((err as IngestError).info, text).toMatchObject(row === undefined ? { code } : { code, row });
}

async function joined(parts: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  for await (const p of parts) out += new TextDecoder().decode(p);
  return out;
}

describe('NDJSON to CSV a slice at a time', () => {
  it('writes the same CSV, types, notes, rejected lines and line numbers as the whole-text path', async () => {
    const text = awkward(5000);
    const whole = readNdjson(text.slice(1), 'awkward.ndjson');
    const expected = recordsToCsv(whole.records, { text: 'sniff' });
    const shares: number[] = [];
    const streamed = await ndjsonCsvParts(bytesSource(new TextEncoder().encode(text)), 'awkward.ndjson', { sliceBytes: 4096, onProgress: (p) => shares.push(p) });
    expect(streamed.columns).toEqual(whole.records.columns);
    expect(streamed.columns).toContain('late_key');
    expect(streamed.columns).toContain('address.zip');
    expect(streamed.types).toEqual(expected.types);
    expect(streamed.types['金额']).toBe('DOUBLE');
    expect(streamed.notes).toEqual([...whole.notes, ...expected.notes]);
    expect(streamed.notes.find((n) => n.rule === 'blank_to_null')?.examples).toEqual(['" "', '""']);
    expect(streamed.rejected).toEqual(whole.rejected);
    expect(streamed.rejected.length).toBeGreaterThan(10);
    expect(streamed.rows).toBe(whole.records.rows.length);
    expect([...streamed.lines]).toEqual(whole.records.lines);
    expect(await joined(streamed.parts)).toBe(new TextDecoder().decode(expected.utf8));
    // Progress after every slice of both passes: rising, half-way when the first pass ends, whole at the end.
    expect(shares.length).toBeGreaterThan(100);
    expect(shares).toEqual([...shares].sort((a, b) => a - b));
    expect(shares).toContain(0.5);
    expect(shares.at(-1)).toBe(1);
  });

  it('loads a file of 16 MB or more (the size that takes the parts) with every line accounted for', async () => {
    const lines: string[] = [];
    let bytes = 0;
    let amounts = 0;
    let kept = 0;
    for (let i = 0; bytes < JSON_PARTS_MIN_BYTES + 1024; i++) {
      const l = line(i) ?? '';
      lines.push(l);
      bytes += new TextEncoder().encode(l).length + 1;
      if (l === '' || l === '42' || l.endsWith(',')) continue;
      kept++;
      const v = (JSON.parse(l) as Record<string, unknown>)['金额'];
      if (typeof v === 'number') amounts += v;
    }
    const res = await loadFile(db, { fileName: 'big.ndjson', bytes: new TextEncoder().encode(`${lines.join('\n')}\n`) });
    expect(res.source.format).toBe('ndjson');
    const row = (await db.query(`SELECT count(*) AS n, round(sum("金额"), 2) AS s, count(*) FILTER (WHERE late_key IS NOT NULL) AS late FROM ${ident(res.table.name)}`)).rows[0]!;
    // Every object line is a row, `42` among them (in the `value` column).
    expect(row.n).toBe(kept + 1);
    expect(row.s).toBeCloseTo(amounts, 2);
    expect(row.late).toBeGreaterThan(0);
    // The lines that are not JSON, by their line in the file, the slices after the first included.
    const bad = lines.flatMap((l, i) => (l.endsWith(',') ? [i + 1] : []));
    expect(bad.at(-1)).toBeGreaterThan(lines.length / 2);
    expect(res.rejectedTotal).toBe(bad.length);
    expect(res.rejected.map((r) => r.line)).toEqual(bad.slice(0, res.rejected.length));
    expect(res.rejected.at(-1)?.line).toBeGreaterThan(lines.length / 2);
    expect(new Set(res.rejected.map((r) => r.reason))).toEqual(new Set(['invalid_json']));
  });

  it('reads GB18030 text in slices', async () => {
    const text = ['{"客户": "张三", "金额": 10}', '{"客户": "李四", "金额": -2.5}', '{"客户": "王五"}'].join('\n');
    const streamed = await ndjsonCsvParts(bytesSource(new Uint8Array(iconv.encode(text, 'gbk'))), 'gbk.ndjson', { encoding: 'gb18030', sliceBytes: 16 });
    expect(await joined(streamed.parts)).toBe('客户,金额\n张三,10\n李四,-2.5\n王五,\n');
  });

  it('names the line of invalid UTF-8, of nesting too deep, and says when no line is JSON', async () => {
    const good = '{"a": 1}\n'.repeat(40);
    const broken = new Uint8Array([...new TextEncoder().encode(good), ...new TextEncoder().encode('{"a": "'), 0xff, ...new TextEncoder().encode('"}\n')]);
    const err = await ndjsonCsvParts(bytesSource(broken), 'bad.ndjson', { sliceBytes: 64 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngestError);
    expect((err as IngestError).info).toMatchObject({ code: 'corrupt_file', row: 41 });

    const deep = `${good}${'['.repeat(70)}${']'.repeat(70)}\n`;
    await expect(ndjsonCsvParts(bytesSource(new TextEncoder().encode(deep)), 'deep.ndjson', { sliceBytes: 64 })).rejects.toMatchObject({ info: { code: 'too_deep', row: 41 } });
    await expect(ndjsonCsvParts(bytesSource(new TextEncoder().encode('{"a": \n{oops\n')), 'none.ndjson')).rejects.toMatchObject({ info: { code: 'corrupt_file', row: 1 } });
    await expect(ndjsonCsvParts(bytesSource(new TextEncoder().encode('\n \n')), 'blank.ndjson')).rejects.toMatchObject({ info: { code: 'empty_file' } });
  });

  it('a JSON array, pretty or on one line, cut anywhere: the same CSV, types and notes as the whole-text path', async () => {
    const records: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const l = line(i);
      if (l && l !== '42' && !l.endsWith(',')) records.push(l);
    }
    // Values that are not objects, among them text with escaped quotes, a comma and a bracket, and a path ending in a backslash.
    records.push('"一个值"', 'null', '123456789012345678901', JSON.stringify('say "a, b" ] {'), JSON.stringify('C:\\'));
    for (const [text, sliceBytes] of [[`\uFEFF[\n${records.join(',\n')}\n]\n`, 4096], [`[${records.join(',')}]`, 997]] as const) {
      const whole = readJson(text.replace(/^\uFEFF/, ''), 'array.json');
      const expected = recordsToCsv(whole.records, { text: 'sniff' });
      const shares: number[] = [];
      const streamed = (await arrayCsvParts(text, { sliceBytes, onProgress: (p) => shares.push(p) }))!;
      expect(streamed.columns).toEqual(whole.records.columns);
      expect(streamed.types).toEqual(expected.types);
      expect(streamed.notes).toEqual([...whole.notes, ...expected.notes]);
      expect(streamed.rows).toBe(records.length);
      expect(streamed.rejected).toEqual([]);
      expect(await joined(streamed.parts)).toBe(new TextDecoder().decode(expected.utf8));
      expect(shares.at(-1)).toBe(1);
    }
    // Slices of 37 bytes cut inside nearly every long number and Chinese character.
    const cut = Array.from({ length: 150 }, (_, i) => `{"id": ${12345678901234567890n + BigInt(i)}, "名": "客户${i}"}`);
    const tiny = (await arrayCsvParts(`[${cut.join(',')}]`, { sliceBytes: 37 }))!;
    const tinyWhole = recordsToCsv(readJson(`[${cut.join(',')}]`, 'array.json').records, { text: 'sniff' });
    expect(tiny.types).toEqual(tinyWhole.types);
    expect(await joined(tiny.parts)).toBe(new TextDecoder().decode(tinyWhole.utf8));
    // Pretty-printed, each record starts on its own line, after the `[`.
    const pretty = (await arrayCsvParts(`[\n${records.join(',\n')}\n]`, { sliceBytes: 512 }))!;
    expect([...pretty.lines.subarray(0, 5)]).toEqual([2, 3, 4, 5, 6]);
    expect(pretty.lines.at(-1)).toBe(records.length + 1);
  });

  it('leaves an array of arrays (a grid) to the whole-text path, and names the line of a broken array', async () => {
    expect(await arrayCsvParts('[["id", "amount"], [1, 2]]')).toBeNull();
    await fails('[\n{"a": 1},\n{"a": }\n]', 'corrupt_file', 3);
    await fails('[\n1,\n,2]', 'corrupt_file', 3);
    await fails('[1, 2,\n]', 'corrupt_file', 2);
    await fails('[1, 2\n', 'corrupt_file', 2);
    await fails('[1]\n[2]', 'corrupt_file', 2);
    await fails('\n\n"a"', 'corrupt_file', 3);
    await fails(`[\n1,\n${'['.repeat(70)}${']'.repeat(70)}]`, 'too_deep', 3);
    await fails(' [ ] ', 'empty_file');
  });

  it('an array wrapped in an object: the array the whole-text path takes, the same CSV, types and notes, cut anywhere', async () => {
    const records: string[] = [];
    for (let i = 0; i < 1200; i++) {
      const l = line(i);
      if (l && l !== '42' && !l.endsWith(',')) records.push(l);
    }
    const other = records.slice(0, 7);
    const few = records.slice(0, 60);
    const docs: [string, string][] = [
      // The usual API export: metadata, then the records.
      [`{"meta": {"total": ${records.length}, "note": "a [bracket], a {brace}, a \\"quote\\""}, "data": [\n${records.join(',\n')}\n], "next": null}`, 'data'],
      // Records under two levels of keys, one with an escaped quote and a dot; a shorter array of records before them, and a longer one of numbers.
      [`{\n  "response": {"page": 1, "say \\"hi\\".x": {"a": [${other.join(', ')}], "rows": [\n${records.join(',\n')}\n]}},\n  "ids": [${records.map((_, i) => i).join(',')}]\n}`, 'response.say "hi".x.rows'],
      // The least nested array of records wins over a longer one further down.
      [`{"deep": {"items": [${records.join(',')}]}, "top": [${other.join(',')}]}`, 'top'],
      // Small, to be read in slices of 41 bytes (cut inside keys, escapes and Chinese characters).
      [`{"x": {"说明": "\\u5ba2\\"}", "list": [${few.join(',\n')}]}}`, 'x.list'],
    ];
    for (const [text, path] of docs) {
      const whole = readJson(text, 'wrapped.json');
      expect(whole.notes[0]).toMatchObject({ rule: 'json_path', params: { path } });
      const expected = recordsToCsv(whole.records, { text: 'sniff' });
      for (const sliceBytes of path === 'x.list' ? [41, 333] : [4093, 1 << 20]) {
        const shares: number[] = [];
        const streamed = (await arrayCsvParts(text, { sliceBytes, onProgress: (p) => shares.push(p) }))!;
        expect(streamed, `${path}, slices of ${sliceBytes}`).not.toBeNull();
        expect(streamed.columns).toEqual(whole.records.columns);
        expect(streamed.types).toEqual(expected.types);
        expect(streamed.notes).toEqual([...whole.notes, ...expected.notes]);
        expect(streamed.rows).toBe(whole.records.rows.length);
        expect(await joined(streamed.parts)).toBe(new TextDecoder().decode(expected.utf8));
        // Three reads: where the records are, their columns, the CSV.
        expect(shares.some((s) => s > 0.3 && s <= 1 / 3 + 1e-9)).toBe(true);
        expect(shares.at(-1)).toBe(1);
        expect(shares).toEqual([...shares].sort((a, b) => a - b));
      }
    }
    // Each record's line: the first after `"data": [` is on line 2.
    expect([...(await arrayCsvParts(docs[0]![0], { sliceBytes: 64 }))!.lines.subarray(0, 3)]).toEqual([2, 3, 4]);
  });

  it('leaves a wrapper without an array of records, or with a key named twice, to the whole-text path, and names the line of a broken one', async () => {
    for (const text of ['{"a": 1, "b": [1, 2]}', '{"C1": {"name": "x"}, "C2": {"name": "y"}}', '{"data": []}', '{"data": [{"a": 1}], "data": 5}', '{"a": {"b": {"c": {"d": [{"x": 1}]}}}}']) {
      expect(await arrayCsvParts(text, { sliceBytes: 5 }), text).toBeNull();
    }
    // Broken after the records, before them, in a record, or never closed.
    await fails('{"data": [\n{"a": 1},\n{"a": 2}\n],\n"meta": {"n": 2,}\n}', 'corrupt_file', 5);
    await fails('{"meta": tru,\n"data": [\n{"a": 1}\n]}', 'corrupt_file', 1);
    await fails('{"data": [\n{"a": 1},\n{"a": }\n]}', 'corrupt_file', 3);
    await fails('{"data": [\n{"a": 1}\n', 'corrupt_file', 3);
    await fails('{"data": [{"a": 1}]}\n{}', 'corrupt_file', 2);
  });

  it('loads a JSON array of 16 MB or more, alone or wrapped, every record', async () => {
    const records: string[] = [];
    let bytes = 0;
    let amounts = 0;
    for (let i = 0; bytes < JSON_PARTS_MIN_BYTES + 1024; i++) {
      const l = line(i);
      if (!l || l === '42' || l.endsWith(',')) continue;
      records.push(l);
      bytes += utf8(l).length + 2;
      const v = (JSON.parse(l) as Record<string, unknown>)['金额'];
      if (typeof v === 'number') amounts += v;
    }
    // Alone, and wrapped in an object as API exports are (after their metadata, before a cursor).
    for (const text of [`[\n${records.join(',\n')}\n]\n`, `{"meta": {"count": ${records.length}},\n"records": [\n${records.join(',\n')}\n],\n"next": "abc"}`]) {
      const shares: number[] = [];
      const res = await loadFile(db, { fileName: 'big.json', bytes: utf8(text), onProgress: (p) => shares.push(p) });
      expect(res.source.format).toBe('json');
      // Read in slices (the whole-text path tells no progress): a wrapped array in three reads, an array in two.
      expect(shares.at(-1)).toBe(1);
      expect(shares.some((p) => Math.abs(p - (text.startsWith('{') ? 1 / 3 : 1 / 2)) < 1e-9)).toBe(true);
      const row = (await db.query(`SELECT count(*) AS n, round(sum("金额"), 2) AS s FROM ${ident(res.table.name)}`)).rows[0]!;
      expect(row.n).toBe(records.length);
      expect(row.s).toBeCloseTo(amounts, 2);
      if (text.startsWith('{')) expect(res.log.find((n) => n.rule === 'json_path')?.params).toEqual({ path: 'records' });
    }
  });

  it('stops when the load is cancelled', async () => {
    const stop = new AbortController();
    stop.abort();
    await expect(ndjsonCsvParts(bytesSource(new TextEncoder().encode('{"a": 1}\n')), 'x.ndjson', { signal: stop.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(arrayCsvParts('[{"a": 1}]', { signal: stop.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
