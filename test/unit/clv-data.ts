/** The CDNOW calibration summary for the lifetime-value tests (data/cdnow/SOURCE.md). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CalibrationSummary } from '../../src/ml/clv/types.ts';

const DATA_DIR = process.env.CRM_DATA_DIR ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
export const CDNOW_SUMMARY = path.join(DATA_DIR, 'cdnow', 'cdnow_customers_summary_with_transactions.csv');

export function hasCdnow(test: string): boolean {
  const ok = existsSync(CDNOW_SUMMARY);
  if (!ok) console.warn(`[${test}] CDNOW tests skipped: no ${CDNOW_SUMMARY} (set CRM_DATA_DIR)`);
  return ok;
}

/** ID,x,t_x,T,zbar with CRLF and no final newline; zbar is written 0.00 where x = 0, read as NaN (types.ts). */
export function readCdnowSummary(file = CDNOW_SUMMARY): CalibrationSummary {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift()!.split(',');
  if (header.join(',') !== 'ID,x,t_x,T,zbar') throw new Error(`unexpected header ${header.join(',')}`);
  const rows = lines.map((l) => l.split(','));
  const col = (j: number) => Float64Array.from(rows, (r) => Number(r[j]));
  const x = col(1);
  const zbar = col(4).map((z, i) => (x[i] === 0 ? NaN : z));
  return { ids: rows.map((r) => r[0]!), x, tx: col(2), T: col(3), zbar };
}
