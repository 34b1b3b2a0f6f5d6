/** Topics fitted on a subset of texts, summarised: terms, volume, monthly trend, examples, handling time. */
import { countTerms } from './terms.ts';
import { centreTerms, fitTopics } from './topics.ts';
import type { TextInput, Topic } from './types.ts';

export interface TopicsInput {
  input: TextInput;
  /** Term ids of every text. */
  docs: readonly Int32Array[];
  /** Positions of the texts to cluster. */
  members: readonly number[];
  vocab: readonly string[];
  monthOf: readonly number[];
  months: number;
  k: number;
  seed: number;
}

const EXAMPLE_CHARS = 160;

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function buildTopics(t: TopicsInput, onFraction: (f: number) => void = () => {}): Topic[] {
  const subset = t.members.map((i) => t.docs[i]!);
  const { df } = countTerms(subset, t.vocab.length);
  const k = Math.max(1, Math.min(t.k, Math.floor(subset.length / 10)));
  if (subset.length < 10) return [];
  const fit = fitTopics(subset, df, k, t.seed, 3000, 15, onFraction);
  const topics: Topic[] = fit.centres.map((_, c) => ({ id: c, terms: centreTerms(fit, c, 6).map((id) => t.vocab[id]!), volume: 0, trend: new Array<number>(t.months).fill(0), examples: [], medianHours: null, openShare: null }));
  const hours = topics.map((): number[] => []);
  const open = topics.map(() => ({ open: 0, known: 0 }));
  const byTopic = topics.map((): number[] => []);
  fit.assignment.forEach((c, j) => {
    if (c < 0) return;
    const i = t.members[j]!;
    const topic = topics[c]!;
    topic.volume++;
    const m = t.monthOf[i]!;
    if (m >= 0) topic.trend[m]!++;
    byTopic[c]!.push(j);
    const h = t.input.hours[i];
    if (h !== null && h !== undefined && Number.isFinite(h)) hours[c]!.push(h);
    const closed = t.input.closed[i];
    if (closed !== null && closed !== undefined) {
      open[c]!.known++;
      if (!closed) open[c]!.open++;
    }
  });
  topics.forEach((topic, c) => {
    const seen = new Set<string>();
    for (const j of byTopic[c]!.sort((a, b) => fit.similarity[b]! - fit.similarity[a]!)) {
      const text = (t.input.texts[t.members[j]!] ?? '').trim();
      const short = text.length > EXAMPLE_CHARS ? `${text.slice(0, EXAMPLE_CHARS - 1)}…` : text;
      if (seen.has(short)) continue;
      seen.add(short);
      topic.examples.push(short);
      if (topic.examples.length === 3) break;
    }
    topic.medianHours = median(hours[c]!);
    topic.openShare = open[c]!.known > 0 ? open[c]!.open / open[c]!.known : null;
  });
  return topics.filter((tp) => tp.volume > 0).sort((a, b) => b.volume - a.volume).map((tp, i) => ({ ...tp, id: i }));
}
