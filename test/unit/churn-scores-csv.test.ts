import { describe, expect, it } from 'vitest';
import { scoresCsv } from '../../src/report/churn.ts';
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
