import { describe, expect, it } from 'vitest';
import type { TableInfo } from '../../src/ingest/model.ts';
import {
  applyTemplate,
  cleanRoles,
  findTemplate,
  headerFingerprint,
  parseTemplates,
  readTemplates,
  removeTemplate,
  templateColumnCount,
  templateOf,
  TEMPLATES_KEY,
  upsertTemplate,
  writeTemplates,
} from '../../src/report/mapping.ts';

function table(columns: string[], over: Partial<TableInfo> = {}): TableInfo {
  return { name: 't', source: 't.csv', kind: 'other', rowCount: 1, columns: columns.map((name) => ({ name, type: 'VARCHAR' })), roles: {}, ...over };
}

const NOW = Date.parse('2025-01-02T03:04:05Z');

describe('headerFingerprint', () => {
  it('ignores order, case, spacing and full-width forms', () => {
    const a = headerFingerprint(['Order ID', 'Customer_ID', 'Amount']);
    expect(headerFingerprint(['amount', 'customerid', 'order_id'])).toBe(a);
    expect(headerFingerprint(['ＡＭＯＵＮＴ', 'customer id', 'ORDER-ID'])).toBe(a);
  });

  it('tells different header lists apart, including a column more', () => {
    expect(headerFingerprint(['a', 'b'])).not.toBe(headerFingerprint(['a', 'b', 'c']));
    expect(headerFingerprint(['ab', 'c'])).not.toBe(headerFingerprint(['a', 'bc']));
    expect(headerFingerprint(['客户编号', '金额'])).not.toBe(headerFingerprint(['客户编号', '数量']));
  });
});

describe('templates', () => {
  const orders = table(['Order ID', 'Customer', 'Gross', 'Net'], { kind: 'orders', roles: { order_id: 'Order ID', customer_id: 'Customer', amount: 'Gross' } });

  it('saves the kind and roles, and applies them to a file with the same headers by normalised name', () => {
    const t = templateOf({ ...orders, roles: { ...orders.roles, amount: 'Net' } }, 'march.csv', NOW);
    expect(t).toEqual({
      headerFingerprint: headerFingerprint(['Order ID', 'Customer', 'Gross', 'Net']),
      kind: 'orders',
      roles: { order_id: 'Order ID', customer_id: 'Customer', amount: 'Net' },
      label: 'march.csv',
      savedAt: '2025-01-02T03:04:05.000Z',
    });
    const next = table(['net', 'gross', 'customer', 'order_id'], { name: 'april', roles: { amount: 'gross' } });
    expect(findTemplate([t], next)).toBe(t);
    expect(templateColumnCount(t)).toBe(4);
    const applied = applyTemplate(next, t);
    expect(applied.kind).toBe('orders');
    expect(applied.roles).toEqual({ order_id: 'order_id', customer_id: 'customer', amount: 'net' });
    expect(applied.name).toBe('april');
    expect(findTemplate([t], table(['net', 'gross', 'customer']))).toBeUndefined();
  });

  it('keeps only the kind’s roles and columns that exist', () => {
    expect(cleanRoles('customers', { customer_id: 'Customer', amount: 'Gross', churn: 'Missing' }, ['Customer', 'Gross'])).toEqual({ customer_id: 'Customer' });
    expect(templateOf({ ...orders, kind: 'other' }, 'x', NOW).roles).toEqual({});
  });

  it('replaces a template with the same fingerprint, newest first, and removes by fingerprint', () => {
    const a = templateOf(orders, 'a.csv', NOW);
    const b = templateOf(table(['x', 'y'], { kind: 'customers', roles: { customer_id: 'x' } }), 'b.csv', NOW);
    const a2 = { ...a, label: 'a2.csv' };
    const list = upsertTemplate(upsertTemplate(upsertTemplate([], a), b), a2);
    expect(list.map((t) => t.label)).toEqual(['a2.csv', 'b.csv']);
    expect(removeTemplate(list, b.headerFingerprint).map((t) => t.label)).toEqual(['a2.csv']);
  });

  it('round-trips through storage and survives bad or blocked storage', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    const t = templateOf(orders, 'a.csv', NOW);
    expect(writeTemplates(storage, [t])).toBe(true);
    expect(store.has(TEMPLATES_KEY)).toBe(true);
    expect(readTemplates(storage)).toEqual([t]);

    expect(parseTemplates('not json')).toEqual([]);
    expect(parseTemplates('{"a":1}')).toEqual([]);
    expect(parseTemplates(JSON.stringify([t, { ...t, kind: 'planets' }, { ...t, roles: { amount: 3 } }, null]))).toEqual([t]);

    const blocked = {
      getItem: (): string | null => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(readTemplates(blocked)).toEqual([]);
    expect(writeTemplates(blocked, [t])).toBe(false);
    expect(readTemplates(undefined)).toEqual([]);
  });
});
