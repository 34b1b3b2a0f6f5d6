/**
 * Train/test splits that keep the class ratio: pure, seeded, deterministic.
 * Labels are 0/1; indices refer to positions in the label array.
 */
import { mulberry32, shuffleInPlace } from '../lib/random.ts';

export interface Split {
  /** Ascending row positions. */
  train: number[];
  /** Ascending row positions. */
  test: number[];
}

function indicesByClass(y: ArrayLike<number>): [number[], number[]] {
  const byClass: [number[], number[]] = [[], []];
  for (let i = 0; i < y.length; i++) {
    const label = y[i];
    if (label !== 0 && label !== 1) throw new Error(`Label at position ${i} is ${String(label)}; expected 0 or 1`);
    byClass[label].push(i);
  }
  return byClass;
}

const ascending = (a: number, b: number): number => a - b;

/**
 * Stratified hold-out: each class contributes round(n_c × testFraction) rows to
 * the test set, at least one when it has two or more, and always leaves one for training.
 */
export function stratifiedSplit(y: ArrayLike<number>, testFraction: number, seed: number): Split {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`testFraction must be between 0 and 1, got ${testFraction}`);
  const random = mulberry32(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const members of indicesByClass(y)) {
    shuffleInPlace(members, random);
    const n = members.length;
    const nTest = Math.min(Math.max(Math.round(n * testFraction), n >= 2 ? 1 : 0), Math.max(n - 1, 0));
    test.push(...members.slice(0, nTest));
    train.push(...members.slice(nTest));
  }
  return { train: train.sort(ascending), test: test.sort(ascending) };
}

/**
 * Stratified k-fold: each class is shuffled and dealt round-robin into k folds,
 * so fold sizes per class differ by at most one. Fold i's `test` is fold i;
 * its `train` is everything else.
 */
export function stratifiedKFold(y: ArrayLike<number>, k: number, seed: number): Split[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`k must be an integer ≥ 2, got ${k}`);
  if (k > y.length) throw new Error(`k = ${k} folds need at least ${k} rows, got ${y.length}`);
  const random = mulberry32(seed);
  const foldOf = new Int32Array(y.length);
  let next = 0;
  for (const members of indicesByClass(y)) {
    shuffleInPlace(members, random);
    // Continue the deal where the previous class stopped so fold sizes stay balanced overall.
    for (const i of members) foldOf[i] = next++ % k;
  }
  const folds: Split[] = Array.from({ length: k }, () => ({ train: [], test: [] }));
  for (let i = 0; i < y.length; i++) {
    const f = foldOf[i]!;
    for (let j = 0; j < k; j++) (j === f ? folds[j]!.test : folds[j]!.train).push(i);
  }
  return folds;
}
