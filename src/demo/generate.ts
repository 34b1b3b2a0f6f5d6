/**
 * Seeded synthetic CRM data: customers, order lines, support tickets and
 * marketing leads, deterministic for a seed and pure (no Node APIs), so the
 * browser builds the demo workspace with the same code the bench uses.
 *
 * How the data is caused, so analyses find something real:
 * - Each customer has a latent risk `z ~ N(0,1)`. Risk raises the chance of
 *   churning, the number of support tickets, slower responses and lower
 *   satisfaction. A churner's purchase rate fades over the 120 days before the
 *   churn day and is zero after it; `churned` is the truth at `endDate`.
 * - Purchase rates are Gamma(0.8)-distributed and scaled by segment, which
 *   (with quantities) gives Pareto-shaped spend.
 * - Daily volume follows month, weekday and shopping-festival factors; each
 *   day's number of order lines is the day's share of the requested total, so
 *   the total is exact and the stream is chronological.
 * - Orders mix a customer's favourite categories, fixed companion products
 *   (phone → case) and category affinities, so association rules find pairs.
 */
import { AliasTable, Random } from '../lib/random.ts';
import {
  AFFINITY_FLOOR, CATEGORIES, CATEGORY_AFFINITY, CATEGORY_WEIGHTS, COMPANIONS, EN_FIRST_FEMALE, EN_FIRST_MALE,
  EN_LAST, GENDERS, LEAD_CHANNELS, LEAD_STAGES, MONTH_FACTOR, ORDER_CHANNELS, PRODUCTS, PROMO_DAYS, REGIONS,
  SALES_OWNERS, SEGMENTS, SIGNUP_CHANNELS, TICKET_CATEGORIES, TICKET_STATUS, WEEKDAY_FACTOR, ZH_GIVEN_FEMALE,
  ZH_GIVEN_MALE, ZH_SURNAMES, type CategoryKey, type Label,
} from './catalog.ts';
import { csvLine, toCsv, type CsvTable, type CsvValue } from './csv.ts';

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

/** The demo workspace the app loads at start-up. */
export const DEMO_OPTIONS: Readonly<GenOptions> = {
  seed: 20251231,
  customers: 2000,
  orderLines: 25_000,
  startDate: '2023-01-01',
  endDate: '2025-12-31',
};

/** Customers to simulate so that `rows` order lines look like the default density. */
export function customersForOrderLines(rows: number): number {
  return Math.max(1, Math.round(rows / DEFAULTS.linesPerCustomer));
}

// ---------------------------------------------------------------- dates

/** Days since 1970-01-01 of a `YYYY-MM-DD` string. */
function parseDay(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t)) throw new Error(`Expected a date as YYYY-MM-DD, got "${s}"`);
  return Math.round(t / 86_400_000);
}

/** [year, month 1–12, day] of a day number (Hinnant's civil_from_days). */
function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

