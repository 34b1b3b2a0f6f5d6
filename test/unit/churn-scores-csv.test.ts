import { describe, expect, it } from 'vitest';
import { reasonValue, scoresCsv, warningList } from '../../src/report/churn.ts';
import type { ScoredRow } from '../../src/ml/protocol.ts';

const scored: ScoredRow[] = [
  { row: 0, probability: 0.91234567, tier: 'high', reasons: [{ column: 'plan', value: '=cmd' } as ScoredRow['reasons'][number]] },
  { row: 1, probability: 0.1, tier: 'low', reasons: [] },
];
const ids = { name: 'customer_id', values: ['-42', 'C2'] };

describe('scored customers CSV', () => {
  it('as a download: BOM, CRLF, customer keys that look like formulas neutralised', () => {
    expect(scoresCsv(ids, scored)).toBe(
      '\uFEFFcustomer,probability,risk_tier,reason_1,reason_2,reason_3\r\n' + "'-42,0.912346,high,plan==cmd,,\r\n" + 'C2,0.100000,low,,,\r\n',
    );
  });

  it('for the table the app saves: cells as they are, no BOM', () => {
    expect(scoresCsv(ids, scored, { spreadsheet: false })).toBe(
      'customer,probability,risk_tier,reason_1,reason_2,reason_3\r\n-42,0.912346,high,plan==cmd,,\r\nC2,0.100000,low,,,\r\n',
    );
  });

  it('numeric keys stay numbers, and rows are numbered when there is no key', () => {
    expect(scoresCsv({ name: 'id', values: [-7, 8] }, scored).split('\r\n')[1]).toBe('-7,0.912346,high,plan==cmd,,');
    expect(scoresCsv(undefined, scored).split('\r\n')[2]).toBe('2,0.100000,low,,,');
  });
});

describe('reason values', () => {
  it('numbers lose their binary float noise, in the CSV too', () => {
    expect(reasonValue(41624.35999999999)).toBe('41624.36');
    expect(reasonValue(0.1 + 0.2)).toBe('0.3');
    expect(reasonValue('Fiber optic')).toBe('Fiber optic');
    const row: ScoredRow = { row: 0, probability: 0.5, tier: 'medium', reasons: [{ column: 'spend_total', value: 41624.35999999999 } as ScoredRow['reasons'][number]] };
    expect(scoresCsv(undefined, [row]).split('\r\n')[1]).toBe('1,0.500000,medium,spend_total=41624.36,,');
  });
});

describe('warning list', () => {
  const rows: ScoredRow[] = [0.9, 0.2, 0.8, 0.5, 0.7].map((probability, row) => ({ row, probability, tier: 'low', reasons: [] }));

  it('keeps the customers not yet lost (target negative or missing), highest risk first, and counts the lost', () => {
    const w = warningList(rows, { name: 'churned', values: [1, 0, 1, null, 0] });
    expect(w.active.map((s) => s.row)).toEqual([4, 3, 1]);
    expect(w.lost).toBe(2);
  });

  it('reads the target as the trainer does (Yes/No, with its positive class)', () => {
    const w = warningList(rows, { name: 'Churn', values: ['No', 'No', 'Yes', 'No', 'Yes'] });
    expect(w.active.map((s) => s.row)).toEqual([0, 3, 1]);
    expect(w.lost).toBe(2);
  });
});
