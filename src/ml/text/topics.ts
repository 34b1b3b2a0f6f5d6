/**
 * Topics as clusters: each text a TF-IDF vector over the most common terms
 * (unit length), grouped by spherical k-means (cosine, k-means++ seeding,
 * seeded). A topic is named by the heaviest terms of its centre.
 */
import { mulberry32 } from '../../lib/random.ts';

export interface TopicFit {
  /** Cluster of each document, −1 when it has none of the terms. */
  assignment: Int32Array;
  /** Centre weights per cluster over the term ids in `termIds`. */
  centres: Float64Array[];
  termIds: number[];
  /** Cosine of each document to its centre (for picking examples). */
  similarity: Float64Array;
}

interface Doc {
  index: Int32Array;
  value: Float64Array;
}

function tfidf(docs: readonly Int32Array[], termIds: readonly number[], df: Float64Array, n: number): Doc[] {
  const column = new Map(termIds.map((t, i) => [t, i]));
  const idf = termIds.map((t) => Math.log((1 + n) / (1 + df[t]!)) + 1);
  return docs.map((doc) => {
    const tf = new Map<number, number>();
    for (const t of doc) {
      const c = column.get(t);
      if (c !== undefined) tf.set(c, (tf.get(c) ?? 0) + 1);
    }
    const index = Int32Array.from(tf.keys());
    const value = Float64Array.from(index, (c) => (1 + Math.log(tf.get(c)!)) * idf[c]!);
    const norm = Math.sqrt(value.reduce((a, v) => a + v * v, 0));
    if (norm > 0) for (let k = 0; k < value.length; k++) value[k]! /= norm;
    return { index, value };
  });
}

function dot(d: Doc, centre: Float64Array): number {
  let s = 0;
  for (let k = 0; k < d.index.length; k++) s += d.value[k]! * centre[d.index[k]!]!;
  return s;
}

/**
 * Clusters `docs` (term-id arrays) into `k` topics over the `vocabSize` most
 * common terms. `df` is each term's document frequency in the whole corpus.
 */
export function fitTopics(docs: readonly Int32Array[], df: Float64Array, k: number, seed: number, vocabSize = 3000, iterations = 15, onFraction: (f: number) => void = () => {}): TopicFit {
  const termIds = Array.from(df.keys())
    .filter((t) => df[t]! >= 2)
    .sort((a, b) => df[b]! - df[a]! || a - b)
    .slice(0, vocabSize);
  const vectors = tfidf(docs, termIds, df, docs.length);
  const usable = vectors.map((v, i) => (v.index.length > 0 ? i : -1)).filter((i) => i >= 0);
  const assignment = new Int32Array(docs.length).fill(-1);
  const similarity = new Float64Array(docs.length);
  const kk = Math.min(k, usable.length);
  if (kk === 0) return { assignment, centres: [], termIds, similarity };
  const random = mulberry32(seed);
  const dim = termIds.length;
  const toDense = (d: Doc): Float64Array => {
    const c = new Float64Array(dim);
    for (let j = 0; j < d.index.length; j++) c[d.index[j]!] = d.value[j]!;
    return c;
  };
  // k-means++ on cosine distance (1 − similarity), over a sample when the corpus is large.
  const sample = usable.length > 5000 ? Array.from({ length: 5000 }, () => usable[Math.floor(random() * usable.length)]!) : usable;
  const centres: Float64Array[] = [toDense(vectors[sample[Math.floor(random() * sample.length)]!]!)];
  const best = new Float64Array(sample.length).fill(Infinity);
  while (centres.length < kk) {
    const last = centres[centres.length - 1]!;
    let total = 0;
    sample.forEach((d, i) => {
      best[i] = Math.min(best[i]!, Math.max(0, 1 - dot(vectors[d]!, last)));
      total += best[i]!;
    });
    let r = random() * total;
    let pick = sample[sample.length - 1]!;
    for (let i = 0; i < sample.length; i++) {
      r -= best[i]!;
      if (r <= 0) {
        pick = sample[i]!;
        break;
      }
    }
    centres.push(toDense(vectors[pick]!));
  }
  for (let it = 0; it < iterations; it++) {
    onFraction(it / iterations);
    let changed = 0;
    for (const d of usable) {
      let bestC = 0;
      let bestS = -Infinity;
      for (let c = 0; c < kk; c++) {
        const s = dot(vectors[d]!, centres[c]!);
        if (s > bestS) {
          bestS = s;
          bestC = c;
        }
      }
      if (assignment[d] !== bestC) changed++;
      assignment[d] = bestC;
      similarity[d] = bestS;
    }
    const sums = centres.map(() => new Float64Array(dim));
    for (const d of usable) {
      const v = vectors[d]!;
      const sum = sums[assignment[d]!]!;
      for (let j = 0; j < v.index.length; j++) sum[v.index[j]!]! += v.value[j]!;
    }
    sums.forEach((sum, c) => {
      const norm = Math.sqrt(sum.reduce((a, v) => a + v * v, 0));
      // An empty cluster keeps its old centre.
      if (norm > 0) centres[c] = sum.map((v) => v / norm);
    });
    if (changed === 0) break;
  }
  return { assignment, centres, termIds, similarity };
}

/** The `n` heaviest term ids of a centre. */
export function centreTerms(fit: TopicFit, c: number, n: number): number[] {
  const centre = fit.centres[c]!;
  return Array.from(centre.keys())
    .sort((a, b) => centre[b]! - centre[a]!)
    .slice(0, n)
    .filter((j) => centre[j]! > 0)
    .map((j) => fit.termIds[j]!);
}
