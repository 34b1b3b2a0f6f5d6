/**
 * The customer funnel awareness → consideration → decision → retention from
 * an events table. Each touchpoint (page, else channel) is given a stage:
 * by default from its name in English or Chinese (`defaultStage`), the user
 * may change any. A converting event (flag, purchase-like event type or page,
 * see `conversionExpr`) is a decision even on an unmapped touchpoint.
 *
 * A customer's furthest stage: retention when, after the first decision,
 * they had a retention event or another decision more than the session gap
 * later (a repeat purchase); else decision when they had one; else the
 * furthest of their other events (a retention touchpoint before any purchase
 * counts as consideration). A stage is reached by the customers whose
 * furthest stage is it or a later one, so the funnel never widens.
 *
 * Bottleneck: the step with the lowest step conversion. Its cost, in buyers:
 * customers lost at the step × the share of those past it who went on to a
 * decision (1 for the retention step), and in money that × the value of a
 * buying customer (orders revenue ÷ customers with orders).
 */
import type { TableInfo } from '../ingest/model.ts';
import { ident, lit } from '../lib/sql.ts';
import { built, missing, positiveInt, timestampExpr, unavailable, type MetricQuery } from './common.ts';
import { asText, roleColumn } from './expr.ts';
import { orderLinesFacts } from './facts.ts';
import { conversionExpr } from './journeys.ts';

export const JOURNEY_STAGES = ['awareness', 'consideration', 'decision', 'retention'] as const;
export type JourneyStage = (typeof JOURNEY_STAGES)[number];

/**
 * Words that place a touchpoint, checked in this order (retention before
 * decision so "repeat purchase" is retention; consideration before awareness
 * so "product view" is consideration). Latin words match at the start of a
 * word of the name (so "ads" and "products" match); Chinese anywhere.
 */
export const STAGE_WORDS: Readonly<Record<JourneyStage, readonly string[]>> = {
  retention: [
    'repeat', 'reorder', 're order', 'second order', 'second purchase', 'renew', 'login', 'log in', 'sign in', 'signin', 'loyalty', 'member', 'referral', 'refer',
    'account', 'retention', 'winback', 'win back',
    '复购', '回购', '再次购买', '二次购买', '续费', '续订', '登录', '会员', '推荐好友', '老客', '留存', '召回',
  ],
  decision: [
    'purchase', 'order', 'checkout', 'check out', 'pay', 'buy', 'transaction', 'conversion', 'convert', 'subscribe', 'booking', 'book',
    '下单', '支付', '购买', '结算', '付款', '成交', '订单', '转化', '订阅', '预订',
  ],
  consideration: [
    'product', 'pdp', 'detail', 'compare', 'comparison', 'cart', 'basket', 'bag', 'wishlist', 'wish list', 'favorite', 'favourite', 'pricing', 'price', 'quote',
    'demo', 'trial', 'inquiry', 'enquiry', 'consult', 'contact', 'chat', 'review', 'spec', 'add to',
    '咨询', '加购', '购物车', '详情', '商品', '对比', '比较', '收藏', '试用', '报价', '询价', '评价', '客服',
  ],
  awareness: [
    'ad', 'ads', 'advert', 'impression', 'view', 'visit', 'social', 'search', 'home', 'landing', 'banner', 'display', 'email', 'newsletter', 'open', 'click',
    'category', 'browse', 'blog', 'video', 'content', 'article', 'referral traffic', 'campaign', 'sms', 'push',
    '搜索', '广告', '浏览', '首页', '曝光', '点击', '社交', '品类', '分类', '邮件', '短信', '直播', '内容', '文章', '视频', '推送', '活动', '访问',
  ],
};

const ORDER: readonly JourneyStage[] = ['retention', 'decision', 'consideration', 'awareness'];

/** The stage a touchpoint's name suggests, or null when no word fits. */
export function defaultStage(name: string): JourneyStage | null {
  const text = ` ${name.toLowerCase().replace(/[_\-./|:>]+/g, ' ').replace(/\s+/g, ' ').trim()}`;
  for (const stage of ORDER) {
    for (const w of STAGE_WORDS[stage]) {
      if (/[a-z]/.test(w) ? text.includes(` ${w}`) : text.includes(w)) return stage;
    }
  }
  return null;
}

