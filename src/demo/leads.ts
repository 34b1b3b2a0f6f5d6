/**
 * Marketing leads through the funnel (lead → MQL → SQL → opportunity → won).
 * Won leads are existing customers whose deal closes on their signup day.
 */
import { Random } from '../lib/random.ts';
import { LEAD_CHANNELS, LEAD_STAGES, SALES_OWNERS } from './catalog.ts';
import type { CsvValue } from './csv.ts';
import { formatDay, label, numberRows } from './format.ts';
import { COLUMNS, headerRow, type GenTable } from './schema.ts';
import type { World } from './world.ts';

const LEADS_PER_CUSTOMER = 2.5;
const WIN_SHARE = 0.1;
const STAGE_DAYS: readonly (readonly [number, number])[] = [[1, 10], [2, 20], [3, 25], [5, 40]];
const FUNNEL = [0.42, 0.45, 0.55];
const LEAD_CHANNEL_WEIGHTS = LEAD_CHANNELS.map((c) => c.weight);
const DEAL_MEDIAN = [3000, 15000, 60000];

export function leadsTable(w: World): GenTable {
  const r = new Random(w.seed).fork('leads');
  const total = Math.round(w.n * LEADS_PER_CUSTOMER);
  const raw: { created: number; tie: number; row: CsvValue[] }[] = [];
  const date = (d: number | null): string | null => (d === null ? null : formatDay(d));
  const stageLabel = (k: number): string => label(LEAD_STAGES[k]!, w.lang);

  // Won leads are customers: the deal closes on the signup day.
  const eligible: number[] = [];
  const minLead = STAGE_DAYS.reduce((s, [, hi]) => s + hi, 0);
  for (let i = 0; i < w.n; i++) if (w.signup[i]! >= w.start + minLead) eligible.push(i);
  r.shuffle(eligible);
  const won = eligible.slice(0, Math.min(eligible.length, Math.round(total * WIN_SHARE)));
  won.sort((a, b) => a - b);
  for (const i of won) {
    const stages = [0, 0, 0, 0, w.signup[i]!];
    for (let k = 3; k >= 0; k--) stages[k] = stages[k + 1]! - r.int(STAGE_DAYS[k]![0], STAGE_DAYS[k]![1]);
    const value = Math.round(r.lognormal(Math.log(DEAL_MEDIAN[w.segment[i]!]!), 0.6) / 100) * 100;
    raw.push({
      created: stages[0]!,
      tie: r.float(),
      row: [
        '', date(stages[0]!), label(LEAD_CHANNELS[r.weightedIndex(LEAD_CHANNEL_WEIGHTS)]!, w.lang), stageLabel(4),
        date(stages[1]!), date(stages[2]!), date(stages[3]!), date(stages[4]!), value,
        label(r.pick(SALES_OWNERS), w.lang), w.ids[i]!,
      ],
    });
  }
  const span = w.end - w.start;
  for (let k = raw.length; k < total; k++) {
    const created = w.start + Math.floor(span * Math.pow(r.float(), 0.85));
    const dates: (number | null)[] = [created, null, null, null, null];
    let stage = 0;
    for (let s = 0; s < FUNNEL.length; s++) {
      if (!r.bool(FUNNEL[s]!)) break;
      const next = dates[s]! + r.int(STAGE_DAYS[s]![0], STAGE_DAYS[s]![1]);
      if (next > w.end) break;
      dates[s + 1] = next;
      stage = s + 1;
    }
    const value = stage >= 3 ? Math.round(r.lognormal(Math.log(8000), 0.9) / 100) * 100 : null;
    raw.push({
      created,
      tie: r.float(),
      row: [
        '', date(created), label(LEAD_CHANNELS[r.weightedIndex(LEAD_CHANNEL_WEIGHTS)]!, w.lang), stageLabel(stage),
        date(dates[1]!), date(dates[2]!), date(dates[3]!), null, value,
        stage >= 2 ? label(r.pick(SALES_OWNERS), w.lang) : null, null,
      ],
    });
  }
  raw.sort((x, y) => x.created - y.created || x.tie - y.tie);
  const rows = numberRows(raw.map((l) => l.row), 'L');
  return { name: 'leads', keys: COLUMNS.leads, columns: headerRow('leads', w.lang), rows };
}
