/**
 * Satisfaction survey responses, from their own random stream (the other
 * tables' numbers do not move). Planted: the speed-of-response item drives
 * overall satisfaction most; satisfaction falls with the customer's latent
 * risk, so dissatisfied respondents churn more; heavier buyers answer more
 * often (response bias). Some delivery answers are "N/A".
 */
import { Random } from '../lib/random.ts';
import type { CsvTable, CsvValue } from './csv.ts';
import { formatTs, padId } from './format.ts';
import type { World } from './world.ts';

export const SURVEY_HEADERS = {
  en: [
    'response_id', 'customer_id', 'submitted_at', 'Overall, how satisfied are you with us? (1-5)', 'Speed of our response to your questions (1-5)',
    'Product quality (1-5)', 'Value for money (1-5)', 'Delivery (1-5)', 'It was easy to get my issue handled (1-7)',
    'How likely are you to recommend us to a friend? (0-10)', 'Would you buy again from us? (1-5)',
  ],
  zh: [
    '问卷编号', '客户编号', '提交时间', '总体而言，您对我们的服务满意吗？（1-5分）', '我们回复您问题的速度（1-5分）',
    '产品质量（1-5分）', '性价比（1-5分）', '物流配送（1-5分）', '处理我的问题很容易（1-7分）',
    '您有多大可能向朋友推荐我们？（0-10分）', '您会再次购买吗？（1-5分）',
  ],
} as const;

const clip = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.round(v)));

export function surveysTable(w: World): CsvTable {
  const root = new Random(w.seed).fork('surveys');
  const raw: { t: number; row: CsvValue[] }[] = [];
  for (let i = 0; i < w.n; i++) {
    const r = root.fork(i);
    const a = Math.max(w.signup[i]!, w.start);
    const b = w.lastActive[i]!;
    // Heavier buyers answer more often.
    const p = Math.min(0.6, 0.18 + 0.25 * w.rate[i]!);
    if (a > b || !r.bool(p)) continue;
    const day = r.int(a, b);
    const t = day * 86_400 + r.int(8 * 3600, 22 * 3600);
    const latent = -1.1 * w.z[i]! + r.normal(0, 0.4);
    const speed = 0.6 * latent + r.normal(0, 0.8);
    const quality = 0.3 * latent + r.normal(0, 0.95);
    const price = 0.2 * latent + r.normal(0, 0.98);
    const delivery = 0.3 * latent + r.normal(0, 0.95);
    const overall = 0.7 * speed + 0.25 * quality + 0.12 * price + 0.12 * delivery + r.normal(0, 0.45);
    raw.push({
      t,
      row: [
        '', w.ids[i]!, formatTs(t), clip(3.2 + 0.9 * overall, 1, 5), clip(3.3 + 0.9 * speed, 1, 5), clip(3.6 + 0.9 * quality, 1, 5),
        clip(3.4 + 0.9 * price, 1, 5), r.bool(0.05) ? 'N/A' : clip(3.7 + 0.9 * delivery, 1, 5), clip(4.8 + 0.6 * speed + r.normal(0, 0.9), 1, 7),
        clip(7 + 2 * overall + r.normal(0, 1.2), 0, 10), clip(3.5 + 0.5 * overall + r.normal(0, 0.7), 1, 5),
      ],
    });
  }
  raw.sort((x, y) => x.t - y.t);
  const rows = raw.map((x, k) => {
    x.row[0] = padId('S', k + 1, 6);
    return x.row;
  });
  return { columns: [...SURVEY_HEADERS[w.lang]], rows };
}
