import { describe, expect, it } from 'vitest';
import { basketsToCsv, sniffBaskets, splitLine } from '../../src/ingest/basket.ts';
import { IngestError } from '../../src/ingest/errors.ts';
import { jsonErrorOffset, readJson, readNdjson, sniffJson } from '../../src/ingest/json.ts';
import { csvCell, gridToRecords, objectsToRecords, planColumn, recordsToCsv, uniqueNames } from '../../src/ingest/records.ts';
import { parquetColumnType } from '../../src/ingest/parquet.ts';
import { rejectedRowsCsv, rejectReason } from '../../src/ingest/result.ts';
import { sniffContainer, sniffMarkup } from '../../src/ingest/sniff.ts';

const utc = (...a: [number, number, number, number?, number?, number?]) => new Date(Date.UTC(a[0], a[1] - 1, a[2], a[3] ?? 0, a[4] ?? 0, a[5] ?? 0));
const ascii = (s: string) => new TextEncoder().encode(s);

describe('records: column types', () => {
  it('types a column from its values; text is left to DuckDB unless asked to stay text', () => {
    expect(planColumn([1, 2, null, 3], 'sniff')).toEqual({ type: 'BIGINT', blanks: 0 });
    expect(planColumn([1, 2.5], 'sniff').type).toBe('DOUBLE');
    expect(planColumn([1n, 2], 'sniff').type).toBe('BIGINT');
    expect(planColumn([2n ** 70n], 'sniff').type).toBe('HUGEINT');
    expect(planColumn([true, false, null], 'sniff').type).toBe('BOOLEAN');
    expect(planColumn([utc(2024, 1, 5), utc(2024, 12, 31)], 'sniff').type).toBe('DATE');
    expect(planColumn([utc(2024, 1, 5), utc(2024, 1, 5, 13, 45)], 'sniff').type).toBe('TIMESTAMP');
    expect(planColumn([utc(1899, 12, 30, 9, 58, 11)], 'sniff').type).toBe('TIME');
    expect(planColumn(['a', 'b'], 'sniff').type).toBeUndefined();
    expect(planColumn(['a', 'b'], 'varchar').type).toBe('VARCHAR');
    expect(planColumn([1, 'x'], 'sniff').type).toBeUndefined();
    expect(planColumn([{ a: 1 }, [1, 2]], 'sniff').type).toBe('VARCHAR');
    expect(planColumn([null, undefined], 'sniff').type).toBeUndefined();
  });

  it('counts blank text next to numbers as empty cells', () => {
    expect(planColumn([1.5, ' ', '', 2], 'sniff')).toEqual({ type: 'DOUBLE', blanks: 2 });
    expect(planColumn(['a', ' '], 'varchar')).toEqual({ type: 'VARCHAR', blanks: 0 });
  });

  it('writes cells as CSV: quoted where needed, dates in ISO form, NULL as an empty field', () => {
    expect(csvCell('a,b', undefined)).toBe('"a,b"');
    expect(csvCell('say "hi"', undefined)).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak', undefined)).toBe('"line\nbreak"');
    expect(csvCell(' padded', undefined)).toBe('" padded"');
    expect(csvCell(null, 'BIGINT')).toBe('');
    expect(csvCell('  ', 'DOUBLE')).toBe('');
    expect(csvCell(utc(2024, 2, 29), 'DATE')).toBe('2024-02-29');
    expect(csvCell(utc(2024, 2, 29, 8, 5, 9), 'TIMESTAMP')).toBe('2024-02-29 08:05:09');
    expect(csvCell(utc(1899, 12, 30, 9, 58, 11), 'TIME')).toBe('09:58:11');
    expect(csvCell([1, { b: 2n }], 'VARCHAR')).toBe('"[1,{""b"":""2""}]"');
    expect(csvCell(Number.NaN, 'DOUBLE')).toBe('');
    // NUL passes through here; loadCsv removes it and logs `nul_removed` (test/unit/ingest-errors.test.ts).
    expect(csvCell('nul\u0000here', undefined)).toBe('nul\u0000here');
  });

  it('names columns as DuckDB would: blanks by position, repeats with _1, _2', () => {
    expect(uniqueNames(['a', 'a', '', 'b c', 'a_1', 'A'])).toEqual(['a', 'a_1', 'column3', 'b c', 'a_1_1', 'A_2']);
  });

  it('writes records with a header and the forced types, and logs blanks that became NULL', () => {
    const csv = recordsToCsv({ columns: ['id', 'amount', 'note'], rows: [[1, 2.5, 'x'], [2, ' ', null], [3]] }, { text: 'sniff' });
    expect(new TextDecoder().decode(csv.utf8)).toBe('id,amount,note\n1,2.5,x\n2,,\n3,,\n');
    expect(csv.types).toEqual({ id: 'BIGINT', amount: 'DOUBLE' });
    expect(csv.notes).toEqual([{ rule: 'blank_to_null', column: 'amount', rows: 1, examples: ['" "'], params: { to: 'DOUBLE' } }]);
  });
});

