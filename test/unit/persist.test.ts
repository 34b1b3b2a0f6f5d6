import { describe, expect, it } from 'vitest';
import {
  MANIFEST_VERSION,
  buildManifest,
  isQuotaError,
  loadOptions,
  newFileId,
  parseManifest,
  savedBytes,
  serializeManifest,
  type Manifest,
  type SavedFile,
} from '../../src/report/persist.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import type { LogEntry } from '../../src/ingest/log.ts';

const NOW = new Date('2025-03-01T12:00:00Z');

const customersFile: SavedFile = {
  id: 'f1',
  fileName: '客户 customers.csv',
  table: 'customers',
  size: 1234,
  store: 'opfs',
  options: { format: 'delimited', encoding: 'gb18030' },
  kind: 'customers',
  roles: { customer_id: 'id' },
};
const ordersFile: SavedFile = {
  id: 'f2',
  fileName: 'orders.xlsx',
  table: 'orders',
  size: 5000,
  store: 'idb',
  options: { format: 'spreadsheet', sheet: 'Q1' },
  kind: 'orders',
  roles: { order_id: 'order_no' },
};

function table(name: string, kind: TableInfo['kind'], roles: TableInfo['roles']): TableInfo {
  return { name, source: `${name}.csv`, kind, rowCount: 3, columns: [{ name: 'id', type: 'VARCHAR' }], roles };
}

const log = (t: string): LogEntry => ({ rule: 'blank_to_null', table: t, column: 'x', rows: 2, examples: [' '], params: { to: 'DOUBLE' } });

