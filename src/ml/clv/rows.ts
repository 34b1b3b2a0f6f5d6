/**
 * Customers with the same (x, t_x, T) add the same term to a likelihood, so the
 * fits sum over distinct rows with weights. Most customers with x = 0 share a
 * handful of T values, which is where the saving is.
 */
import type { CalibrationSummary } from './types.ts';

export interface WeightedCounts {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** How many customers each row stands for. */
  w: Float64Array;
  /** Customers in all (Σ w). */
  customers: number;
  /** The distinct values of x, and for each row the index of its x among them (for terms that depend on x alone). */
  xLevels: Float64Array;
  xLevel: Int32Array;
}

export type CountsSummary = Pick<CalibrationSummary, 'x' | 'tx' | 'T'>;

/** Checks one customer's counts; the message says which customer and what is wrong. */
function checkCustomer(i: number, x: number, tx: number, T: number): void {
  if (!(Number.isInteger(x) && x >= 0)) throw new Error(`Customer ${i + 1}: repeat purchases x = ${x} is not a whole number ≥ 0`);
  if (!(Number.isFinite(T) && T >= 0)) throw new Error(`Customer ${i + 1}: age T = ${T} is not a number ≥ 0`);
  if (!(Number.isFinite(tx) && tx >= 0 && tx <= T + 1e-9)) throw new Error(`Customer ${i + 1}: last purchase t_x = ${tx} is not between 0 and T = ${T}`);
  if (x > 0 && tx === 0) throw new Error(`Customer ${i + 1}: x = ${x} repeat purchases but t_x = 0`);
}

export function compressCounts(s: CountsSummary): WeightedCounts {
  const n = s.x.length;
  if (s.tx.length !== n || s.T.length !== n) throw new Error(`Summary columns differ in length: x ${n}, t_x ${s.tx.length}, T ${s.T.length}`);
  const index = new Map<string, number>();
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = s.x[i]!;
    const ti = xi === 0 ? 0 : s.tx[i]!;
    const Ti = s.T[i]!;
    checkCustomer(i, xi, s.tx[i]!, Ti);
    const key = `${xi}|${ti}|${Ti}`;
    const at = index.get(key);
    if (at !== undefined) w[at]!++;
    else {
      index.set(key, x.length);
      x.push(xi);
      tx.push(Math.min(ti, Ti));
      T.push(Ti);
      w.push(1);
    }
  }
  const levels = [...new Set(x)].sort((a, b) => a - b);
  const levelOf = new Map(levels.map((v, i) => [v, i]));
  const xLevel = Int32Array.from(x, (v) => levelOf.get(v)!);
  return { x: Float64Array.from(x), tx: Float64Array.from(tx), T: Float64Array.from(T), w: Float64Array.from(w), customers: n, xLevels: Float64Array.from(levels), xLevel };
}

/** Means of x and T, for data-scaled starting points. */
export function meanCounts(c: WeightedCounts): { x: number; T: number } {
  let sx = 0;
  let sT = 0;
  for (let i = 0; i < c.w.length; i++) {
    sx += c.w[i]! * c.x[i]!;
    sT += c.w[i]! * c.T[i]!;
  }
  return { x: sx / Math.max(1, c.customers), T: sT / Math.max(1, c.customers) };
}

/**
 * A cheap likelihood of about the same shape, for the optimiser's coarse pass:
 * rows standing for many customers (x = 0 mostly) all kept, of the others every
 * k-th, weighted up to stand for all of them; at most about `maxRows` rows. The
 * same counts when they are already small.
 */
export function thinCounts(c: WeightedCounts, maxRows: number): WeightedCounts {
  const k = Math.ceil(c.x.length / maxRows);
  if (k <= 1) return c;
  const keep: number[] = [];
  let light = 0;
  let lightKept = 0;
  let seen = 0;
  for (let i = 0; i < c.w.length; i++) {
    const heavy = c.w[i]! >= k;
    if (!heavy) light += c.w[i]!;
    if (heavy || seen++ % k === 0) {
      keep.push(i);
      if (!heavy) lightKept += c.w[i]!;
    }
  }
  const scale = lightKept > 0 ? light / lightKept : 1;
  const at = <A extends Float64Array | Int32Array>(a: A, make: (n: number) => A): A => {
    const out = make(keep.length);
    keep.forEach((j, i) => (out[i] = a[j]!));
    return out;
  };
  const w = at(c.w, (n) => new Float64Array(n)).map((v) => (v >= k ? v : v * scale));
  return { ...c, x: at(c.x, (n) => new Float64Array(n)), tx: at(c.tx, (n) => new Float64Array(n)), T: at(c.T, (n) => new Float64Array(n)), xLevel: at(c.xLevel, (n) => new Int32Array(n)), w };
}
