/**
 * Order lines. Daily volume follows month, weekday and shopping-festival
 * factors; each day's number of order lines is the day's share of the
 * requested total, so the total is exact and the stream is chronological.
 * Orders mix a customer's favourite categories, fixed companion products
 * (phone → case) and category affinities, so association rules find pairs.
 */
import { AliasTable, Random } from '../lib/random.ts';
import {
  AFFINITY_FLOOR, CATEGORIES, CATEGORY_AFFINITY, COMPANIONS, MONTH_FACTOR, ORDER_CHANNELS, PRODUCTS, PROMO_DAYS,
  SEGMENTS, WEEKDAY_FACTOR, type CategoryKey,
} from './catalog.ts';
import type { CsvValue } from './csv.ts';
import { civil, formatDay, label, money, padId, weekday } from './format.ts';
import type { HeaderLang } from './schema.ts';
import { CAT_INDEX, fade, NCAT, RAMP_DAYS, type World } from './world.ts';

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
export function* orderRows(w: World, total: number): Generator<CsvValue[][]> {
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
