/**
 * Hashed text features for the sentiment model: word unigrams and bigrams
 * (negators and degree words kept, so `不 好吃` and `not good` are features)
 * plus character bigrams of Chinese runs, which catch words the segmenter
 * splits differently. Hashed into a fixed space (FNV-1a), presence only,
 * scaled to unit length.
 */
import { isCjk } from './tokenize.ts';

export const HASH_BITS = 18;
const MASK = (1 << HASH_BITS) - 1;

function fnv1a(s: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `fnv1a(a + ' ' + b, seed)` without building the string. */
function fnv1aPair(a: string, b: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 32, 0x01000193);
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** `fnv1a(s.slice(i, i + 2), seed)` without the slice. */
function fnv1aTwo(s: string, i: number, seed: number): number {
  const h = Math.imul((0x811c9dc5 ^ seed) ^ s.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ s.charCodeAt(i + 1), 0x01000193) >>> 0;
}

export interface SparseVector {
  index: Int32Array;
  value: Float32Array;
}

const CJK_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/g;

/** The feature vector of one text from its tokens and raw text. */
export function textFeatures(tokens: readonly string[], text: string): SparseVector {
  const set = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    set.add(fnv1a(tokens[i]!, 1) & MASK);
    if (i + 1 < tokens.length) set.add(fnv1aPair(tokens[i]!, tokens[i + 1]!, 2) & MASK);
  }
  if (tokens.some(isCjk)) {
    for (const m of text.matchAll(CJK_RUN)) {
      const run = m[0];
      for (let i = 0; i + 1 < run.length; i++) set.add(fnv1aTwo(run, i, 3) & MASK);
    }
  }
  const index = Int32Array.from(set).sort();
  const value = new Float32Array(index.length).fill(index.length > 0 ? 1 / Math.sqrt(index.length) : 0);
  return { index, value };
}
