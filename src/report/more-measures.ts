/**
 * The breakdowns the main Analytics sections leave out: customer status and
 * sales by a chosen dimension, big vs small customers, sales cycle, ticket
 * volume and satisfaction, receivables. Each a builder in src/metrics, run
 * under the global filters.
 */
import type { Db } from '../db/types.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { bigCustomersSql, customerStatusSql, type BigCustomersRow, type CustomerDimension, type CustomerStatusRow } from '../metrics/customers.ts';
import { salesCycleSql, salesSql, type SalesCycleRow, type SalesRow } from '../metrics/sales.ts';
import type { DimChoice } from '../metrics/breakdown-dims.ts';
import { satisfactionSql, ticketVolumeSql, type SatisfactionRow, type TicketVolumeRow } from '../metrics/service.ts';
import { creditExposureSql, receivablesSql, type CreditExposureRow, type ReceivablesRow } from '../metrics/risk.ts';
import type { MetricQuery } from '../metrics/common.ts';
import type { Filters } from '../metrics/filters.ts';
import { lastOrderDate, leadTables, measureFromIndex, runMeasure, type Measure } from './analytics.ts';
import type { RouteOptions } from './cube.ts';
import * as shape from './measure-rows.ts';

export type MoreKey = 'status' | 'sales' | 'big' | 'cycle' | 'volume' | 'satisfaction' | 'receivables' | 'credit';

/** Each breakdown's rows, as its builder's row interface. */
export interface MoreMeasureRows {
  status: Measure<CustomerStatusRow>;
  sales: Measure<SalesRow>;
  big: Measure<BigCustomersRow>;
  cycle: Measure<SalesCycleRow>;
  volume: Measure<TicketVolumeRow>;
  satisfaction: Measure<SatisfactionRow>;
  receivables: Measure<ReceivablesRow>;
  credit: Measure<CreditExposureRow>;
}

export interface MoreMeasures {
  measures: MoreMeasureRows;
  /** The column the breakdowns were computed by (charts name it with their rows). */
  column: string;
}

/** The share of customers, by spend, that are big (`bigCustomersSql`'s default). */
const BIG_SHARE = 0.2;

const EMPTY = { sql: null, rows: [], ignored: [] } as const satisfies Measure<never>;
const none = (kind: 'orders' | 'tickets' | 'leads'): MetricQuery => ({ ok: false, unavailable: { reason: 'no_table', kind } });

/**
 * `route`: as the Analytics page's (`loadAnalytics`): sales by a dimension the lines index splits, and big vs small
 * customers, are read from the index once it is built (at 1M lines in Node their SQL took 57–166 and 49–160 ms a
 * filter change, together about four fifths of these breakdowns).
 */
export async function loadMoreMeasures(db: Db, tables: readonly TableInfo[], filters: Filters, choice: DimChoice | undefined, route?: RouteOptions): Promise<MoreMeasures> {
  const by = choice?.dim;
  const orders = tableOfKind(tables, 'orders');
  const customers = tableOfKind(tables, 'customers');
  const tickets = tableOfKind(tables, 'tickets');
  const { leads, deals } = leadTables(tables);
  const c = customers ? { customers } : {};
  const asOf = filters.to ?? (await lastOrderDate(db, tables));
  // Status by a customer dimension reads it where customerStatusSql does: the customers table when there is one.
  const statusBy = by === 'segment' || by === 'region' || by === 'channel' ? (by as CustomerDimension) : undefined;
  const statusHasDim = statusBy !== undefined && (customers ?? orders)?.roles[statusBy] !== undefined;
  const measures: MoreMeasureRows = {
    status: orders && asOf && statusBy && statusHasDim ? await runMeasure(db, customerStatusSql({ orders, ...c, asOf, by: statusBy, filters }), shape.CUSTOMER_STATUS, 'status by') : EMPTY,
    sales: orders && by
      ? ((by !== 'product' ? await measureFromIndex(db, tables, filters, route, { kind: 'sales', by }, shape.SALES, 'sales by') : null) ??
        (await runMeasure(db, salesSql({ orders, ...c, by, filters }), shape.SALES, 'sales by')))
      : orders ? EMPTY : await runMeasure(db, none('orders'), shape.SALES, 'sales by'),
    big: (await measureFromIndex(db, tables, filters, route, { kind: 'big', topShare: BIG_SHARE }, shape.BIG_CUSTOMERS, 'big customers')) ??
      (await runMeasure(db, orders ? bigCustomersSql({ orders, ...c, filters, topShare: BIG_SHARE }) : none('orders'), shape.BIG_CUSTOMERS, 'big customers')),
    cycle: await runMeasure(db, leads ? salesCycleSql({ leads, ...(deals ? { deals } : {}), ...c, filters }) : none('leads'), shape.SALES_CYCLE, 'sales cycle'),
    volume: await runMeasure(db, tickets ? ticketVolumeSql({ tickets, ...c, grain: 'month', byCategory: true, filters }) : none('tickets'), shape.TICKET_VOLUME, 'ticket volume'),
    satisfaction: await runMeasure(db, tickets ? satisfactionSql({ tickets, ...c, filters }) : none('tickets'), shape.SATISFACTION, 'satisfaction'),
    receivables: await runMeasure(db, orders && asOf ? receivablesSql({ orders, ...c, asOf, filters }) : none('orders'), shape.RECEIVABLES, 'receivables'),
    credit: await runMeasure(db, orders && asOf ? creditExposureSql({ orders, ...c, asOf, filters }) : none('orders'), shape.CREDIT_EXPOSURE, 'credit exposure'),
  };
  return { measures, column: choice?.column ?? '' };
}

/** A receivables ageing bucket: not yet due, then days past due. */
export type AgingBucket = 'current' | 'd1_30' | 'd31_60' | 'd61_90' | 'd90_plus';

/**
 * The open amount of a `receivablesSql` row by age: not yet due (open less
 * overdue), then overdue by days past due. Null without due dates (no ageing).
 * An order overdue by its status but without a due date is in no overdue
 * bucket, so the buckets can sum to less than the open amount.
 */
export function agingBuckets(row: ReceivablesRow | undefined): { bucket: AgingBucket; amount: number }[] | null {
  if (!row || row.due_1_30 === null) return null;
  return [
    { bucket: 'current', amount: row.open_amount - row.overdue_amount },
    { bucket: 'd1_30', amount: row.due_1_30 },
    { bucket: 'd31_60', amount: row.due_31_60 ?? 0 },
    { bucket: 'd61_90', amount: row.due_61_90 ?? 0 },
    { bucket: 'd90_plus', amount: row.due_over_90 ?? 0 },
  ];
}