export interface JourneyFunnelOptions {
  /** Needs `customer_id`, `event_at` and `touchpoint` (or `channel`). */
  events: TableInfo;
  /** Touchpoint name (trimmed, as `touchpointCountsSql` returns it) → stage; touchpoints not named, or null, have none. */
  stages: Readonly<Record<string, JourneyStage | null>>;
  /** Minutes after the first purchase before another counts as a repeat; default 30 (the session gap). */
  gapMinutes?: number;
}

function need(events: TableInfo): MetricQuery | undefined {
  const m = missing(events, 'events', ['customer_id', 'event_at']);
  if (m) return unavailable(m);
  if (!events.roles.touchpoint && !events.roles.channel) return unavailable({ reason: 'missing_role', kind: 'events', table: events.name, roles: ['touchpoint'] });
  return undefined;
}

function touchpointExpr(events: TableInfo): string {
  const tp = roleColumn(events, 'touchpoint') ?? roleColumn(events, 'channel')!;
  return `coalesce(nullif(trim(${asText(tp)}), ''), '?')`;
}

/** The `limit` (default 200) touchpoints with the most events: `touchpoint`, `events`, `customers`. */
export function touchpointCountsSql(events: TableInfo, limit = 200): MetricQuery {
  const n = need(events);
  if (n) return n;
  const cid = `nullif(trim(${asText(roleColumn(events, 'customer_id')!)}), '')`;
  return built(
    `SELECT ${touchpointExpr(events)} AS touchpoint, count(*) AS events, count(DISTINCT ${cid}) AS customers FROM ${ident(events.name)}` +
      ` WHERE ${cid} IS NOT NULL GROUP BY 1 ORDER BY events DESC, touchpoint LIMIT ${positiveInt(limit, 'Touchpoints')}`,
  );
}

/**
 * One row per stage, in order: `stage` (1 awareness … 4 retention), `name`,
 * `customers` (reaching it or a later stage), plus on every row
 * `unstaged_customers` (customers none of whose events has a stage).
 */
export function journeyFunnelSql(o: JourneyFunnelOptions): MetricQuery {
  const n = need(o.events);
  if (n) return n;
  const e = o.events;
  const gap = positiveInt(o.gapMinutes ?? 30, 'Session gap (minutes)');
  const mapped = Object.entries(o.stages).filter((x): x is [string, JourneyStage] => x[1] !== null && JOURNEY_STAGES.includes(x[1]));
  const values = mapped.length ? mapped.map(([t, s]) => `(${lit(t)}, ${JOURNEY_STAGES.indexOf(s) + 1})`).join(', ') : `(NULL, NULL)`;
  const conv = conversionExpr(e) ?? 'FALSE';
  const stages = JOURNEY_STAGES.map((s, i) => `(${i + 1}, ${lit(s)})`).join(', ');
  return built(
    `WITH m(touchpoint, stage) AS (VALUES ${values}),\n` +
      `raw AS (SELECT nullif(trim(${asText(roleColumn(e, 'customer_id')!)}), '') AS cid, ${timestampExpr(roleColumn(e, 'event_at')!)} AS ts,` +
      ` ${touchpointExpr(e)} AS touchpoint, ${conv} AS conv FROM ${ident(e.name)}),\n` +
      `ev AS (SELECT raw.cid, raw.ts, CAST(m.stage AS INTEGER) AS stage, raw.conv OR m.stage = 3 AS buy FROM raw LEFT JOIN m USING (touchpoint) WHERE raw.cid IS NOT NULL AND raw.ts IS NOT NULL),\n` +
      `c AS (SELECT cid, max(stage) FILTER (WHERE stage < 3) AS before_buy, bool_or(stage = 4) AS any_ret, min(ts) FILTER (WHERE buy) AS first_buy FROM ev GROUP BY cid),\n` +
      `r AS (SELECT DISTINCT ev.cid FROM ev JOIN c USING (cid) WHERE c.first_buy IS NOT NULL AND ((ev.stage = 4 AND ev.ts > c.first_buy)` +
      ` OR (ev.buy AND ev.ts > c.first_buy + INTERVAL ${gap} MINUTE))),\n` +
      `f AS (SELECT CASE WHEN r.cid IS NOT NULL THEN 4 WHEN c.first_buy IS NOT NULL THEN 3 WHEN c.any_ret THEN 2 ELSE c.before_buy END AS furthest FROM c LEFT JOIN r USING (cid)),\n` +
      `g AS (SELECT furthest, count(*) AS n FROM f GROUP BY 1)\n` +
      `SELECT k.stage, k.name, coalesce(sum(g.n) FILTER (WHERE g.furthest >= k.stage), 0) AS customers, (SELECT coalesce(sum(n), 0) FROM g WHERE furthest IS NULL) AS unstaged_customers` +
      ` FROM (VALUES ${stages}) AS k(stage, name) CROSS JOIN g GROUP BY k.stage, k.name ORDER BY k.stage`,
  );
}

