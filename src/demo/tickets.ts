/**
 * Support tickets. Risk raises how many a customer opens, how slowly they are
 * answered and how low they are rated; churners open extra ones in the run-up.
 */
import { Random } from '../lib/random.ts';
import { TICKET_CATEGORIES, TICKET_STATUS } from './catalog.ts';
import type { CsvValue } from './csv.ts';
import { formatTs, label, numberRows } from './format.ts';
import { COLUMNS, headerRow, type GenTable } from './schema.ts';
import { RAMP_DAYS, type World } from './world.ts';

const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 2, 4, 6, 7, 7, 5, 6, 7, 7, 6, 5, 4, 4, 3.5, 3, 2.5, 1.5];
const TICKET_WEIGHTS = TICKET_CATEGORIES.map((c) => c.weight);
const TICKET_WEIGHTS_AT_RISK = TICKET_CATEGORIES.map((c) =>
  c.weight * (c.key === 'product_quality' ? 2 : c.key === 'returns' || c.key === 'delivery' ? 1.5 : 1),
);

export function ticketsTable(w: World): GenTable {
  const root = new Random(w.seed);
  const endSec = (w.end + 1) * 86_400 - 1;
  const raw: { open: number; cust: number; row: CsvValue[] }[] = [];
  for (let i = 0; i < w.n; i++) {
    const r = root.fork('tickets', i);
    const a = Math.max(w.signup[i]!, w.start);
    const b = w.lastActive[i]!;
    if (a > b) continue;
    const z = w.z[i]!;
    const cd = w.churnDay[i]!;
    const days: number[] = [];
    const n = r.poisson(((b - a + 1) / 365) * 0.6 * Math.exp(0.5 * z));
    for (let k = 0; k < n; k++) days.push(r.int(a, b));
    if (cd >= 0) {
      // The run-up to churning: trouble that goes unresolved.
      const lo = Math.max(a, cd - 90);
      const extra = lo <= b ? r.poisson(1.1) : 0;
      for (let k = 0; k < extra; k++) days.push(r.int(lo, b));
    }
    for (const day of days) {
      const atRisk = cd >= 0 && day >= cd - RAMP_DAYS;
      const open = day * 86_400 + r.weightedIndex(HOUR_WEIGHTS) * 3600 + r.int(0, 3599);
      const responseMin = r.lognormal(Math.log(120) + 0.35 * z + (atRisk ? 0.6 : 0), 1);
      const resolveMin = r.lognormal(Math.log(1440) + 0.3 * z, 1.1);
      const firstResponse = open + Math.round(responseMin * 60);
      const closed = firstResponse + Math.round(resolveMin * 60);
      const category = r.weightedIndex(atRisk ? TICKET_WEIGHTS_AT_RISK : TICKET_WEIGHTS);
      const s = 3.6 - 0.4 * z - (atRisk ? 0.3 : 0) - (responseMin > 1440 ? 0.35 : 0) - (resolveMin > 4320 ? 0.25 : 0) + r.normal(0, 0.9);
      const rated = r.bool(0.85);
      const isClosed = closed <= endSec;
      raw.push({
        open,
        cust: w.rank[i]!,
        row: [
          '', w.ids[i]!, formatTs(open), firstResponse <= endSec ? formatTs(firstResponse) : null,
          isClosed ? formatTs(closed) : null, label(TICKET_CATEGORIES[category]!, w.lang),
          isClosed && rated ? Math.min(5, Math.max(1, Math.round(s))) : null,
          label(isClosed ? TICKET_STATUS.closed : TICKET_STATUS.open, w.lang),
        ],
      });
    }
  }
  raw.sort((x, y) => x.open - y.open || x.cust - y.cust);
  const rows = numberRows(raw.map((t) => t.row), 'T');
  return { name: 'tickets', keys: COLUMNS.tickets, columns: headerRow('tickets', w.lang), rows };
}