function formatDay(days: number): string {
  const [y, m, d] = civil(days);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** `YYYY-MM-DD HH:MM:SS` of seconds since the epoch. */
function formatTs(sec: number): string {
  const day = Math.floor(sec / 86_400);
  const s = sec - day * 86_400;
  return `${formatDay(day)} ${pad2(Math.floor(s / 3600))}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}`;
}

const weekday = (days: number): number => (((days + 4) % 7) + 7) % 7;

/**
 * Cents as text with two decimals, always: a CSV reader that sniffs types from
 * the first rows must not see whole numbers there and guess an integer column
 * (DuckDB then rounds the later 42.50s to 43 without a word).
 */
function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

function padId(prefix: string, n: number, width: number): string {
  return prefix + String(n).padStart(width, '0');
}

// ---------------------------------------------------------------- customers (latent state)

const RAMP_DAYS = 120;
/** Churn logit = CHURN_BASE + CHURN_RISK·z. Tuned so dissatisfied customers churn ≈42 %, the rest ≈20 %. */
const CHURN_BASE = -1.25;
const CHURN_RISK = 0.6;

/** Everything the tables are drawn from, one slot per customer (index = simulation order, not id). */
interface World {
  seed: number;
  lang: HeaderLang;
  start: number;
  end: number;
  n: number;
  signup: Int32Array;
  /** Churn day (first day without purchases), or -1. */
  churnDay: Int32Array;
  /** Last day the customer can buy. */
  lastActive: Int32Array;
  z: Float64Array;
  rate: Float64Array;
  segment: Uint8Array;
  gender: Uint8Array;
  channel: Uint8Array;
  /** Category preference weights, 8 per customer. */
  prefs: Float64Array;
  /** Customer id by simulation index (ids are numbered by signup date). */
  ids: string[];
  rank: Int32Array;
}

const NCAT = CATEGORIES.length;
const CAT_INDEX = new Map<CategoryKey, number>(CATEGORIES.map((c, i) => [c.key, i]));
const SEGMENT_WEIGHTS = SEGMENTS.map((s) => s.weight);
const CHANNEL_WEIGHTS = SIGNUP_CHANNELS.map((c) => c.weight);
const REGION_WEIGHTS = REGIONS.map((r) => r.weight);
const ZH_SURNAME_WEIGHTS = ZH_SURNAMES.map((s) => s[1]);

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function buildWorld(opts: GenOptions, n: number): World {
  const seed = opts.seed ?? DEFAULTS.seed;
  const start = parseDay(opts.startDate ?? DEFAULTS.startDate);
  const end = parseDay(opts.endDate ?? DEFAULTS.endDate);
  if (end - start < 120) throw new Error('The date range must span at least 120 days');
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`customers must be a positive integer, got ${n}`);
  const root = new Random(seed);
  const w: World = {
    seed, lang: opts.headers ?? 'en', start, end, n,
    signup: new Int32Array(n), churnDay: new Int32Array(n), lastActive: new Int32Array(n), z: new Float64Array(n),
    rate: new Float64Array(n), segment: new Uint8Array(n), gender: new Uint8Array(n), channel: new Uint8Array(n),
    prefs: new Float64Array(n * NCAT), ids: new Array<string>(n), rank: new Int32Array(n),
  };
  const span = end - 7 - start;
  for (let i = 0; i < n; i++) {
    const r = root.fork('customer', i);
    const seg = r.weightedIndex(SEGMENT_WEIGHTS);
    const gender = r.int(0, 1);
    w.segment[i] = seg;
    w.gender[i] = gender;
    w.channel[i] = r.weightedIndex(CHANNEL_WEIGHTS);
    // A third of the base predates the window, the rest signs up at a slowly growing pace.
    const signup = r.bool(0.3) ? start - r.int(1, 730) : start + Math.floor(span * Math.pow(r.float(), 0.85));
    w.signup[i] = signup;
    const z = r.normal();
    w.z[i] = z;
    w.rate[i] = r.gamma(1, 1) * SEGMENTS[seg]!.rate * Math.exp(-0.15 * z);
    for (let c = 0; c < NCAT; c++) {
      const key = CATEGORIES[c]!.key;
      let p = CATEGORY_WEIGHTS[key] * r.gamma(0.6, 1);
      if (gender === 0 && (key === 'beauty' || key === 'apparel')) p *= 1.5;
      if (gender === 1 && (key === 'electronics' || key === 'sports')) p *= 1.4;
      if (seg > 0 && (key === 'books' || key === 'electronics')) p *= 2;
      w.prefs[i * NCAT + c] = p + 0.02;
    }
    // Churn needs some history: at least 60 days as a customer, at least 30 days before the end.
    const lo = Math.max(signup + 60, start + 60, end - 540);
    const hi = end - 30;
    const churns = lo <= hi && r.float() < sigmoid(CHURN_BASE + CHURN_RISK * z);
    w.churnDay[i] = churns ? r.int(lo, hi) : -1;
    w.lastActive[i] = churns ? w.churnDay[i]! - 1 : end;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => w.signup[a]! - w.signup[b]! || a - b);
  const width = Math.max(6, String(n).length);
  order.forEach((i, k) => {
    w.rank[i] = k;
    w.ids[i] = padId('C', k + 1, width);
  });
  return w;
}

