/**
 * Term counts over a corpus of term-id documents: frequencies, monthly shares
 * and the terms typical of a group (log-odds ratio with an informative
 * Dirichlet prior, Monroe, Colaresi & Quinn 2008, reported as a z-score).
 */
import type { BandKeywords, TermCount, TermTrend } from './types.ts';

export class Vocabulary {
  readonly ids = new Map<string, number>();
  readonly terms: string[] = [];
  id(term: string): number {
    let i = this.ids.get(term);
    if (i === undefined) {
      i = this.terms.length;
      this.ids.set(term, i);
      this.terms.push(term);
    }
    return i;
  }
}

/** Total occurrences and document frequency of each term id. */
export function countTerms(docs: readonly Int32Array[], size: number): { count: Float64Array; df: Float64Array } {
  const count = new Float64Array(size);
  const df = new Float64Array(size);
  const seen = new Int32Array(size).fill(-1);
  docs.forEach((doc, d) => {
    for (const t of doc) {
      count[t]!++;
      if (seen[t] !== d) {
        seen[t] = d;
        df[t]!++;
      }
    }
  });
  return { count, df };
}

/** The `n` terms in most documents (ties by total count, then by text). */
export function topTerms(vocab: readonly string[], count: Float64Array, df: Float64Array, n: number, keep: (id: number) => boolean = () => true): TermCount[] {
  const ids: number[] = [];
  for (let i = 0; i < vocab.length; i++) if (df[i]! > 0 && keep(i)) ids.push(i);
  ids.sort((a, b) => df[b]! - df[a]! || count[b]! - count[a]! || (vocab[a]! < vocab[b]! ? -1 : 1));
  return ids.slice(0, n).map((i) => ({ term: vocab[i]!, docs: df[i]!, count: count[i]! }));
}

/** Share of each month's documents that contain each of `termIds`. */
export function monthlyShares(docs: readonly Int32Array[], monthOf: readonly number[], months: number, termIds: readonly number[], vocab: readonly string[]): TermTrend[] {
  const per = termIds.map(() => new Float64Array(months));
  const totals = new Float64Array(months);
  const index = new Map(termIds.map((t, i) => [t, i]));
  docs.forEach((doc, d) => {
    const m = monthOf[d]!;
    if (m < 0) return;
    totals[m]!++;
    const seen = new Set<number>();
    for (const t of doc) {
      const i = index.get(t);
      if (i !== undefined && !seen.has(i)) {
        seen.add(i);
        per[i]![m]!++;
      }
    }
  });
  return termIds.map((t, i) => ({ term: vocab[t]!, shares: Array.from(per[i]!, (c, m) => (totals[m]! > 0 ? c / totals[m]! : 0)) }));
}

/**
 * For each band, the terms most over-represented in it against all other
 * bands: δ = log-odds(band) − log-odds(rest) with the corpus counts as prior
 * (scaled to `priorSize` pseudo-counts), z = δ / √var. Terms seen fewer than
 * `minCount` times in the band are left out (a z on three words says little).
 */
export function bandKeywords(docs: readonly Int32Array[], bandOf: readonly number[], bandNames: readonly string[], vocab: readonly string[], top = 10, minCount = 3, priorSize = 500): BandKeywords[] {
  const V = vocab.length;
  const B = bandNames.length;
  const counts = bandNames.map(() => new Float64Array(V));
  const texts = new Array<number>(B).fill(0);
  const all = new Float64Array(V);
  docs.forEach((doc, d) => {
    const b = bandOf[d]!;
    if (b < 0) return;
    texts[b]!++;
    for (const t of doc) {
      counts[b]![t]!++;
      all[t]!++;
    }
  });
  const allTotal = all.reduce((a, b) => a + b, 0);
  if (allTotal === 0) return bandNames.map((band, b) => ({ band, texts: texts[b]!, terms: [] }));
  const alpha = new Float64Array(V);
  for (let t = 0; t < V; t++) alpha[t] = (priorSize * all[t]!) / allTotal;
  return bandNames.map((band, b) => {
    const y = counts[b]!;
    const n1 = y.reduce((a, c) => a + c, 0);
    const n2 = allTotal - n1;
    const scored: { term: string; count: number; z: number }[] = [];
    for (let t = 0; t < V; t++) {
      const y1 = y[t]!;
      if (y1 < minCount) continue;
      const y2 = all[t]! - y1;
      const a = alpha[t]!;
      const d = Math.log((y1 + a) / (n1 + priorSize - y1 - a)) - Math.log((y2 + a) / (n2 + priorSize - y2 - a));
      const v = 1 / (y1 + a) + 1 / (y2 + a);
      scored.push({ term: vocab[t]!, count: y1, z: d / Math.sqrt(v) });
    }
    scored.sort((p, q) => q.z - p.z);
    return { band, texts: texts[b]!, terms: scored.slice(0, top).map((s) => ({ ...s, z: Math.round(s.z * 100) / 100 })) };
  });
}
