/**
 * Special functions for the lifetime-value likelihoods: log-gamma, log-sum-exp
 * and the Gauss hypergeometric function 2F1 on [0, 1).
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Stirling's series with six terms: below 1e-15 relative error for x ≥ 10. */
function lgammaStirling(x: number): number {
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 * (1 / 1188 - inv2 * (691 / 360360))))));
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series;
}

/** ln|Γ(x)|; NaN at the poles (0, −1, −2 …). Lanczos (g = 7) below 10, Stirling above. */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return NaN;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  if (x >= 10) return lgammaStirling(x);
  // Γ(x) = Γ(x + n) / (x (x+1) … (x+n−1)) keeps 1 and 2 (where ln Γ = 0) away from the Lanczos sum's rounding.
  if (x < 3) {
    let shift = 0;
    let y = x;
    while (y < 3) {
      shift += Math.log(y);
      y += 1;
    }
    return lgamma(y) - shift;
  }
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln(e^a + e^b) without overflow; −Infinity when both are. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** ln(e^a − e^b) for a ≥ b; −Infinity when they are equal. */
export function logSubExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (b > a) return NaN;
  if (b === a) return -Infinity;
  return a + Math.log1p(-Math.exp(b - a));
}

/** ln Σ e^v over the values. */
export function logSumExp(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  if (max === -Infinity || !Number.isFinite(max)) return max;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i]! - max);
  return max + Math.log(sum);
}

const MAX_TERMS = 200_000;

/**
 * Gauss's hypergeometric series 2F1(a, b; c; z) − 1 (the terms after the
 * leading 1, so a caller that subtracts 1 keeps its digits) for 0 ≤ z < 1,
 * summed until a term no longer changes the sum. It converges like z^k: z near
 * 1 costs many terms (z = 0.999 takes ~40,000). NaN outside [0, 1) or when c
 * is a non-positive integer, or when `maxTerms` terms do not reach full precision.
 */
export function hyp2f1Minus1(a: number, b: number, c: number, z: number, maxTerms = MAX_TERMS): number {
  if (!(z >= 0 && z < 1)) return NaN;
  if (c <= 0 && Number.isInteger(c)) return NaN;
  let term = 1;
  let sum = 0;
  for (let k = 0; k < maxTerms; k++) {
    term *= (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    sum += term;
    if (term === 0 || (Math.abs(term) <= 1e-17 * Math.abs(sum) && k > 2)) return sum;
    if (!Number.isFinite(sum)) return sum;
  }
  return NaN;
}

/** Gauss's hypergeometric function 2F1(a, b; c; z) for 0 ≤ z < 1 (see hyp2f1Minus1). */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  return 1 + hyp2f1Minus1(a, b, c, z);
}

const GL8_X = [0.1834346424956498, 0.525532409916329, 0.7966664774136267, 0.9602898564975363];
const GL8_W = [0.362683783378362, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763];

/**
 * ln ∫_lo^hi e^ψ(v) dv for ψ concave on [lo, hi], without overflow: 8-point
 * Gauss–Legendre panels outward from ψ's maximum, each short enough that ψ
 * changes by about one unit across it (|ψ'| w ≤ 1, |ψ''| w² ≤ 1 at both
 * ends), stopping where e^ψ has fallen below e^−45 of its peak. `curvature`
 * is |ψ''|.
 */
export function logIntegrateConcave(
  psi: (v: number) => number,
  dpsi: (v: number) => number,
  curvature: (v: number) => number,
  lo: number,
  hi: number,
): number {
  if (!(hi > lo)) return -Infinity;
  let top = lo;
  if (dpsi(lo) > 0) {
    if (dpsi(hi) >= 0) top = hi;
    else {
      let a = lo;
      let b = hi;
      for (let i = 0; i < 100 && b - a > 1e-12 * (1 + Math.abs(a)); i++) {
        const mid = 0.5 * (a + b);
        if (dpsi(mid) > 0) a = mid;
        else b = mid;
      }
      top = 0.5 * (a + b);
    }
  }
  const peak = psi(top);
  const step = (v: number): number => 1 / (Math.abs(dpsi(v)) + Math.sqrt(curvature(v)) + 1e-300);
  let sum = 0;
  for (const dir of [1, -1]) {
    const end = dir > 0 ? hi : lo;
    let v = top;
    for (let panels = 0; dir * (end - v) > 0 && panels < 2000; panels++) {
      let w = Math.min(dir * (end - v), step(v));
      // Away from the peak |ψ'| grows: size the panel by its far end too.
      w = Math.min(w, step(v + dir * w));
      const mid = v + (dir * w) / 2;
      let panel = 0;
      for (let j = 0; j < 4; j++) {
        const h = (GL8_X[j]! * w) / 2;
        panel += GL8_W[j]! * (Math.exp(psi(mid - h) - peak) + Math.exp(psi(mid + h) - peak));
      }
      sum += (panel * w) / 2;
      v += dir * w;
      if (psi(v) - peak < -45) break;
    }
  }
  return peak + Math.log(sum);
}
