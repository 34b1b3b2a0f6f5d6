/**
 * The shape of the generated CRM tables: names, canonical columns, Chinese
 * headers and the generator's options and defaults. Shared by the table
 * builders and re-exported by generate.ts, which is what callers import.
 */
import type { CsvTable, CsvValue } from './csv.ts';

export type HeaderLang = 'en' | 'zh';
export type CrmTableName = 'customers' | 'orders' | 'tickets' | 'leads';
export const CRM_TABLES: readonly CrmTableName[] = ['customers', 'orders', 'tickets', 'leads'];

export interface GenOptions {
  /** Default 1. */
  seed?: number;
  /** Number of customers; default 2,000. */
  customers?: number;
  /** Exact number of order lines; default 12 per customer. */
  orderLines?: number;
  /** First day of activity, `YYYY-MM-DD`; default 2023-01-01. Some customers signed up before it. */
  startDate?: string;
  /** Last day of data, `YYYY-MM-DD`; default 2025-12-31. */
  endDate?: string;
  /** Header line and category labels in English or Chinese; the numbers are the same. Default `en`. */
  headers?: HeaderLang;
  /** Which tables to build; default all four. */
  tables?: readonly CrmTableName[];
}

export interface GenTable extends CsvTable {
  readonly name: CrmTableName;
  /** Canonical English column keys, index-aligned with `columns`. */
  readonly keys: readonly string[];
  readonly rows: CsvValue[][];
}

export type CrmData = Record<CrmTableName, GenTable>;

/** Canonical column keys per table. */
export const COLUMNS = {
  customers: ['customer_id', 'name', 'gender', 'age', 'region', 'city', 'signup_date', 'channel', 'segment', 'churned'],
  orders: ['order_id', 'customer_id', 'order_date', 'product', 'category', 'quantity', 'unit_price', 'discount', 'amount', 'channel'],
  tickets: ['ticket_id', 'customer_id', 'opened_at', 'first_response_at', 'closed_at', 'category', 'satisfaction', 'status'],
  leads: ['lead_id', 'created_at', 'channel', 'stage', 'mql_at', 'sql_at', 'opportunity_at', 'won_at', 'value', 'owner', 'customer_id'],
} as const satisfies Record<CrmTableName, readonly string[]>;

export const ZH_HEADERS: Record<CrmTableName, Record<string, string>> = {
  customers: {
    customer_id: '客户编号', name: '姓名', gender: '性别', age: '年龄', region: '省份', city: '城市',
    signup_date: '注册日期', channel: '渠道', segment: '客户类型', churned: '是否流失',
  },
  orders: {
    order_id: '订单编号', customer_id: '客户编号', order_date: '订单日期', product: '商品', category: '品类',
    quantity: '数量', unit_price: '单价', discount: '折扣', amount: '金额', channel: '渠道',
  },
  tickets: {
    ticket_id: '工单编号', customer_id: '客户编号', opened_at: '创建时间', first_response_at: '首次响应时间',
    closed_at: '关闭时间', category: '问题类型', satisfaction: '满意度', status: '状态',
  },
  leads: {
    lead_id: '线索编号', created_at: '创建日期', channel: '来源渠道', stage: '阶段', mql_at: 'MQL日期',
    sql_at: 'SQL日期', opportunity_at: '商机日期', won_at: '成交日期', value: '预计金额', owner: '负责人',
    customer_id: '客户编号',
  },
};

/** Header line of a table in a language. */
export function headerRow(table: CrmTableName, lang: HeaderLang): string[] {
  const keys: readonly string[] = COLUMNS[table];
  return lang === 'zh' ? keys.map((k) => ZH_HEADERS[table][k] ?? k) : [...keys];
}

export const DEFAULTS = {
  seed: 1,
  customers: 2000,
  linesPerCustomer: 12,
  startDate: '2023-01-01',
  endDate: '2025-12-31',
} as const;
