/** Input and result of the text analysis (analyze.ts), as they cross the worker boundary. */

export interface TextInput {
  texts: string[];
  /** `YYYY-MM` of each text, or null. */
  months: (string | null)[];
  /** A numeric rating/score per text (any scale), or null. */
  ratings: (number | null)[];
  /** A sentiment label per text (`1`/`0`, `positive`, `差评`…), or null. */
  labels: (string | null)[];
  /** Hours from opening to closing when the texts are tickets; null while open or unknown. */
  hours: (number | null)[];
  /** Whether each ticket is closed (null when the texts are not tickets). */
  closed: (boolean | null)[];
}

export interface TextOptions {
  /** Number of topics (k-means clusters). */
  topics: number;
  /** Seed for the split, the model and k-means. */
  seed: number;
}

export interface TermCount {
  term: string;
  /** Texts that contain the term. */
  docs: number;
  /** Occurrences in all texts. */
  count: number;
}

export interface TermTrend {
  term: string;
  /** Share of that month's texts containing the term (0–1), aligned with `months`. */
  shares: number[];
}

export interface BandKeywords {
  band: string;
  /** Texts in the band. */
  texts: number;
  /** Terms most typical of the band against the others: log-odds z-score with the band count. */
  terms: { term: string; count: number; z: number }[];
}

export interface SentimentModelCard {
  method: 'model' | 'lexicon';
  /** Where the training label came from: the label column, the rating column, or none (lexicon). */
  target: 'label' | 'rating' | 'none';
  /** Labelled texts used (training + held-out). */
  labelled: number;
  train: number;
  test: number;
  /** Held-out measures; null for the lexicon method when there are no labels to check it against. */
  accuracy: number | null;
  macroF1: number | null;
  /** Accuracy of always answering the most common class on the held-out rows. */
  baseline: number | null;
  /** The lexicon's accuracy on the same held-out rows, beside the model. */
  lexiconAccuracy: number | null;
  positiveShare: number | null;
}

export interface Topic {
  id: number;
  /** Top terms of the topic's centre. */
  terms: string[];
  volume: number;
  /** Texts per month, aligned with `months`. */
  trend: number[];
  examples: string[];
  /** Median hours from opening to closing of the closed tickets in the topic; null without ticket dates. */
  medianHours: number | null;
  /** Share of the topic's tickets still open; null without ticket dates. */
  openShare: number | null;
}

/** A topic whose share of each month's texts grows clearly (rising.ts). */
export interface RisingTopic {
  /** The topic's `id`. */
  topic: number;
  terms: string[];
  /** Change of its share per month (0.01 = one percentage point). */
  slope: number;
  /** Slope over its standard error. */
  t: number;
  /** Fitted share of the month's texts at the first and the last month. */
  from: number;
  to: number;
  /** First and last month with texts (`YYYY-MM`) and how many months have texts. */
  first: string;
  last: string;
  months: number;
  /** The topic's share of each month's texts (null for a month without texts) and the fitted line, aligned with `TextResult.months`. */
  shares: (number | null)[];
  fitted: number[];
}

export interface TextResult {
  texts: number;
  /** Texts with at least one word. */
  nonEmpty: number;
  months: string[];
  /** Texts per month, aligned with `months`. */
  monthCounts: number[];
  terms: TermCount[];
  phrases: TermCount[];
  trends: TermTrend[];
  bands: BandKeywords[];
  /** The field bands come from (`label`, `rating`, or `sentiment` when neither is there). */
  bandSource: 'label' | 'rating' | 'sentiment';
  sentiment: {
    card: SentimentModelCard;
    /** Texts per class: negative, neutral, positive. */
    counts: { negative: number; neutral: number; positive: number };
    /** Mean predicted positive probability per rating value, when there are ratings. */
    byRating: { rating: number; texts: number; meanPositive: number }[];
  };
  topics: Topic[];
  /** Which texts the topics were found in. */
  topicScope: 'negative' | 'all';
  /** The topic whose monthly share grows fastest, when one grows clearly; null otherwise or without months. */
  rising: RisingTopic | null;
}

export interface TextProgress {
  stage: 'tokenize' | 'phrases' | 'terms' | 'sentiment' | 'topics';
  /** 0–1 overall. */
  fraction: number;
}
