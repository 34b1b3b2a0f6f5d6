/**
 * Voice of the customer on real text, through the app's path: the file is
 * loaded by ingest, its kind and roles are suggested from the headers, the rows
 * are read by the SQL builder on real DuckDB-WASM, and the analysis runs as the
 * worker runs it. waimai_10k (Chinese, labels): held-out accuracy and macro-F1
 * beside the majority baseline. Clothing reviews (English, 1–5 ratings):
 * predicted sentiment rises with the rating, also for the lexicon alone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import { suggestRoles } from '../../src/ingest/roles.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { analyzeTexts } from '../../src/ml/text/analyze.ts';
import { lexiconScore } from '../../src/ml/text/lexicon.ts';
import { tokenize } from '../../src/ml/text/tokenize.ts';
import type { TextResult } from '../../src/ml/text/types.ts';
import { loadTextInput } from '../../src/report/voice.ts';
import { DATA_DIR, hasDataSet } from './metrics-helpers.ts';

const HAS_WAIMAI = hasDataSet('waimai_reviews', 'voice-real');
const HAS_CLOTHING = hasDataSet('clothing_reviews', 'voice-real');

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

async function loadSuggested(file: string, tableName: string): Promise<TableInfo> {
  const bytes = new Uint8Array(readFileSync(path.join(DATA_DIR, file)));
  const { table } = await loadDelimited(db, { fileName: path.basename(file), bytes, tableName });
  const sample = (await db.query(`SELECT * FROM "${tableName}" LIMIT 300`)).rows;
  const s = suggestRoles(table.columns, sample);
  return { ...table, kind: s.kind, roles: s.roles };
}

describe.skipIf(!HAS_WAIMAI)('waimai_10k: Chinese reviews with labels', () => {
  let table: TableInfo;
  let result: TextResult;
  beforeAll(async () => {
    table = await loadSuggested('waimai_reviews/waimai_10k.csv', 'waimai');
    result = analyzeTexts(await loadTextInput(db, table, [table]));
  }, 120_000);

  it('is read as feedback: review is the text, label the sentiment label', () => {
    expect(table.kind).toBe('feedback');
    expect(table.roles).toMatchObject({ feedback_text: 'review', sentiment_label: 'label' });
    expect(result.texts).toBe(11_987);
  });

  it('trains on the labels and beats the majority baseline on held-out rows (accuracy ≥ 0.88)', () => {
    const card = result.sentiment.card;
    expect(card).toMatchObject({ method: 'model', target: 'label', labelled: 11_987 });
    expect(card.test).toBeGreaterThan(2000);
    expect(card.baseline).toBeCloseTo(0.666, 2);
    expect(card.accuracy).toBeGreaterThanOrEqual(0.88);
    expect(card.macroF1).toBeGreaterThanOrEqual(0.85);
    // The general lexicon (no food words) does better than chance but well below the trained model.
    expect(card.lexiconAccuracy).toBeGreaterThan(0.55);
    expect(card.lexiconAccuracy!).toBeLessThan(card.accuracy!);
  });

  it('segments Chinese words and merges frequent pairs into phrases', () => {
    const terms = result.terms.map((t) => t.term);
    expect(terms).toContain('味道');
    expect(terms.every((t) => !['的', '了', '不', '很'].includes(t))).toBe(true);
    const phrases = result.phrases.map((t) => t.term);
    expect(phrases).toContain('外卖');
    expect(phrases.some((p) => p.length >= 2)).toBe(true);
  });

  it('keywords by label: slowness and waiting for label 0, praise for label 1', () => {
    const neg = result.bands.find((b) => b.band === '0')!.terms.map((t) => t.term);
    const pos = result.bands.find((b) => b.band === '1')!.terms.map((t) => t.term);
    expect(neg.some((t) => /慢|小时|差/.test(t))).toBe(true);
    expect(pos.some((t) => /不错|好|快|赞/.test(t))).toBe(true);
  });

  it('groups the negative reviews into topics with terms, volume and examples', () => {
    expect(result.topicScope).toBe('negative');
    expect(result.topics.length).toBeGreaterThanOrEqual(3);
    const volume = result.topics.reduce((a, t) => a + t.volume, 0);
    expect(volume).toBeLessThanOrEqual(result.sentiment.counts.negative);
    expect(volume).toBeGreaterThan(result.sentiment.counts.negative * 0.8);
    for (const t of result.topics) {
      expect(t.terms.length).toBeGreaterThan(0);
      expect(t.examples.length).toBe(3);
    }
    // Some topic is about delivery time.
    expect(result.topics.some((t) => t.terms.some((w) => /小时|慢|送/.test(w)))).toBe(true);
  });
});

describe.skipIf(!HAS_CLOTHING)('clothing reviews: English, 1–5 ratings', () => {
  let table: TableInfo;
  let result: TextResult;
  let input: Awaited<ReturnType<typeof loadTextInput>>;
  beforeAll(async () => {
    table = await loadSuggested('clothing_reviews/womens_clothing_reviews_1k.csv', 'clothing');
    input = await loadTextInput(db, table, [table]);
    result = analyzeTexts(input);
  }, 120_000);

  it('is read as feedback with the review text and the rating', () => {
    expect(table.kind).toBe('feedback');
    expect(table.roles).toMatchObject({ feedback_text: 'Review Text', rating: 'Rating' });
    expect(result.texts).toBe(958);
  });

  it('trains on the ratings (4–5 against 1–2) and beats the baseline on held-out rows', () => {
    const card = result.sentiment.card;
    expect(card).toMatchObject({ method: 'model', target: 'rating' });
    expect(card.accuracy!).toBeGreaterThan(card.baseline!);
  });

  it('predicted sentiment rises with the rating', () => {
    const by = result.sentiment.byRating;
    expect(by.map((b) => b.rating)).toEqual([1, 2, 3, 4, 5]);
    expect(by[4]!.meanPositive).toBeGreaterThan(by[2]!.meanPositive);
    expect(by[2]!.meanPositive).toBeGreaterThan(by[0]!.meanPositive);
    expect(by[4]!.meanPositive - by[0]!.meanPositive).toBeGreaterThan(0.3);
  });

  it('the lexicon alone, never trained, also scores 4–5 star reviews above 1–2 star ones', () => {
    const mean = (keep: (r: number) => boolean) => {
      const s = input.texts.flatMap((t, i) => (input.ratings[i] !== null && keep(input.ratings[i]!) ? [lexiconScore(tokenize(t))] : []));
      return s.reduce((a, b) => a + b, 0) / s.length;
    };
    expect(mean((r) => r >= 4)).toBeGreaterThan(mean((r) => r <= 2) + 0.05);
  });

  it('terms by rating band make sense: complaints about fit low, love high', () => {
    expect(result.bandSource).toBe('rating');
    expect(result.bands.map((b) => b.band)).toEqual(['1–2', '3', '4–5']);
    const low = result.bands[0]!.terms.map((t) => t.term);
    const high = result.bands[2]!.terms.map((t) => t.term);
    expect(high.some((t) => /love|great|perfect|comfortable|compliments/.test(t))).toBe(true);
    expect(low.some((t) => /return|disappoint|fabric|cheap|huge|unflattering|small|large|looked|material/.test(t))).toBe(true);
  });
});
