/**
 * The whole text analysis, in one pass a worker runs: words, phrases, term
 * counts and trends, keywords by band, sentiment (a model trained on the
 * user's labels or ratings when there are enough, else the lexicon) and
 * topics of the negative texts, and the topic whose share rises.
 */
import { textFeatures, type SparseVector } from './features.ts';
import { lexiconScore } from './lexicon.ts';
import { contentRuns, findPhrases, mergePhrases } from './phrases.ts';
import { predict, trainSentiment } from './sentiment.ts';
import { bandNames, labelTarget, ratingBand, ratingScale, ratingTarget } from './targets.ts';
import { bandKeywords, countTerms, monthlyShares, topTerms, Vocabulary } from './terms.ts';
import { findRisingTopic } from './rising.ts';
import { buildTopics } from './topic-summary.ts';
import { tokenize } from './tokenize.ts';
import type { SentimentModelCard, TextInput, TextOptions, TextProgress, TextResult } from './types.ts';

export const DEFAULT_TEXT_OPTIONS: TextOptions = { topics: 6, seed: 42 };

/** Fewest labelled texts (and per class) for a trained model; below that the lexicon answers. */
const MIN_LABELLED = 60;
const MIN_PER_CLASS = 15;

export function analyzeTexts(input: TextInput, options: TextOptions = DEFAULT_TEXT_OPTIONS, onProgress: (p: TextProgress) => void = () => {}): TextResult {
  const n = input.texts.length;
  const tokens: string[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    tokens[i] = tokenize(input.texts[i] ?? '');
    if (i % 2000 === 0) onProgress({ stage: 'tokenize', fraction: (0.5 * i) / Math.max(1, n) });
  }
  onProgress({ stage: 'phrases', fraction: 0.5 });
  const runs = tokens.map(contentRuns);
  const phrases = findPhrases(runs, { minCount: Math.max(5, Math.ceil(n / 2000)), threshold: 10 });
  const vocab = new Vocabulary();
  const phraseIds = new Set<number>();
  const docs = runs.map((doc, d) => {
    if (d % 5000 === 0) onProgress({ stage: 'terms', fraction: 0.52 + (0.06 * d) / Math.max(1, n) });
    const ids: number[] = [];
    for (const run of doc) {
      for (const term of mergePhrases(run, phrases)) {
        const id = vocab.id(term);
        if (!run.includes(term)) phraseIds.add(id);
        ids.push(id);
      }
    }
    return Int32Array.from(ids);
  });
  onProgress({ stage: 'terms', fraction: 0.58 });
  const { count, df } = countTerms(docs, vocab.terms.length);
  const terms = topTerms(vocab.terms, count, df, 40);
  const phraseList = topTerms(vocab.terms, count, df, 30, (id) => phraseIds.has(id));

  const months = [...new Set(input.months.filter((m): m is string => m !== null))].sort();
  const monthIndex = new Map(months.map((m, i) => [m, i]));
  const monthOf = input.months.map((m) => (m === null ? -1 : monthIndex.get(m)!));
  const monthCounts = months.map(() => 0);
  for (const m of monthOf) if (m >= 0) monthCounts[m]!++;
  const trends = months.length >= 2 ? monthlyShares(docs, monthOf, months.length, terms.slice(0, 8).map((t) => vocab.ids.get(t.term)!), vocab.terms) : [];

  onProgress({ stage: 'sentiment', fraction: 0.62 });
  const sentiment = scoreSentiment(input, tokens, options.seed, (f) => onProgress({ stage: 'sentiment', fraction: 0.62 + 0.23 * f }));
  const scores = sentiment.scores;
  const classOf = (i: number): 0 | 1 | 2 => {
    const s = scores[i]!;
    if (sentiment.card.method === 'model') return s < 0.4 ? 0 : s > 0.6 ? 2 : 1;
    return s < 0.5 ? 0 : s > 0.5 ? 2 : 1;
  };
  const counts = { negative: 0, neutral: 0, positive: 0 };
  const classes = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const c = tokens[i]!.length === 0 ? 1 : classOf(i);
    classes[i] = c;
    if (c === 0) counts.negative++;
    else if (c === 2) counts.positive++;
    else counts.neutral++;
  }

  const scale = ratingScale(input.ratings);
  const byRating = scale ? meanByRating(input.ratings, scores, tokens) : [];

  // Keywords by band: the label's values, else the rating's bands, else the predicted sentiment.
  const labelValues = topValues(input.labels, 6);
  let bandSource: TextResult['bandSource'];
  let bandOf: number[];
  let names: string[];
  if (labelValues.length >= 2) {
    bandSource = 'label';
    names = labelValues;
    const index = new Map(labelValues.map((v, i) => [v, i]));
    bandOf = input.labels.map((l) => (l === null ? -1 : (index.get(l.trim()) ?? -1)));
  } else if (scale) {
    bandSource = 'rating';
    names = bandNames(input.ratings, scale);
    bandOf = input.ratings.map((r) => ratingBand(r, scale) ?? -1);
  } else {
    bandSource = 'sentiment';
    names = ['negative', 'neutral', 'positive'];
    bandOf = Array.from(classes, (c) => c);
  }
  const bands = bandKeywords(docs, bandOf, names, vocab.terms).filter((b) => b.band !== '' && b.texts > 0);

  onProgress({ stage: 'topics', fraction: 0.85 });
  const negatives = docs.map((_, i) => i).filter((i) => classes[i] === 0 && docs[i]!.length > 0);
  const topicScope: TextResult['topicScope'] = negatives.length >= 30 ? 'negative' : 'all';
  const members = topicScope === 'negative' ? negatives : docs.map((_, i) => i).filter((i) => docs[i]!.length > 0);
  const topics = buildTopics({ input, docs, members, vocab: vocab.terms, monthOf, months: months.length, k: options.topics, seed: options.seed }, (f) => onProgress({ stage: 'topics', fraction: 0.85 + 0.15 * f }));
  onProgress({ stage: 'topics', fraction: 1 });

  return {
    texts: n,
    nonEmpty: tokens.filter((t) => t.length > 0).length,
    months,
    monthCounts,
    terms,
    phrases: phraseList,
    trends,
    bands,
    bandSource,
    sentiment: { card: sentiment.card, counts, byRating },
    topics,
    topicScope,
    rising: findRisingTopic(months, monthCounts, topics),
  };
}

