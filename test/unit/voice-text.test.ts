/** The text analysis's parts on small hand-made cases: words, phrases, lexicon, keywords, evaluation, topics, the whole run. */
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/ml/text/tokenize.ts';
import { contentRuns, findPhrases, mergePhrases, phraseText } from '../../src/ml/text/phrases.ts';
import { lexiconCounts } from '../../src/ml/text/lexicon.ts';
import { bandKeywords, countTerms, monthlyShares, Vocabulary } from '../../src/ml/text/terms.ts';
import { evaluate } from '../../src/ml/text/sentiment.ts';
import { labelTarget, ratingBand, ratingScale, bandNames } from '../../src/ml/text/targets.ts';
import { analyzeTexts } from '../../src/ml/text/analyze.ts';
import type { TextInput } from '../../src/ml/text/types.ts';
import { mulberry32 } from '../../src/lib/random.ts';

describe('tokenize', () => {
  it('splits Chinese into words and English into lower-case words, dropping numbers and punctuation', () => {
    expect(tokenize('Love this DRESS!! 2 sizes, it’s great')).toEqual(['love', 'this', 'dress', 'sizes', "it's", 'great']);
    const zh = tokenize('服务态度很好，价格实惠。123');
    expect(zh.join('')).toBe('服务态度很好价格实惠');
    expect(zh.length).toBeGreaterThan(2);
    expect(tokenize('')).toEqual([]);
    expect(tokenize('   ,,, 42 ')).toEqual([]);
    // Full-width letters are folded.
    expect(tokenize('ＧＯＯＤ')).toEqual(['good']);
  });

  it('drops a one-character unit after a number (3天, 20 元) but keeps the same character elsewhere', () => {
    expect(tokenize('配送延迟了3天，很慢')).not.toContain('天');
    expect(tokenize('等了 2 天才到')).not.toContain('天');
    expect(tokenize('花了20元')).not.toContain('元');
    expect(tokenize('今天 天 很好').filter((w) => w === '天')).toHaveLength(1);
    expect(tokenize('3.5小时')).toContain('小时');
  });
});