describe('persist: manifest', () => {
  it('takes the replay options from what the load reported', () => {
    expect(loadOptions({ format: 'delimited', encoding: 'utf-8' })).toEqual({ format: 'delimited', encoding: 'utf-8' });
    expect(loadOptions({ format: 'spreadsheet', sheet: 'Sheet 2', sheets: ['Sheet 1', 'Sheet 2'], gzip: true })).toEqual({ format: 'spreadsheet', sheet: 'Sheet 2' });
    expect(loadOptions({ format: 'parquet' })).toEqual({ format: 'parquet' });
  });

  it('records the tables as they are now: role overrides, re-read sheets, dropped tables left out', () => {
    const tables = [
      table('customers', 'customers', { customer_id: 'id', churn: 'left' }),
      table('customer_features', 'other', {}),
    ];
    const m = buildManifest([customersFile, ordersFile], tables, [log('customers'), log('orders')], { customers: { source: { format: 'delimited', encoding: 'utf-8' } } }, NOW);
    expect(m).toEqual({
      version: MANIFEST_VERSION,
      savedAt: '2025-03-01T12:00:00.000Z',
      files: [{ ...customersFile, options: { format: 'delimited', encoding: 'utf-8' }, roles: { customer_id: 'id', churn: 'left' } }],
      logs: [log('customers')],
    });
    // Without a load record the saved options stand.
    expect(buildManifest([ordersFile], [table('orders', 'orders', {})], [], {}, NOW).files[0]!.options).toEqual({ format: 'spreadsheet', sheet: 'Q1' });
  });

  it('round-trips through its JSON form', () => {
    const m: Manifest = { version: MANIFEST_VERSION, savedAt: NOW.toISOString(), files: [customersFile, ordersFile], logs: [log('customers')] };
    const text = serializeManifest(m);
    expect(JSON.parse(text)).toEqual(m);
    expect(parseManifest(text)).toEqual({ status: 'ok', manifest: m });
  });

  it('reads nothing stored as none', () => {
    expect(parseManifest(null)).toEqual({ status: 'none' });
    expect(parseManifest(undefined)).toEqual({ status: 'none' });
    expect(parseManifest('')).toEqual({ status: 'none' });
  });

  it('ignores a manifest of another version without reading its files', () => {
    const future = JSON.stringify({ version: 2, files: 'stored differently', chunks: [] });
    expect(parseManifest(future)).toEqual({ status: 'unsupported', version: 2 });
    expect(parseManifest(JSON.stringify({ version: '1', files: [], logs: [] }))).toEqual({ status: 'unsupported', version: '1' });
    expect(parseManifest(JSON.stringify({ files: [], logs: [] }))).toEqual({ status: 'unsupported', version: undefined });
  });

  it('calls anything else that does not check out corrupt, saying what', () => {
    const bad = (patch: Record<string, unknown>, at = 0) => {
      const files: unknown[] = [customersFile, ordersFile];
      files[at] = { ...(files[at] as object), ...patch };
      return parseManifest(JSON.stringify({ version: MANIFEST_VERSION, savedAt: '', files, logs: [] }));
    };
    expect(parseManifest('{"version":1,')).toMatchObject({ status: 'corrupt', reason: expect.stringMatching(/^not JSON/) });
    expect(parseManifest('[1,2]')).toEqual({ status: 'corrupt', reason: 'not an object' });
    expect(parseManifest(JSON.stringify({ version: 1, logs: [] }))).toEqual({ status: 'corrupt', reason: 'no file list' });
    expect(parseManifest(JSON.stringify({ version: 1, files: [] }))).toEqual({ status: 'corrupt', reason: 'no cleaning log' });
    expect(bad({ store: 'cloud' }, 1)).toEqual({ status: 'corrupt', reason: 'file 2: unknown store' });
    expect(bad({ size: -1 })).toEqual({ status: 'corrupt', reason: 'file 1: bad size' });
    expect(bad({ table: '' })).toEqual({ status: 'corrupt', reason: 'file 1: no table name' });
    expect(bad({ kind: 'invoices' })).toEqual({ status: 'corrupt', reason: 'file 1: unknown kind' });
    expect(bad({ roles: { customer_id: 3 } })).toEqual({ status: 'corrupt', reason: 'file 1: bad roles' });
    expect(bad({ options: { format: 'xml' } })).toEqual({ status: 'corrupt', reason: 'file 1: unknown format' });
    expect(bad({ options: { encoding: 'latin-9' } })).toEqual({ status: 'corrupt', reason: 'file 1: unknown encoding' });
    expect(bad({ id: 'f1' }, 1)).toEqual({ status: 'corrupt', reason: 'duplicate file ids' });
    expect(parseManifest(JSON.stringify({ version: 1, files: [], logs: [{ rule: 'x' }] }))).toEqual({ status: 'corrupt', reason: 'log entry 1: not a cleaning-log entry' });
  });

  it('drops unknown option fields rather than passing them to loadFile', () => {
    const text = JSON.stringify({ version: 1, savedAt: '', files: [{ ...customersFile, options: { format: 'delimited', existingTables: ['x'] } }], logs: [] });
    const read = parseManifest(text);
    expect(read.status === 'ok' && read.manifest.files[0]!.options).toEqual({ format: 'delimited' });
  });
});

describe('persist: helpers', () => {
  it('adds up the saved bytes', () => {
    expect(savedBytes([])).toBe(0);
    expect(savedBytes([customersFile, ordersFile])).toBe(6234);
  });

  it('makes file ids that are safe as OPFS names and IndexedDB keys', () => {
    expect(newFileId(0, () => 0)).toBe('f000000000');
    const id = newFileId(Date.UTC(2025, 0, 1), () => 0.999999);
    expect(id).toMatch(/^f[0-9a-z]+$/);
    expect(newFileId(1, () => 0.5)).not.toBe(newFileId(1, () => 0.25));
  });

  it('recognises a full-storage error', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError(Object.assign(new Error('full'), { name: 'QuotaExceededError' }))).toBe(true);
    expect(isQuotaError(new DOMException('gone', 'NotFoundError'))).toBe(false);
    expect(isQuotaError('QuotaExceededError')).toBe(false);
  });
});