/** Purchase-rate multiplier of a churner as the churn day nears (1 before the ramp). */
function fade(w: World, i: number, day: number): number {
  const cd = w.churnDay[i]!;
  if (cd < 0 || day < cd - RAMP_DAYS) return 1;
  if (day >= cd) return 0;
  return 0.15 + (0.85 * (cd - day)) / RAMP_DAYS;
}

function label(l: Label, lang: HeaderLang): string {
  return lang === 'zh' ? l.zh : l.en;
}

function customersTable(w: World): GenTable {
  const rows: CsvValue[][] = new Array<CsvValue[]>(w.n);
  const root = new Random(w.seed);
  for (let i = 0; i < w.n; i++) {
    const r = root.fork('profile', i);
    const region = REGIONS[r.weightedIndex(REGION_WEIGHTS)]!;
    const city = r.pick(region.cities);
    const age = Math.round(Math.min(75, Math.max(18, r.normal(w.segment[i] === 0 ? 35 : 41, 10))));
    // Names draw from their own stream: English and Chinese names use different numbers of draws.
    const rn = root.fork('name', i);
    const female = w.gender[i] === 0;
    let name: string;
    if (w.lang === 'zh') {
      const surname = rn.weighted(ZH_SURNAMES, ZH_SURNAME_WEIGHTS)[0];
      const given = female ? ZH_GIVEN_FEMALE : ZH_GIVEN_MALE;
      name = surname + rn.pick(given) + (rn.bool(0.7) ? rn.pick(given) : '');
    } else {
      name = `${rn.pick(female ? EN_FIRST_FEMALE : EN_FIRST_MALE)} ${rn.pick(EN_LAST)}`;
    }
    rows[w.rank[i]!] = [
      w.ids[i]!, name, label(GENDERS[w.gender[i]!]!, w.lang), age, label(region, w.lang), label(city, w.lang),
      formatDay(w.signup[i]!), label(SIGNUP_CHANNELS[w.channel[i]!]!, w.lang), label(SEGMENTS[w.segment[i]!]!, w.lang),
      w.churnDay[i]! >= 0 ? 1 : 0,
    ];
  }
  return { name: 'customers', keys: COLUMNS.customers, columns: headerRow('customers', w.lang), rows };
}

// ---------------------------------------------------------------- orders

interface Catalogue {
  /** [month 0–11][category] → product indices and cumulative weights. */
  byMonth: { items: number[]; cum: number[] }[][];
  companions: (readonly [number, number])[][];
  affinity: number[][];
  consumable: boolean[];
  productLabels: string[];
  categoryLabels: string[];
  productCategory: number[];
}

function catalogue(lang: HeaderLang): Catalogue {
  const index = new Map(PRODUCTS.map((p, i) => [p.key, i]));
  const byMonth = Array.from({ length: 12 }, (_, m) =>
    CATEGORIES.map((c) => {
      const items: number[] = [];
      const cum: number[] = [];
      let t = 0;
      PRODUCTS.forEach((p, i) => {
        if (p.category !== c.key) return;
        t += p.weight * (p.season?.months.includes(m + 1) ? p.season.boost : 1);
        items.push(i);
        cum.push(t);
      });
      return { items, cum };
    }),
  );
  return {
    byMonth,
    companions: PRODUCTS.map((p) => (COMPANIONS[p.key] ?? []).map(([k, prob]) => [index.get(k)!, prob] as const)),
    affinity: CATEGORIES.map((c) => {
      const row: Partial<Record<CategoryKey, number>> = CATEGORY_AFFINITY[c.key];
      return CATEGORIES.map((d) => row[d.key] ?? AFFINITY_FLOOR);
    }),
    consumable: PRODUCTS.map((p) => p.consumable === true),
    productLabels: PRODUCTS.map((p) => label(p, lang)),
    categoryLabels: CATEGORIES.map((c) => label(c, lang)),
    productCategory: PRODUCTS.map((p) => CAT_INDEX.get(p.category)!),
  };
}