describe('records: objects and grids', () => {
  it('flattens nested objects to dotted names and keeps lists as JSON text', () => {
    const { records, notes } = objectsToRecords([
      { id: 1, address: { city: 'Chengdu', geo: { lat: 30.6 } }, tags: ['vip'] },
      { id: 2, address: { city: 'Wuxi' }, extra: true },
      'loose',
    ]);
    expect(records.columns).toEqual(['id', 'address.city', 'address.geo.lat', 'tags', 'extra', 'value']);
    expect(records.rows).toEqual([
      [1, 'Chengdu', 30.6, ['vip'], null, null],
      [2, 'Wuxi', null, null, true, null],
      [null, null, null, null, null, 'loose'],
    ]);
    expect(notes).toEqual([{ rule: 'flattened', examples: ['address.city', 'address.geo.lat'], params: { columns: 2 } }]);
  });

  it('finds the header under title rows, and drops columns with neither name nor value', () => {
    const grid = [['Customer export 2024'], [], ['id', 'name', null, 'amount'], [1, 'Ada', null, 2.5], [2, 'Bo', null, 3]];
    const { records, notes } = gridToRecords(grid.filter((r) => r.length > 0), [1, 3, 4, 5]);
    expect(records.columns).toEqual(['id', 'name', 'amount']);
    expect(records.rows).toEqual([[1, 'Ada', 2.5], [2, 'Bo', 3]]);
    expect(records.lines).toEqual([4, 5]);
    expect(notes).toEqual([
      { rule: 'skipped_rows', rows: 1, examples: ['Customer export 2024'], params: { header: 3 } },
      { rule: 'empty_columns', examples: [], params: { columns: 1 } },
    ]);
  });

  it('names columns column1… when the first row is data', () => {
    const numeric = gridToRecords([[1, 'a'], [2, 'b']]);
    expect(numeric.records.columns).toEqual(['column1', 'column2']);
    expect(numeric.records.rows).toHaveLength(2);
    // All text, and the first row's values recur below it: data, not a header.
    const text = gridToRecords([['milk', 'bread'], ['tea', 'bread'], ['milk', 'jam']]);
    expect(text.records.columns).toEqual(['column1', 'column2']);
    expect(text.notes.map((n) => n.rule)).toEqual(['no_header']);
    expect(gridToRecords([['name', 'city'], ['Ada', 'Paris']]).records.columns).toEqual(['name', 'city']);
  });
});

