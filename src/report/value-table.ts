/**
 * The per-customer value table: risk from the churn lab's saved scores or
 * 1 − P(alive), the value × risk tier, the CSV a person downloads and the
 * `customer_value` table written back into the workspace (as `churn_scores`
 * is), so Analytics and the report can read it.
 */
import type { Db } from '../db/types.ts';
import { loadDelimited } from '../ingest/load.ts';
import type { TableInfo } from '../ingest/model.ts';
import { csvText, type CsvOptions, type CsvValue } from '../lib/csv.ts';
import { assignTiers, CUSTOMER_VALUE_TABLE, type ValueThresholds, type ValueTier } from '../metrics/value-tiers.ts';
import type { Predictions } from './value.ts';

export type RiskSource = 'churn_scores' | 'p_alive';
/** What the tiers rank as value: lifetime value, or the value model's predicted spend (`value_scores`). */
export type ValueSource = 'clv' | 'value_model';

export interface CustomerValue {
  ids: readonly string[];
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  expectedSpend: Float64Array;
  clv: Float64Array;
  /** The value the tiers rank: `clv`, or the value model's predicted spend (NaN where a customer has none). */
  value: Float64Array;
  valueSource: ValueSource;
  risk: Float64Array;
  riskSource: RiskSource;
  /** Customers the saved scores did not cover (their risk is 1 − P(alive)). */
  riskFilled: number;
  tiers: ValueTier[];
}

/** Risk per customer: the saved churn probability where there is one, else 1 − P(alive). */
export function riskOf(pAlive: Float64Array, saved: Float64Array | null): { risk: Float64Array; source: RiskSource; filled: number } {
  if (!saved) return { risk: Float64Array.from(pAlive, (p) => 1 - p), source: 'p_alive', filled: 0 };
  let filled = 0;
  const risk = Float64Array.from(pAlive, (p, i) => {
    const s = saved[i]!;
    if (Number.isFinite(s)) return s;
    filled++;
    return 1 - p;
  });
  return { risk, source: 'churn_scores', filled };
}

/** `modelValue`: the value model's predicted spend per customer, to rank by instead of CLV. */
export function customerValue(ids: readonly string[], p: Predictions, saved: Float64Array | null, t: ValueThresholds, modelValue?: Float64Array | null): CustomerValue {
  const r = riskOf(p.pAlive, saved);
  const value = modelValue ?? p.clv;
  return {
    ids,
    pAlive: p.pAlive,
    expectedPurchases: p.expectedPurchases,
    expectedSpend: p.expectedSpend,
    clv: p.clv,
    value,
    valueSource: modelValue ? 'value_model' : 'clv',
    risk: r.risk,
    riskSource: r.source,
    riskFilled: r.filled,
    tiers: assignTiers(value, r.risk, t),
  };
}

export const CUSTOMER_VALUE_COLUMNS = ['customer_id', 'p_alive', 'expected_purchases', 'expected_spend', 'clv', 'value', 'value_source', 'risk', 'tier'] as const;

const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : null);

/** One line per customer, in the columns of `customer_value`. */
export function customerValueCsv(v: CustomerValue, opts: CsvOptions = {}): string {
  const rows = v.ids.map((id, i): CsvValue[] => [id, round(v.pAlive[i]!), round(v.expectedPurchases[i]!), round(v.expectedSpend[i]!), round(v.clv[i]!), round(v.value[i]!), v.valueSource, round(v.risk[i]!), v.tiers[i]!]);
  return csvText(CUSTOMER_VALUE_COLUMNS, rows, opts);
}

/** What `Workspace.addTable` offers: replace a table by one that `create` builds, in the workspace queue. */
export interface TableSink {
  addTable(name: string, create: (db: Db) => Promise<TableInfo>): Promise<TableInfo>;
}

/** Write (or replace) `customer_value`; `source` names the model, e.g. `model:bgnbd`. */
export function saveCustomerValue(ws: TableSink, v: CustomerValue, source: string): Promise<TableInfo> {
  const csv = customerValueCsv(v, { spreadsheet: false });
  return ws.addTable(CUSTOMER_VALUE_TABLE, async (db) => {
    const res = await loadDelimited(db, { fileName: `${CUSTOMER_VALUE_TABLE}.csv`, bytes: new TextEncoder().encode(csv), tableName: CUSTOMER_VALUE_TABLE });
    return { ...res.table, source, kind: 'other', roles: { customer_id: 'customer_id' } };
  });
}
