/**
 * The journey funnel (awareness → consideration → decision → retention) on
 * the first events table: its touchpoints with the stage each takes (the
 * user's choice, else the one its name suggests), customers per stage, the
 * bottleneck and its cost, valued from the first orders table when it has
 * customers and amounts.
 */
import type { Db } from '../db/types.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import {
  buyerValueSql, defaultStage, funnelBottleneck, funnelStages, journeyFunnelSql, touchpointCountsSql,
  type Bottleneck, type FunnelStage, type JourneyStage,
} from '../metrics/journey-funnel.ts';
import { runMeasure, type Measure } from './analytics.ts';

export interface FunnelTouchpoint {
  touchpoint: string;
  events: number;
  customers: number;
  stage: JourneyStage | null;
  /** The stage its name suggests (what "reset" goes back to). */
  suggested: JourneyStage | null;
}

export interface JourneyFunnelResults {
  touchpoints: FunnelTouchpoint[];
  stages: FunnelStage[];
  /** Customers with events none of which has a stage. */
  unstaged: number;
  bottleneck: Bottleneck | null;
  /** Revenue per customer with orders; null without orders that give one. */
  buyerValue: number | null;
  funnel: Measure;
  counts: Measure;
  value: Measure | null;
}

/** Stage per touchpoint: `overrides` (the user's, null = no stage) over the suggested ones. */
export async function loadJourneyFunnel(
  db: Db,
  tables: readonly TableInfo[],
  gapMinutes: number,
  overrides: Readonly<Record<string, JourneyStage | null>>,
): Promise<JourneyFunnelResults | null> {
  const events = tableOfKind(tables, 'events');
  if (!events) return null;
  const counts = await runMeasure(db, touchpointCountsSql(events));
  const touchpoints = counts.rows.map((r) => {
    const touchpoint = String(r.touchpoint);
    const suggested = defaultStage(touchpoint);
    return { touchpoint, events: Number(r.events), customers: Number(r.customers), suggested, stage: touchpoint in overrides ? overrides[touchpoint]! : suggested };
  });
  const funnel = await runMeasure(db, journeyFunnelSql({ events, stages: Object.fromEntries(touchpoints.map((t) => [t.touchpoint, t.stage])), gapMinutes }));
  const orders = tableOfKind(tables, 'orders');
  const valueQuery = orders ? buyerValueSql(orders) : null;
  const value = valueQuery?.ok ? await runMeasure(db, valueQuery) : null;
  const v = value?.rows[0]?.value;
  const buyerValue = v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v);
  const stages = funnelStages(funnel.rows);
  return {
    touchpoints,
    stages,
    unstaged: Number(funnel.rows[0]?.unstaged_customers ?? 0),
    bottleneck: funnelBottleneck(stages, buyerValue),
    buyerValue,
    funnel,
    counts,
    value,
  };
}