function topValues(values: readonly (string | null)[], max: number): string[] {
  const counts = new Map<string, number>();
  for (const v of values) {
    if (v === null || v.trim() === '') continue;
    const s = v.trim();
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max).map(([v]) => v);
}

function meanByRating(ratings: readonly (number | null)[], scores: Float64Array, tokens: readonly string[][]): TextResult['sentiment']['byRating'] {
  const groups = new Map<number, { sum: number; n: number }>();
  ratings.forEach((r, i) => {
    if (r === null || !Number.isFinite(r) || tokens[i]!.length === 0) return;
    const g = groups.get(r) ?? { sum: 0, n: 0 };
    g.sum += scores[i]!;
    g.n++;
    groups.set(r, g);
  });
  if (groups.size > 11) return [];
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([rating, g]) => ({ rating, texts: g.n, meanPositive: g.sum / g.n }));
}

interface Scored {
  scores: Float64Array;
  card: SentimentModelCard;
}

/** A 0–1 positive score per text, and the card saying how it was made and how well it does on held-out rows. */
export function scoreSentiment(input: TextInput, tokens: readonly string[][], seed: number, onFraction: (f: number) => void = () => {}): Scored {
  const lexicon = Float64Array.from(tokens, (t) => lexiconScore(t));
  const fromLabels = input.labels.map(labelTarget);
  const scale = ratingScale(input.ratings);
  const fromRatings = scale ? input.ratings.map((r) => ratingTarget(r, scale)) : [];
  const usable = (ys: readonly (0 | 1 | null)[]) => {
    const rows = ys.map((y, i) => (y !== null && tokens[i]!.length > 0 ? i : -1)).filter((i) => i >= 0);
    const pos = rows.filter((i) => ys[i] === 1).length;
    return rows.length >= MIN_LABELLED && pos >= MIN_PER_CLASS && rows.length - pos >= MIN_PER_CLASS ? rows : null;
  };
  const labelRows = usable(fromLabels);
  const ratingRows = labelRows ? null : usable(fromRatings);
  const rows = labelRows ?? ratingRows;
  if (!rows) {
    const card: SentimentModelCard = { method: 'lexicon', target: 'none', labelled: 0, train: 0, test: 0, accuracy: null, macroF1: null, baseline: null, lexiconAccuracy: null, positiveShare: null };
    return { scores: lexicon, card };
  }
  const ys = labelRows ? fromLabels : fromRatings;
  const y = rows.map((i) => ys[i]!);
  const xs: SparseVector[] = tokens.map((t, i) => {
    if (i % 5000 === 0) onFraction((0.3 * i) / tokens.length);
    return textFeatures(t, input.texts[i] ?? '');
  });
  const trained = trainSentiment(xs, rows, y, seed, 0.2, (epoch) => onFraction(0.3 + 0.6 * epoch));
  const scores = Float64Array.from(xs, (x) => predict(trained.model, x));
  onFraction(1);
  const yTest = trained.test.map((r) => ys[r]!);
  const lexHits = trained.test.filter((r, i) => (lexicon[r]! >= 0.5 ? 1 : 0) === yTest[i]).length;
  const card: SentimentModelCard = {
    method: 'model',
    target: labelRows ? 'label' : 'rating',
    labelled: rows.length,
    train: trained.train.length,
    test: trained.test.length,
    accuracy: trained.evaluation.accuracy,
    macroF1: trained.evaluation.macroF1,
    baseline: trained.evaluation.baseline,
    lexiconAccuracy: trained.test.length > 0 ? lexHits / trained.test.length : null,
    positiveShare: y.filter((v) => v === 1).length / y.length,
  };
  return { scores, card };
}