describe('baskets', () => {
  const groceries = [
    'citrus fruit,semi-finished bread,margarine,ready soups',
    'tropical fruit,yogurt,coffee',
    'whole milk',
    'pip fruit,yogurt,cream cheese ,meat spreads',
    'other vegetables,whole milk,condensed milk,long life bakery product',
    'whole milk,butter,yogurt,rice,abrasive cleaner',
    'rolls/buns',
    'other vegetables,UHT-milk,rolls/buns,bottled beer,liquor (appetizer)',
    'whole milk,cereals',
    'tropical fruit,other vegetables,white bread,yogurt,coffee',
  ].join('\n');

  it('splits lines on the delimiter, honouring quotes', () => {
    expect(splitLine('a,"b, c",d', ',')).toEqual(['a', 'b, c', 'd']);
    expect(splitLine('a;"say ""x""";', ';')).toEqual(['a', 'say "x"', '']);
  });

  it('recognises item lists of varying length, and not a table', () => {
    expect(sniffBaskets(groceries, true)).toEqual({ delimiter: ',', header: false, idColumn: false });
    const table = ['id,name,amount', ...Array.from({ length: 30 }, (_, i) => `${i},n${i},${i}.5`)].join('\n');
    expect(sniffBaskets(table, true)).toBeNull();
    // Ragged but nothing recurs: free text, not baskets.
    expect(sniffBaskets(['a b c,d', 'e', 'f,g,h', 'i,j', 'k,l,m,n', 'o'].join('\n'), true)).toBeNull();
    expect(sniffBaskets('milk,bread\ntea\n', true)).toBeNull();
    // Empty cells in a table (olist_closed_deals) leave its field count alone; values keep to their column.
    const sparse = ['id,seller,segment,has_company,revenue', ...Array.from({ length: 40 }, (_, i) => `L${i},S${i % 7},${['pet', 'car', ''][i % 3]},${i % 2 ? 'true' : ''},${i % 5 ? '0.0' : ''}`)].join('\n');
    expect(sniffBaskets(sparse, true)).toBeNull();
    // A funnel export: ids, a few categories, then date columns filled only as far as each lead got. Dates
    // move between the date columns, blanks trail; it is a table (the demo's leads.csv was once taken for baskets).
    const stages = ['lead', 'MQL', 'SQL', 'won'];
    const funnel = [
      'lead_id,created_at,channel,stage,mql_at,sql_at,won_at,owner',
      ...Array.from({ length: 60 }, (_, i) => {
        const day = (d: number) => `2023-01-${String(1 + ((i + d) % 28)).padStart(2, '0')}`;
        const reached = i % 4;
        return [`L${String(i).padStart(6, '0')}`, day(0), ['email', 'search', 'social'][i % 3], stages[reached], reached > 0 ? day(1) : '', reached > 1 ? day(3) : '', reached > 2 ? day(9) : '', reached > 1 ? ['Ann', 'Bo'][i % 2] : ''].join(',');
      }),
    ].join('\n');
    expect(sniffBaskets(funnel, true)).toBeNull();
    // Basket lines padded to one width with empty fields are still baskets.
    const padded = groceries.split('\n').map((l) => l + ','.repeat(6 - l.split(',').length)).join('\n');
    expect(sniffBaskets(padded, true)).toEqual({ delimiter: ',', header: false, idColumn: false });
  });

  it('writes one row per item, baskets numbered from 1, items trimmed', () => {
    const out = basketsToCsv(groceries, { delimiter: ',', header: false, idColumn: false });
    expect(out).toMatchObject({ baskets: 10, items: 23, trimmed: 1, numericIds: true });
    expect(out.csv.split('\n').slice(0, 4)).toEqual(['basket_id,item', '1,citrus fruit', '1,semi-finished bread', '1,margarine']);
    expect(out.csv).toContain('4,cream cheese\n');
    expect(out.csv).toContain('8,liquor (appetizer)\n');
  });

  it('uses ids that start each line, and skips a header line', () => {
    const lines = ['transaction,items'];
    const shelf = ['milk', 'bread', 'eggs', 'tea', 'jam'];
    for (let i = 0; i < 40; i++) lines.push([`T${100 + i}`, ...Array.from({ length: 1 + (i % 4) }, (_, k) => shelf[(i + k) % 5]!)].join(';'));
    const text = lines.join('\n').replaceAll(',', ';');
    const layout = sniffBaskets(text, true);
    expect(layout).toEqual({ delimiter: ';', header: true, idColumn: true });
    const out = basketsToCsv(text, layout!);
    expect(out).toMatchObject({ baskets: 40, numericIds: false, items: 5 });
    expect(out.csv.split('\n')[1]).toBe('T100,milk');
  });
});

describe('JSON', () => {
  it('tells JSON from NDJSON by content, the extension breaking ties', () => {
    expect(sniffJson('[{"a":1}]', 'x.txt')).toBe('json');
    expect(sniffJson('{"a":1}\n{"a":2}\n', 'x.json')).toBe('ndjson');
    expect(sniffJson('{\n  "a": 1\n}\n', 'x.json')).toBe('json');
    expect(sniffJson('{"a":1}', 'x.jsonl')).toBe('ndjson');
    expect(sniffJson('a,b\n1,2', 'x.json')).toBeUndefined();
  });

  it('reads records from the array inside an object, and from objects keyed by id', () => {
    const r = readJson('{"meta":{"n":2},"result":{"items":[{"id":1},{"id":2}]}}', 'a.json');
    expect(r.records.rows).toEqual([[1], [2]]);
    expect(r.notes).toEqual([{ rule: 'json_path', examples: [], params: { path: 'result.items' } }]);
    const keyed = readJson('{"C1":{"age":30},"C2":{"age":40}}', 'k.json');
    expect(keyed.records.columns).toEqual(['key', 'age']);
    expect(keyed.records.rows).toEqual([['C1', 30], ['C2', 40]]);
    expect(readJson('{"id":1,"tags":["a"]}', 'one.json').records.rows).toEqual([[1, ['a']]]);
    expect(readJson('[["id","n"],[1,2]]', 'grid.json').records.columns).toEqual(['id', 'n']);
  });

  it('reports where a JSON file breaks', () => {
    try {
      readJson('[\n{"a":1},\n{"a":2,,}\n]', 'bad.json');
      throw new Error('expected an IngestError');
    } catch (e) {
      expect(e).toBeInstanceOf(IngestError);
      expect((e as IngestError).info).toMatchObject({ code: 'corrupt_file', file: 'bad.json', row: 3, params: { format: 'json' } });
    }
    expect(() => readJson('[]', 'e.json')).toThrow(IngestError);
  });

  it('rejects NDJSON lines that do not parse, with their line numbers', () => {
    const r = readNdjson('{"a":1}\n\n{"a":2\n{"a":3}\r\n', 'x.ndjson');
    expect(r.records.rows).toEqual([[1], [3]]);
    expect(r.records.lines).toEqual([1, 4]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ line: 3, raw: '{"a":2', reason: 'invalid_json' });
  });
});

