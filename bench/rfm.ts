/**
 * The RFM query every contender runs, and the result reduced to a fingerprint
 * so native DuckDB, DuckDB-WASM (Node and Chromium) and PapaParse + JS can be
 * checked to return the same table. Pure: the bench page imports it too.
 */
import { rfmSql } from '../src/metrics/rfm.ts';

export const AS_OF = '2025-12-31';
export const TABLE = 'orders';
const COLUMNS = { customerId: 'customer_id', orderDate: 'order_date', amount: 'amount', orderId: 'order_id' };
// The generated file sniffs as DATE and DOUBLE (test/unit/gen.test.ts checks); the app passes the types it loaded.
export const RFM_SQL = rfmSql({ table: TABLE, columns: COLUMNS, asOf: AS_OF, types: { orderDate: 'DATE', amount: 'DOUBLE' } });

/** One customer's RFM, engine-independent. */
export interface RfmOut {
  id: string;
  recency: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  segment: string;
}

function fnv(text: string, h = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A fingerprint of the whole result: equal digests mean equal RFM tables. */
export function digest(rows: RfmOut[]): string {
  const sorted = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let h = 0x811c9dc5;
  let money = 0;
  for (const x of sorted) {
    h = fnv(`${x.id}|${x.recency}|${x.frequency}|${x.monetary.toFixed(2)}|${x.r}${x.f}${x.m}|${x.segment};`, h);
    money += x.monetary;
  }
  return `${sorted.length}:${money.toFixed(2)}:${h.toString(16)}`;
}

/** Numbers and BigInts alike. */
export const num = (v: unknown): number => Number(v);

/** `rfmSql` rows, as any engine returns them → `RfmOut`. */
export function fromRows(rows: readonly Record<string, unknown>[]): RfmOut[] {
  return rows.map((x) => ({
    id: String(x.customer_id), recency: num(x.recency_days), frequency: num(x.frequency), monetary: num(x.monetary),
    r: num(x.r_score), f: num(x.f_score), m: num(x.m_score), segment: String(x.segment),
  }));
}