function pickProduct(cat: { items: number[]; cum: number[] }, r: Random): number {
  const u = r.float() * cat.cum[cat.cum.length - 1]!;
  for (let k = 0; k < cat.cum.length; k++) if (u < cat.cum[k]!) return cat.items[k]!;
  return cat.items[cat.items.length - 1]!;
}

const EXTRA_LINES = [0.5, 0.27, 0.13, 0.06, 0.04];
const DISCOUNT_RATES = [0.05, 0.1, 0.15, 0.2, 0.3];
const ORDER_CHANNEL_MIX = [0.35, 0.35, 0.15, 0.15];

/** Volume factor and discount share of a day. */
function dayFactors(day: number): [number, number] {
  const [, m, d] = civil(day);
  let volume = MONTH_FACTOR[m - 1]! * WEEKDAY_FACTOR[weekday(day)]!;
  let discount = 0.1;
  for (const [pm, pd, f, share] of PROMO_DAYS) {
    if (pm === m && pd === d) {
      volume *= f;
      discount = share;
    }
  }
  return [volume, discount];
}

/**
 * Order lines, day by day, as arrays of rows (one array per day that has any).
 * Exactly `total` lines in all.
 */
function* orderRows(w: World, total: number): Generator<CsvValue[][]> {
  if (!(Number.isInteger(total) && total >= 0)) throw new Error(`order lines must be a non-negative integer, got ${total}`);
  const r = new Random(w.seed).fork('orders');
  const cat = catalogue(w.lang);
  const days = w.end - w.start + 1;

  // Expected purchase intensity per day: sum of active customers' rates, faded for churners.
  const active = new Float64Array(days + 1);
  for (let i = 0; i < w.n; i++) {
    const a = Math.max(w.signup[i]!, w.start);
    const b = w.lastActive[i]!;
    if (a > b) continue;
    active[a - w.start] = active[a - w.start]! + w.rate[i]!;
    active[b - w.start + 1] = active[b - w.start + 1]! - w.rate[i]!;
  }
  for (let d = 1; d < days; d++) active[d] = active[d]! + active[d - 1]!;
  for (let i = 0; i < w.n; i++) {
    if (w.churnDay[i]! < 0) continue;
    for (let d = Math.max(w.churnDay[i]! - RAMP_DAYS, w.signup[i]!, w.start); d < w.churnDay[i]!; d++) {
      active[d - w.start] = active[d - w.start]! + w.rate[i]! * (fade(w, i, d) - 1);
    }
  }
  const weight = new Float64Array(days);
  const discountShare = new Float64Array(days);
  let sum = 0;
  for (let d = 0; d < days; d++) {
    const [volume, disc] = dayFactors(w.start + d);
    weight[d] = Math.max(0, active[d]!) * volume * r.lognormal(0, 0.12);
    discountShare[d] = disc;
    sum += weight[d]!;
  }
  if (total > 0 && !(sum > 0)) throw new Error('No customer is active in the date range');

  const alias = new AliasTable(w.rate);
  const firstYear = civil(w.start)[0];
  let orderSeq = 0;
  let cum = 0;
  let allotted = 0;
  let carry = 0;
  const seen = new Set<number>();
  for (let d = 0; d < days; d++) {
    cum += weight[d]!;
    const upTo = d === days - 1 ? total : Math.round((total * cum) / sum);
    let want = upTo - allotted + carry;
    allotted = upTo;
    carry = 0;
    if (want <= 0) continue;
    const day = w.start + d;
    const date = formatDay(day);
    const [y, m] = civil(day);
    const month = m - 1;
    // List prices rise 3 % each calendar year of the data.
    const year = y - firstYear;
    const rows: CsvValue[][] = [];
    while (want > 0) {
      let i = -1;
      for (let attempt = 0; attempt < 100_000; attempt++) {
        const c = alias.sample(r);
        if (day < w.signup[c]! || day > w.lastActive[c]!) continue;
        const f = fade(w, c, day);
        if (f < 1 && r.float() >= f) continue;
        i = c;
        break;
      }
      if (i < 0) break;
      const orderId = padId('O', ++orderSeq, 8);
      const seg = w.segment[i]!;
      const ch = w.channel[i]! < ORDER_CHANNELS.length && r.bool(0.75) ? w.channel[i]! : r.weightedIndex(ORDER_CHANNEL_MIX);
      const channel = label(ORDER_CHANNELS[ch]!, w.lang);
      const first = pickProduct(cat.byMonth[month]![r.weightedIndex(w.prefs.subarray(i * NCAT, (i + 1) * NCAT))]!, r);
      const picks = [first];
      const extra = r.weightedIndex(EXTRA_LINES);
      const aff = cat.affinity[cat.productCategory[first]!]!;
      for (let k = 0; k < extra; k++) picks.push(pickProduct(cat.byMonth[month]![r.weightedIndex(aff)]!, r));
      const products: number[] = [];
      seen.clear();
      for (const pick of picks) {
        if (seen.has(pick)) continue;
        seen.add(pick);
        products.push(pick);
        for (const [p, prob] of cat.companions[pick]!) {
          if (r.float() < prob && !seen.has(p)) {
            seen.add(p);
            products.push(p);
          }
        }
      }
      const discounted = r.float() < discountShare[d]! + (seg > 0 ? 0.15 : 0);
      const rate = discounted ? r.pick(DISCOUNT_RATES) : 0;
      for (let k = 0; k < products.length && want > 0; k++, want--) {
        const p = products[k]!;
        let qty = cat.consumable[p] ? 1 + r.poisson(0.8) : r.bool(0.92) ? 1 : 2;
        if (seg > 0 && r.bool(0.35)) qty *= r.int(2, 3 * SEGMENTS[seg]!.qty);
        const unit = Math.round(PRODUCTS[p]!.price * (1 + 0.03 * year) * 10) * 10;
        const gross = unit * qty;
        const discount = Math.round(gross * rate);
        rows.push([
          orderId, w.ids[i]!, date, cat.productLabels[p]!, cat.categoryLabels[cat.productCategory[p]!]!, qty,
          money(unit), money(discount), money(gross - discount), channel,
        ]);
      }
    }
    carry = want;
    if (rows.length > 0) yield rows;
  }
}

