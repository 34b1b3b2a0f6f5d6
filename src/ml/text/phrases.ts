/**
 * Frequent adjacent pairs merged into one term (`送` + `餐` → `送餐`,
 * `customer` + `service` → `customer service`), scored as word2phrase does:
 * a pair is a phrase when it occurs often and far more often than its parts
 * would together by chance. Stop words break adjacency.
 */
import { joinPhrase } from './tokenize.ts';
import { isStopWord } from './stopwords.ts';

export interface PhraseOptions {
  /** A pair needs at least this many occurrences. */
  minCount: number;
  /** word2phrase threshold on (n(ab) − minCount) · N / (n(a) · n(b)). */
  threshold: number;
}

/** Content tokens of a text split into runs: a stop word ends a run, so pairs never span one. */
export function contentRuns(tokens: readonly string[]): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  for (const t of tokens) {
    if (isStopWord(t)) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else run.push(t);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

const SEP = '\u0001';

/** The pairs that count as phrases, keyed `a\u0001b`, each with its score. */
export function findPhrases(docs: readonly (readonly string[][])[], options: PhraseOptions): Map<string, number> {
  const uni = new Map<string, number>();
  const bi = new Map<string, number>();
  let total = 0;
  for (const runs of docs) {
    for (const run of runs) {
      for (let i = 0; i < run.length; i++) {
        const a = run[i]!;
        uni.set(a, (uni.get(a) ?? 0) + 1);
        total++;
        if (i + 1 < run.length) {
          const key = a + SEP + run[i + 1]!;
          bi.set(key, (bi.get(key) ?? 0) + 1);
        }
      }
    }
  }
  const out = new Map<string, number>();
  for (const [key, n] of bi) {
    if (n < options.minCount) continue;
    const [a, b] = key.split(SEP) as [string, string];
    const score = ((n - options.minCount) * total) / (uni.get(a)! * uni.get(b)!);
    if (score >= options.threshold) out.set(key, score);
  }
  return out;
}

/**
 * A run's terms with the found pairs merged, left to right; where two phrases
 * overlap (`百度` `外` `卖`) the higher-scoring pair wins (`外卖`).
 */
export function mergePhrases(run: readonly string[], phrases: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  for (let i = 0; i < run.length; i++) {
    const a = run[i]!;
    const b = run[i + 1];
    const score = b === undefined ? undefined : phrases.get(a + SEP + b);
    const next = i + 2 < run.length ? phrases.get(b + SEP + run[i + 2]!) : undefined;
    if (b !== undefined && score !== undefined && (next === undefined || score >= next)) {
      out.push(joinPhrase(a, b));
      i++;
    } else out.push(a);
  }
  return out;
}

/** A phrase key (`a\u0001b`) as the user reads it. */
export function phraseText(key: string): string {
  const [a, b] = key.split(SEP) as [string, string];
  return joinPhrase(a, b);
}