describe('tokenize: the Latin fast path finds the words Intl.Segmenter finds', () => {
  const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
  /** The words the segmenter alone gives (what tokenize did for every text before the fast path), as tokenize filters them. */
  const bySegmenter = (text: string) =>
    [...segmenter.segment(text.normalize('NFKC'))]
      .filter((s) => s.isWordLike)
      .map((s) => s.segment.toLowerCase().replace(/[’‘`]/g, "'").replace(/^'+|'+$/g, ''))
      .filter((w) => w !== '' && /\p{L}/u.test(w) && w.length > 1);

  it('on generated Latin text full of apostrophes, dots, digits, underscores, accents and dashes', () => {
    const random = mulberry32(7);
    const parts = ['a', 'B', 'é', 'ñ', 'e\u0301', 'ß', 'Ø', 'ł', 'x', '3', '0', "'", '’', '‘', '.', ',', ':', ';', '_', '-', '–', '—', '…', '"', '“', '”', ' ', ' ', '  ', '\n', '\t', '!', '?', '(', ')', '/', '·', '$', '%', '#', '@', '\u00a0', 'ｅ', '¼'];
    for (let k = 0; k < 3000; k++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 24) }, () => parts[Math.floor(random() * parts.length)]!).join('');
      expect(tokenize(text), JSON.stringify(text)).toEqual(bySegmenter(text));
    }
    for (const text of ["don't stop", 'e.g. U.S.A. and 3.5 kg', '1,000 items: a:b c_d', 'rock’n’roll', "dogs' toys", 'l·l', 'co\u00adoperate', 'x\ufeffy', '½ size']) {
      expect(tokenize(text), text).toEqual(bySegmenter(text));
    }
  });
});

describe('phrases', () => {
  it('merges pairs that occur together far more than by chance, never across a stop word', () => {
    const texts = [
      ...Array.from({ length: 20 }, () => 'customer service was slow'),
      ...Array.from({ length: 20 }, (_, i) => `the parcel arrived late and item ${['red', 'blue', 'green', 'grey'][i % 4]} broken`),
    ];
    const runs = texts.map((t) => contentRuns(tokenize(t)));
    const phrases = findPhrases(runs, { minCount: 5, threshold: 1 });
    const found = [...phrases.keys()].map(phraseText);
    expect(found).toContain('customer service');
    // `late and item`: `and` is a stop word, so `late item` is never a pair.
    expect(found).not.toContain('late item');
    expect(mergePhrases(['customer', 'service', 'slow'], phrases)).toEqual(['customer service', 'slow']);
  });

  it('joins Chinese pairs without a space and prefers the stronger of two overlapping pairs', () => {
    const phrases = new Map([
      ['百度\u0001外', 2],
      ['外\u0001卖', 9],
    ]);
    expect(mergePhrases(['百度', '外', '卖'], phrases)).toEqual(['百度', '外卖']);
  });
});

describe('lexicon', () => {
  it('counts positive and negative words in both languages, with negation', () => {
    expect(lexiconCounts(tokenize('great service, very helpful')).score).toBe(2);
    expect(lexiconCounts(tokenize('not good at all')).score).toBe(-1);
    expect(lexiconCounts(tokenize("didn't like it, terrible")).score).toBe(-2);
    expect(lexiconCounts(tokenize('服务很好，非常满意')).score).toBeGreaterThan(0);
    expect(lexiconCounts(tokenize('不满意，太慢了')).score).toBeLessThan(0);
    // `不错` (not bad = good) is one positive word, not a negated `错`.
    expect(lexiconCounts(tokenize('还不错')).score).toBe(1);
    expect(lexiconCounts(tokenize('the box is blue')).hits).toBe(0);
  });
});

describe('terms', () => {
  const vocab = new Vocabulary();
  const doc = (...terms: string[]) => Int32Array.from(terms.map((t) => vocab.id(t)));
  const docs = [doc('slow', 'slow', 'late'), doc('slow', 'rude'), doc('great', 'fast'), doc('great', 'love')];

  it('counts occurrences and texts per term', () => {
    const { count, df } = countTerms(docs, vocab.terms.length);
    expect(count[vocab.ids.get('slow')!]).toBe(3);
    expect(df[vocab.ids.get('slow')!]).toBe(2);
  });

  it('monthly shares: the share of each month’s texts containing the term', () => {
    const [slow] = monthlyShares(docs, [0, 0, 1, -1], 2, [vocab.ids.get('slow')!], vocab.terms);
    expect(slow).toEqual({ term: 'slow', shares: [1, 0] });
  });

  it('keywords by band: the terms of each band first', () => {
    const bands = bandKeywords(docs, [0, 0, 1, 1], ['low', 'high'], vocab.terms, 2, 1, 10);
    expect(bands[0]!.terms[0]!.term).toBe('slow');
    expect(bands[1]!.terms[0]!.term).toBe('great');
    expect(bands[0]!.texts).toBe(2);
  });
});

describe('evaluate', () => {
  it('accuracy, macro-F1 and the majority baseline on a hand-computed case', () => {
    // y: 1 1 1 0 0, predicted: 1 1 0 0 1 → tp 2, fn 1, tn 1, fp 1.
    const e = evaluate([1, 1, 1, 0, 0], [1, 1, 0, 0, 1]);
    expect(e.accuracy).toBeCloseTo(0.6);
    // F1(pos) = 4/6, F1(neg) = 2/4.
    expect(e.macroF1).toBeCloseTo((4 / 6 + 0.5) / 2);
    expect(e.baseline).toBeCloseTo(0.6);
  });
});

describe('targets', () => {
  it('reads labels in both languages and bands ratings on any scale', () => {
    expect(['1', 'Positive', '好评', ' pos '].map(labelTarget)).toEqual([1, 1, 1, 1]);
    expect(['0', 'negative', '差评', '-1'].map(labelTarget)).toEqual([0, 0, 0, 0]);
    expect(labelTarget('neutral')).toBeNull();
    const five = ratingScale([1, 2, 3, 4, 5, null])!;
    expect([1, 2, 3, 4, 5].map((r) => ratingBand(r, five))).toEqual([0, 0, 1, 2, 2]);
    expect(bandNames([1, 2, 3, 4, 5], five)).toEqual(['1–2', '3', '4–5']);
    const ten = ratingScale([0, 10])!;
    expect([0, 3, 5, 7, 10].map((r) => ratingBand(r, ten))).toEqual([0, 0, 1, 2, 2]);
    expect(ratingScale([4, 4, null])).toBeNull();
  });
});

/** Mixed English and Chinese texts with a planted complaint topic growing over the months. */
function planted(n: number): TextInput {
  const random = mulberry32(3);
  const good = ['great service, fast and friendly', '服务很好，非常满意', 'love it, excellent quality', '速度快，态度好', 'very helpful staff, thank you'];
  const bad = ['the app keeps crashing after the update', 'APP闪退，更新以后一直闪退', 'refund still not received after two weeks', '退款一直没有到账', 'billing error charged twice'];
  const input: TextInput = { texts: [], months: [], ratings: [], labels: [], hours: [], closed: [] };
  for (let i = 0; i < n; i++) {
    const month = 1 + (i % 6);
    const negative = random() < 0.4;
    // Crashes grow month by month; the others stay flat.
    const b = random() < month / 8 ? (random() < 0.5 ? 0 : 1) : 2 + Math.floor(random() * 3);
    input.texts.push(i % 17 === 0 ? '' : negative ? bad[b]! : good[Math.floor(random() * good.length)]!);
    input.months.push(`2025-${String(month).padStart(2, '0')}`);
    input.ratings.push(negative ? 1 + Math.floor(random() * 2) : 4 + Math.floor(random() * 2));
    input.labels.push(null);
    input.hours.push(negative ? (b < 2 ? 48 : 6) : null);
    input.closed.push(negative ? true : null);
  }
  return input;
}

describe('analyzeTexts', () => {
  const input = planted(600);
  const stages: string[] = [];
  const r = analyzeTexts(input, { topics: 4, seed: 1 }, (p) => stages.push(p.stage));

  it('reports progress through every stage and ends at 1', () => {
    expect([...new Set(stages)]).toEqual(['tokenize', 'phrases', 'terms', 'sentiment', 'topics']);
  });

  it('trains on the ratings and separates the planted texts', () => {
    expect(r.texts).toBe(600);
    expect(r.nonEmpty).toBeLessThan(600);
    expect(r.sentiment.card).toMatchObject({ method: 'model', target: 'rating' });
    expect(r.sentiment.card.accuracy!).toBeGreaterThan(0.95);
    expect(r.sentiment.byRating.map((b) => b.rating)).toEqual([1, 2, 4, 5]);
  });

  it('finds the crash topic, growing, with its long handling time', () => {
    expect(r.topicScope).toBe('negative');
    const crash = r.topics.find((t) => t.terms.some((w) => /crash|闪退/.test(w)));
    expect(crash).toBeDefined();
    expect(crash!.trend[5]!).toBeGreaterThan(crash!.trend[0]!);
    expect(crash!.medianHours).toBe(48);
    expect(crash!.examples.length).toBeGreaterThan(0);
    expect(r.months).toHaveLength(6);
  });

  it('uses the lexicon when there is nothing to learn from, and never throws on blanks', () => {
    const blank: TextInput = { texts: ['', '  ', 'great', '很差'], months: [null, null, null, null], ratings: [null, null, null, null], labels: [null, null, null, null], hours: [null, null, null, null], closed: [null, null, null, null] };
    const out = analyzeTexts(blank);
    expect(out.sentiment.card.method).toBe('lexicon');
    expect(out.sentiment.counts).toEqual({ negative: 1, neutral: 2, positive: 1 });
    expect(out.topics).toEqual([]);
    expect(out.bandSource).toBe('sentiment');
  });
});