// ---------------------------------------------------------------- tickets

const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 2, 4, 6, 7, 7, 5, 6, 7, 7, 6, 5, 4, 4, 3.5, 3, 2.5, 1.5];
const TICKET_WEIGHTS = TICKET_CATEGORIES.map((c) => c.weight);
const TICKET_WEIGHTS_AT_RISK = TICKET_CATEGORIES.map((c) =>
  c.weight * (c.key === 'product_quality' ? 2 : c.key === 'returns' || c.key === 'delivery' ? 1.5 : 1),
);

function ticketsTable(w: World): GenTable {
  const root = new Random(w.seed);
  const endSec = (w.end + 1) * 86_400 - 1;
  const raw: { open: number; cust: number; row: CsvValue[] }[] = [];
  for (let i = 0; i < w.n; i++) {
    const r = root.fork('tickets', i);
    const a = Math.max(w.signup[i]!, w.start);
    const b = w.lastActive[i]!;
    if (a > b) continue;
    const z = w.z[i]!;
    const cd = w.churnDay[i]!;
    const days: number[] = [];
    const n = r.poisson(((b - a + 1) / 365) * 0.6 * Math.exp(0.5 * z));
    for (let k = 0; k < n; k++) days.push(r.int(a, b));
    if (cd >= 0) {
      // The run-up to churning: trouble that goes unresolved.
      const lo = Math.max(a, cd - 90);
      const extra = lo <= b ? r.poisson(1.1) : 0;
      for (let k = 0; k < extra; k++) days.push(r.int(lo, b));
    }
    for (const day of days) {
      const atRisk = cd >= 0 && day >= cd - RAMP_DAYS;
      const open = day * 86_400 + r.weightedIndex(HOUR_WEIGHTS) * 3600 + r.int(0, 3599);
      const responseMin = r.lognormal(Math.log(120) + 0.35 * z + (atRisk ? 0.6 : 0), 1);
      const resolveMin = r.lognormal(Math.log(1440) + 0.3 * z, 1.1);
      const firstResponse = open + Math.round(responseMin * 60);
      const closed = firstResponse + Math.round(resolveMin * 60);
      const category = r.weightedIndex(atRisk ? TICKET_WEIGHTS_AT_RISK : TICKET_WEIGHTS);
      const s = 3.6 - 0.4 * z - (atRisk ? 0.3 : 0) - (responseMin > 1440 ? 0.35 : 0) - (resolveMin > 4320 ? 0.25 : 0) + r.normal(0, 0.9);
      const rated = r.bool(0.85);
      const isClosed = closed <= endSec;
      raw.push({
        open,
        cust: w.rank[i]!,
        row: [
          '', w.ids[i]!, formatTs(open), firstResponse <= endSec ? formatTs(firstResponse) : null,
          isClosed ? formatTs(closed) : null, label(TICKET_CATEGORIES[category]!, w.lang),
          isClosed && rated ? Math.min(5, Math.max(1, Math.round(s))) : null,
          label(isClosed ? TICKET_STATUS.closed : TICKET_STATUS.open, w.lang),
        ],
      });
    }
  }
  raw.sort((x, y) => x.open - y.open || x.cust - y.cust);
  const width = Math.max(6, String(raw.length).length);
  const rows = raw.map((t, k) => {
    t.row[0] = padId('T', k + 1, width);
    return t.row;
  });
  return { name: 'tickets', keys: COLUMNS.tickets, columns: headerRow('tickets', w.lang), rows };
}

