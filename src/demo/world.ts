/**
 * The simulated customers and their risk model, and the customers table drawn
 * from them.
 *
 * Each customer has a latent risk `z ~ N(0,1)`. Risk raises the chance of
 * churning, the number of support tickets, slower responses and lower
 * satisfaction. A churner's purchase rate fades over the 120 days before the
 * churn day and is zero after it; `churned` is the truth at `endDate`.
 * Purchase rates are Gamma(0.8)-distributed and scaled by segment, which (with
 * quantities) gives Pareto-shaped spend.
 */
import { Random } from '../lib/random.ts';
import {
  CATEGORIES, CATEGORY_WEIGHTS, EN_FIRST_FEMALE, EN_FIRST_MALE, EN_LAST, GENDERS, REGIONS, SEGMENTS, SIGNUP_CHANNELS,
  ZH_GIVEN_FEMALE, ZH_GIVEN_MALE, ZH_SURNAMES, type CategoryKey,
} from './catalog.ts';
import type { CsvValue } from './csv.ts';
import { formatDay, label, padId, parseDay } from './format.ts';
import { COLUMNS, DEFAULTS, headerRow, type GenOptions, type GenTable, type HeaderLang } from './schema.ts';

export const RAMP_DAYS = 120;
/** Churn logit = CHURN_BASE + CHURN_RISK·z. Tuned so dissatisfied customers churn ≈42 %, the rest ≈20 %. */
const CHURN_BASE = -1.25;
const CHURN_RISK = 0.6;

/** Everything the tables are drawn from, one slot per customer (index = simulation order, not id). */
export interface World {
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

export const NCAT = CATEGORIES.length;
export const CAT_INDEX = new Map<CategoryKey, number>(CATEGORIES.map((c, i) => [c.key, i]));
const SEGMENT_WEIGHTS = SEGMENTS.map((s) => s.weight);
const CHANNEL_WEIGHTS = SIGNUP_CHANNELS.map((c) => c.weight);
const REGION_WEIGHTS = REGIONS.map((r) => r.weight);
const ZH_SURNAME_WEIGHTS = ZH_SURNAMES.map((s) => s[1]);

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function buildWorld(opts: GenOptions, n: number): World {
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
export function fade(w: World, i: number, day: number): number {
  const cd = w.churnDay[i]!;
  if (cd < 0 || day < cd - RAMP_DAYS) return 1;
  if (day >= cd) return 0;
  return 0.15 + (0.85 * (cd - day)) / RAMP_DAYS;
}

export function customersTable(w: World): GenTable {
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
