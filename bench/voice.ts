/**
 * The voice-of-customer step of `npm run bench -- --steps voice`: 100,000
 * mixed Chinese and English feedback texts through the text analysis in a
 * Chromium module worker, as the Voice page runs it (issue 14: under 20 s,
 * with progress). The texts are the real waimai_10k reviews (Chinese, labels)
 * and clothing reviews (English, ratings) from ../shared/data, repeated and
 * shuffled (seed 1) to 100,000, with months over two years; the analysis keeps
 * no cache, so a repeated text costs what a new one does.
 */
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { DATA_DIR } from '../test/e2e/browser.ts';
import { mulberry32, shuffleInPlace } from '../src/lib/random.ts';
import type { TextInput } from '../src/ml/text/types.ts';
import { withBenchPage } from './browser.ts';
import type { VoiceBenchResult } from './browser/api.ts';
import { fmt, type Target } from './report.ts';

const WAIMAI = path.join(DATA_DIR, 'waimai_reviews/waimai_10k.csv');
const CLOTHING = path.join(DATA_DIR, 'clothing_reviews/womens_clothing_reviews_1k.csv');

export type VoiceReport = { skipped: string } | { engine: string; result: VoiceBenchResult; targets: Record<string, Target> };

/** `n` texts, about 85 % Chinese and 15 % English. */
export function mixedTexts(n: number): TextInput {
  const read = (file: string) => Papa.parse<Record<string, string>>(fs.readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true }).data;
  const zh = read(WAIMAI).map((r) => ({ text: r.review ?? '', label: r.label ?? null, rating: null as number | null }));
  const en = read(CLOTHING).map((r) => ({ text: r['Review Text'] ?? '', label: null as string | null, rating: Number(r.Rating) || null }));
  const random = mulberry32(1);
  const rows = Array.from({ length: n }, () => (random() < 0.85 ? zh[Math.floor(random() * zh.length)]! : en[Math.floor(random() * en.length)]!));
  shuffleInPlace(rows, random);
  return {
    texts: rows.map((r) => r.text),
    months: rows.map(() => `${2024 + Math.floor(random() * 2)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}`),
    ratings: rows.map((r) => r.rating),
    labels: rows.map((r) => r.label),
    hours: rows.map(() => null),
    closed: rows.map(() => null),
  };
}

export async function voiceStep(lines: string[], log: (line: string) => void, n = 100_000): Promise<VoiceReport> {
  if (!fs.existsSync(WAIMAI) || !fs.existsSync(CLOTHING)) {
    const skipped = `no waimai_reviews or clothing_reviews under ${DATA_DIR} (set CRM_DATA_DIR)`;
    lines.push('', `Voice: skipped, ${skipped}`);
    return { skipped };
  }
  const input = mixedTexts(n);
  return withBenchPage('Voice', log, async (page, session) => {
    const result = await page.evaluate((x) => window.crmBench!.voice(x), input);
    const c = result.card;
    lines.push(
      '',
      `Voice: ${fmt(result.texts)} mixed texts analysed in a Chromium worker in ${fmt(result.ms / 1000, 1)} s (${fmt(result.progressEvents)} progress messages, longest gap ${fmt(result.maxProgressGapMs / 1000, 1)} s); ` +
        `${result.topics} topics; sentiment ${c.method} on ${c.target}, held-out accuracy ${fmt(c.accuracy ?? NaN, 3)} (baseline ${fmt(c.baseline ?? NaN, 3)}; not a measure of the model here: repeated texts fall on both sides of the split)`,
    );
    const targets: Record<string, Target> = {
      voiceTime: { what: 'Voice: 100k mixed texts, Chromium worker', value: result.ms / 1000, unit: ' s', target: '< 20 s', met: result.ms < 20_000 },
    };
    return { engine: `Chromium ${session.browser.version()}`, result, targets };
  });
}