// ---------------------------------------------------------------- leads

const LEADS_PER_CUSTOMER = 2.5;
const WIN_SHARE = 0.1;
const STAGE_DAYS: readonly (readonly [number, number])[] = [[1, 10], [2, 20], [3, 25], [5, 40]];
const FUNNEL = [0.42, 0.45, 0.55];
const LEAD_CHANNEL_WEIGHTS = LEAD_CHANNELS.map((c) => c.weight);
const DEAL_MEDIAN = [3000, 15000, 60000];

function leadsTable(w: World): GenTable {
  const r = new Random(w.seed).fork('leads');
  const total = Math.round(w.n * LEADS_PER_CUSTOMER);
  const raw: { created: number; tie: number; row: CsvValue[] }[] = [];
  const date = (d: number | null): string | null => (d === null ? null : formatDay(d));
  const stageLabel = (k: number): string => label(LEAD_STAGES[k]!, w.lang);

  // Won leads are customers: the deal closes on the signup day.
  const eligible: number[] = [];
  const minLead = STAGE_DAYS.reduce((s, [, hi]) => s + hi, 0);
  for (let i = 0; i < w.n; i++) if (w.signup[i]! >= w.start + minLead) eligible.push(i);
  r.shuffle(eligible);
  const won = eligible.slice(0, Math.min(eligible.length, Math.round(total * WIN_SHARE)));
  won.sort((a, b) => a - b);
  for (const i of won) {
    const stages = [0, 0, 0, 0, w.signup[i]!];
    for (let k = 3; k >= 0; k--) stages[k] = stages[k + 1]! - r.int(STAGE_DAYS[k]![0], STAGE_DAYS[k]![1]);
    const value = Math.round(r.lognormal(Math.log(DEAL_MEDIAN[w.segment[i]!]!), 0.6) / 100) * 100;
    raw.push({
      created: stages[0]!,
      tie: r.float(),
      row: [
        '', date(stages[0]!), label(LEAD_CHANNELS[r.weightedIndex(LEAD_CHANNEL_WEIGHTS)]!, w.lang), stageLabel(4),
        date(stages[1]!), date(stages[2]!), date(stages[3]!), date(stages[4]!), value,
        label(r.pick(SALES_OWNERS), w.lang), w.ids[i]!,
      ],
    });
  }
  const span = w.end - w.start;
  for (let k = raw.length; k < total; k++) {
    const created = w.start + Math.floor(span * Math.pow(r.float(), 0.85));
    const dates: (number | null)[] = [created, null, null, null, null];
    let stage = 0;
    for (let s = 0; s < FUNNEL.length; s++) {
      if (!r.bool(FUNNEL[s]!)) break;
      const next = dates[s]! + r.int(STAGE_DAYS[s]![0], STAGE_DAYS[s]![1]);
      if (next > w.end) break;
      dates[s + 1] = next;
      stage = s + 1;
    }
    const value = stage >= 3 ? Math.round(r.lognormal(Math.log(8000), 0.9) / 100) * 100 : null;
    raw.push({
      created,
      tie: r.float(),
      row: [
        '', date(created), label(LEAD_CHANNELS[r.weightedIndex(LEAD_CHANNEL_WEIGHTS)]!, w.lang), stageLabel(stage),
        date(dates[1]!), date(dates[2]!), date(dates[3]!), null, value,
        stage >= 2 ? label(r.pick(SALES_OWNERS), w.lang) : null, null,
      ],
    });
  }
  raw.sort((x, y) => x.created - y.created || x.tie - y.tie);
  const width = Math.max(6, String(raw.length).length);
  const rows = raw.map((l, k) => {
    l.row[0] = padId('L', k + 1, width);
    return l.row;
  });
  return { name: 'leads', keys: COLUMNS.leads, columns: headerRow('leads', w.lang), rows };
}