/** One row: `value` (orders revenue ÷ customers with orders), `buyers` (customers with orders); unavailable without a customer and an amount. */
export function buyerValueSql(orders: TableInfo): MetricQuery {
  const m = missing(orders, 'orders', ['customer_id']);
  if (m) return unavailable(m);
  if (!orders.roles.amount && !(orders.roles.quantity && orders.roles.unit_price)) return unavailable({ reason: 'missing_role', kind: 'orders', table: orders.name, roles: ['amount'] });
  const f = orderLinesFacts(orders);
  return built(`SELECT sum(amount) / nullif(count(DISTINCT customer_id), 0) AS value, count(DISTINCT customer_id) AS buyers FROM (${f.sql}) WHERE customer_id IS NOT NULL`);
}

export interface FunnelStage {
  stage: JourneyStage;
  customers: number;
  /** Of the previous stage's customers, the share reaching this one; null on the first stage or after an empty one. */
  stepRate: number | null;
}

export interface Bottleneck {
  /** The step into this stage (the one after `from`). */
  from: JourneyStage;
  to: JourneyStage;
  stepRate: number;
  /** Customers who reached `from` but not `to`. */
  lost: number;
  /** `lost` × the share of those past the step who reached a decision (1 for the retention step). */
  lostBuyers: number;
  /** `lostBuyers` × the value of a buying customer; null without orders to value them. */
  cost: number | null;
}

/** Stages from `journeyFunnelSql` rows, with step conversion. */
export function funnelStages(rows: readonly Record<string, unknown>[]): FunnelStage[] {
  const byStage = new Map(rows.map((r) => [Number(r.stage), Number(r.customers ?? 0)]));
  return JOURNEY_STAGES.map((stage, i) => {
    const customers = byStage.get(i + 1) ?? 0;
    const prev = i === 0 ? 0 : (byStage.get(i) ?? 0);
    return { stage, customers, stepRate: i === 0 || prev === 0 ? null : customers / prev };
  });
}

/** The step with the lowest step conversion (the earlier on a tie) and its cost; null when no step has customers before it. */
export function funnelBottleneck(stages: readonly FunnelStage[], buyerValue: number | null): Bottleneck | null {
  let best: number | null = null;
  for (let i = 1; i < stages.length; i++) {
    const r = stages[i]!.stepRate;
    if (r !== null && (best === null || r < stages[best]!.stepRate!)) best = i;
  }
  if (best === null) return null;
  const from = stages[best - 1]!;
  const to = stages[best]!;
  const lost = from.customers - to.customers;
  const decision = stages[JOURNEY_STAGES.indexOf('decision')]!.customers;
  const onward = to.stage === 'retention' || to.customers === 0 ? 1 : Math.min(1, decision / to.customers);
  const lostBuyers = lost * onward;
  return { from: from.stage, to: to.stage, stepRate: to.stepRate!, lost, lostBuyers, cost: buyerValue === null ? null : lostBuyers * buyerValue };
}
