/**
 * Feedback texts (reviews and comments with a 1–5 rating and the channel they
 * came through), from their own random stream, so no other table's numbers
 * move. Each writer keeps one language: English, or Chinese for about a third
 * of the customers (most of them when the headers are Chinese). Texts are
 * composed from the phrasebook (feedback-texts.ts): opener, a topic sentence
 * with a product and a number filled in, sometimes a follow-up, a closer.
 *
 * Planted: the share of texts complaining about late deliveries (配送延迟)
 * grows steadily from `from` in the first month to `to` in the last, and those
 * texts are rated 1–2, so the mean rating falls month over month. Other
 * complaints are as likely at any time and more likely from customers at risk.
 */
import { Random } from '../lib/random.ts';
import type { CsvTable, CsvValue } from './csv.ts';
import { FEEDBACK_TOPICS, PHRASEBOOKS, type FeedbackTopic, type Phrasebook } from './feedback-texts.ts';
import { formatDay } from './format.ts';
import type { HeaderLang } from './schema.ts';
import type { World } from './world.ts';

export { FEEDBACK_TOPICS, type FeedbackTopic };

export const FEEDBACK_HEADERS = {
  en: ['customer_id', 'feedback_date', 'channel', 'rating', 'comment'],
  zh: ['客户编号', '反馈时间', '渠道', '评分', '反馈内容'],
} as const;

const CHANNELS = [
  { en: 'app', zh: 'App', weight: 40 },
  { en: 'web', zh: '网站', weight: 30 },
  { en: 'email', zh: '邮件', weight: 15 },
  { en: 'phone', zh: '电话', weight: 10 },
  { en: 'social', zh: '小程序', weight: 5 },
] as const;
const CHANNEL_WEIGHTS = CHANNELS.map((c) => c.weight);

/** The growing complaint: its share of all texts at the first and the last day. */
export interface FeedbackPlan {
  rising: FeedbackTopic;
  from: number;
  to: number;
}

export const DEMO_FEEDBACK_PLAN: Readonly<FeedbackPlan> = { rising: 'delivery', from: 0.05, to: 0.4 };

export type FeedbackTone = 'negative' | 'neutral' | 'positive';

/** One text with the truth it was drawn from (the table keeps only what a CRM export would). */
export interface FeedbackRecord {
  day: number;
  customer: string;
  lang: HeaderLang;
  topic: FeedbackTopic;
  tone: FeedbackTone;
  /** The planted growing complaint. */
  rising: boolean;
  rating: number;
  channel: string;
  text: string;
}

function fill(r: Random, sentence: string, book: Phrasebook): string {
  return sentence.replace(/\{n\}/g, () => String(r.int(2, 14))).replace(/\{item\}/g, () => r.pick(book.items));
}

function compose(r: Random, book: Phrasebook, topic: FeedbackTopic, tone: FeedbackTone): string {
  const parts: string[] = [];
  if (tone === 'negative') {
    const opener = r.bool(0.25) ? r.pick(book.openersNegative) : '';
    const complaint = fill(r, r.pick(book.complaints[topic]), book);
    // "Honestly, the parcel…": a sentence after an opener that ends mid-sentence starts in lower case.
    const midSentence = /(,|\bbut) $/.test(opener) && !/^I\b/.test(complaint);
    parts.push(opener + (midSentence ? complaint[0]!.toLowerCase() + complaint.slice(1) : complaint));
    if (r.bool(0.45)) parts.push(r.pick(book.followUps[topic]));
    if (r.bool(0.35)) parts.push(r.pick(book.closersNegative));
  } else if (tone === 'positive') {
    parts.push(fill(r, r.pick(book.praise[topic]), book));
    if (r.bool(0.3)) parts.push(fill(r, r.pick(book.praise[r.pick(FEEDBACK_TOPICS)]), book));
    if (r.bool(0.5)) parts.push(r.pick(book.closersPositive));
  } else {
    parts.push(fill(r, r.pick(book.lukewarm), book));
  }
  return parts.filter((p) => p !== '').join(book.join);
}

/** Every feedback text, in date order, with its planted topic and tone. */
export function feedbackRecords(w: World, plan: FeedbackPlan = DEMO_FEEDBACK_PLAN): FeedbackRecord[] {
  const root = new Random(w.seed).fork('feedback');
  const others = FEEDBACK_TOPICS.filter((t) => t !== plan.rising);
  const chineseShare = w.lang === 'zh' ? 0.85 : 0.35;
  const span = Math.max(1, w.end - w.start);
  const out: FeedbackRecord[] = [];
  for (let i = 0; i < w.n; i++) {
    const r = root.fork(i);
    const a = Math.max(w.signup[i]!, w.start);
    const b = w.lastActive[i]!;
    if (a > b || !r.bool(0.7)) continue;
    const lang: HeaderLang = r.bool(chineseShare) ? 'zh' : 'en';
    const book = PHRASEBOOKS[lang];
    const z = w.z[i]!;
    const texts = 1 + Math.min(8, r.poisson(1.8));
    for (let k = 0; k < texts; k++) {
      const day = r.int(a, b);
      const rising = r.bool(plan.from + ((plan.to - plan.from) * (day - w.start)) / span);
      let topic: FeedbackTopic;
      let tone: FeedbackTone;
      let rating: number;
      if (rising) {
        topic = plan.rising;
        tone = 'negative';
        rating = r.bool(0.55) ? 1 : 2;
      } else {
        // Customers at risk (latent z) complain more; the rest praise or shrug.
        const u = r.float();
        const pNegative = 1 / (1 + Math.exp(0.9 - 0.7 * z));
        tone = u < pNegative ? 'negative' : u < pNegative + 0.12 ? 'neutral' : 'positive';
        topic = tone === 'negative' ? r.pick(others) : r.pick(FEEDBACK_TOPICS);
        rating = tone === 'negative' ? (r.bool(0.15) ? 3 : r.int(1, 2)) : tone === 'neutral' ? 3 : r.bool(0.6) ? 5 : 4;
      }
      // Some ratings do not match the words (a slip, a grudge, a generous mood).
      if (r.bool(0.05)) rating = r.int(1, 5);
      const channel = CHANNELS[r.weightedIndex(CHANNEL_WEIGHTS)]!;
      out.push({ day, customer: w.ids[i]!, lang, topic, tone, rising, rating, channel: w.lang === 'zh' ? channel.zh : channel.en, text: compose(r, book, topic, tone) });
    }
  }
  return out.sort((x, y) => x.day - y.day || (x.customer < y.customer ? -1 : x.customer > y.customer ? 1 : 0));
}

/** The feedback file: customer, date, channel, rating, text (headers in the world's language). */
export function feedbackTable(w: World, plan: FeedbackPlan = DEMO_FEEDBACK_PLAN): CsvTable {
  const rows: CsvValue[][] = feedbackRecords(w, plan).map((f) => [f.customer, formatDay(f.day), f.channel, f.rating, f.text]);
  return { columns: [...FEEDBACK_HEADERS[w.lang]], rows };
}