describe('file containers', () => {
  it('knows formats by their magic numbers, and zip files by their entries', () => {
    expect(sniffContainer(ascii('PAR1....PAR1'), 'x.bin')).toEqual({ kind: 'parquet' });
    expect(sniffContainer(new Uint8Array([0x1f, 0x8b, 8, 0]), 'x.csv.gz')).toEqual({ kind: 'gzip' });
    expect(sniffContainer(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10]), 'photo.csv')).toEqual({ kind: 'unsupported', format: 'png' });
    const zip = (entry: string) => new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...ascii(`....${entry}....`)]);
    expect(sniffContainer(zip('xl/workbook.xml'), 'a.csv')).toEqual({ kind: 'spreadsheet', format: 'xlsx' });
    expect(sniffContainer(zip('word/document.xml'), 'a.xlsx')).toEqual({ kind: 'unsupported', format: 'docx' });
    expect(sniffContainer(zip('data.csv'), 'a.zip')).toEqual({ kind: 'unsupported', format: 'zip' });
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(sniffContainer(ole, 'old.xls')).toEqual({ kind: 'spreadsheet', format: 'xls' });
    expect(sniffContainer(ole, 'letter.doc')).toEqual({ kind: 'unsupported', format: 'doc' });
    expect(sniffContainer(ascii('a,b\n1,2\n'), 'a.csv')).toEqual({ kind: 'text' });
    expect(sniffMarkup('<html><body><table><tr><td>1</td></tr></table>')).toBe('spreadsheet');
    expect(sniffMarkup('<!doctype html><p>hello</p>')).toBe('html');
    expect(sniffMarkup('id,name')).toBeUndefined();
  });
});

describe('rejected rows', () => {
  it('maps DuckDB error types and writes the download as CSV', () => {
    expect(rejectReason('MISSING COLUMNS')).toBe('missing_columns');
    expect(rejectReason('something new')).toBe('other');
    const csv = rejectedRowsCsv({
      rejected: [
        { line: 12, raw: '99,short', reason: 'missing_columns', detail: 'Expected Number of Columns: 3 Found: 2', column: 'amount' },
        { line: 40, raw: '{"a":2', reason: 'invalid_json', detail: 'Unexpected end of JSON input' },
      ],
    });
    expect(csv).toBe(
      '\uFEFFline,reason,column,detail,raw\r\n' +
        '12,missing_columns,amount,Expected Number of Columns: 3 Found: 2,"99,short"\r\n' +
        '40,invalid_json,,Unexpected end of JSON input,"{""a"":2"\r\n',
    );
    // A rejected line is user text: one that starts like a formula is neutralised.
    expect(rejectedRowsCsv({ rejected: [{ line: 3, raw: '=cmd|calc,1', reason: 'other', detail: '-' }] })).toBe(
      `\uFEFFline,reason,column,detail,raw\r\n3,other,,'-,"'=cmd|calc,1"\r\n`,
    );
  });
});

describe('JSON error positions', () => {
  it('finds where a JSON text stops being valid', () => {
    expect(jsonErrorOffset('[1, 2]')).toBe(-1);
    expect(jsonErrorOffset('[1, 2,]')).toBe(6);
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonErrorOffset('{"a": "x\\"y", "b": }')).toBe(19);
    expect(jsonErrorOffset('[{"a":1}] trailing')).toBe(10);
    expect(jsonErrorOffset('{"a": "open')).toBe(11);
  });
});

describe('Parquet column types', () => {
  it('maps the schema to DuckDB types; nested columns are typed from their values', () => {
    expect(parquetColumnType({ name: 'd', type: 'INT32', converted_type: 'DATE' })).toBe('DATE');
    expect(parquetColumnType({ name: 't', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' } })).toBe('TIMESTAMP');
    expect(parquetColumnType({ name: 't', type: 'INT96' })).toBe('TIMESTAMP');
    expect(parquetColumnType({ name: 'p', type: 'FIXED_LEN_BYTE_ARRAY', converted_type: 'DECIMAL', scale: 2, precision: 21 })).toBe('DOUBLE');
    expect(parquetColumnType({ name: 'n', type: 'INT64' })).toBe('BIGINT');
    expect(parquetColumnType({ name: 'u', type: 'INT64', converted_type: 'UINT_64' })).toBe('HUGEINT');
    expect(parquetColumnType({ name: 's', type: 'BYTE_ARRAY', converted_type: 'UTF8' })).toBe('VARCHAR');
    expect(parquetColumnType({ name: 'b', type: 'BOOLEAN' })).toBe('BOOLEAN');
    expect(parquetColumnType({ name: 'st', num_children: 2 })).toBeUndefined();
  });
});