// ---------------------------------------------------------------- public API

function emptyTable(name: CrmTableName, lang: HeaderLang): GenTable {
  return { name, keys: COLUMNS[name], columns: headerRow(name, lang), rows: [] };
}

/** All four tables in memory. Tables left out of `opts.tables` come back empty. */
export function generateCrm(opts: GenOptions = {}): CrmData {
  const n = opts.customers ?? DEFAULTS.customers;
  const lines = opts.orderLines ?? n * DEFAULTS.linesPerCustomer;
  const want = new Set(opts.tables ?? CRM_TABLES);
  const w = buildWorld(opts, n);
  const lang = w.lang;
  let orders = emptyTable('orders', lang);
  if (want.has('orders')) {
    const rows: CsvValue[][] = [];
    for (const day of orderRows(w, lines)) for (const row of day) rows.push(row);
    orders = { ...orders, rows };
  }
  return {
    customers: want.has('customers') ? customersTable(w) : emptyTable('customers', lang),
    orders,
    tickets: want.has('tickets') ? ticketsTable(w) : emptyTable('tickets', lang),
    leads: want.has('leads') ? leadsTable(w) : emptyTable('leads', lang),
  };
}

export interface OrderChunkOptions extends Omit<GenOptions, 'orderLines' | 'tables'> {
  /** Exact number of order lines. `customers` defaults to rows / 12. */
  rows: number;
  /** Lines per yielded chunk (whole days, so chunks run a little over); default 50,000. */
  chunkRows?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The order-lines CSV in text chunks, header first, for files too big to build
 * in memory. Same seed, customers and rows give the same lines as
 * `generateCrm({ ..., orderLines: rows }).orders`.
 */
export function* orderLineChunks(opts: OrderChunkOptions): Generator<string> {
  const n = opts.customers ?? customersForOrderLines(opts.rows);
  const w = buildWorld(opts, n);
  const chunkRows = opts.chunkRows ?? 50_000;
  let parts: string[] = [csvLine(headerRow('orders', w.lang))];
  let done = 0;
  for (const day of orderRows(w, opts.rows)) {
    for (const row of day) parts.push(csvLine(row));
    done += day.length;
    if (parts.length >= chunkRows) {
      yield parts.join('');
      parts = [];
      opts.onProgress?.(done, opts.rows);
    }
  }
  if (parts.length > 0) yield parts.join('');
  opts.onProgress?.(done, opts.rows);
}

/** The demo data set (≈2,000 customers, 25,000 order lines, ending 2025-12-31) as CSV text per table. */
export function demoWorkspace(headers: HeaderLang = 'en'): Record<CrmTableName, string> {
  const data = generateCrm({ ...DEMO_OPTIONS, headers });
  return {
    customers: toCsv(data.customers),
    orders: toCsv(data.orders),
    tickets: toCsv(data.tickets),
    leads: toCsv(data.leads),
  };
}
