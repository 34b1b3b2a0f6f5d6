/**
 * The value model's probabilistic baseline: BG/NBD expected purchases in the
 * next H months × Gamma-Gamma expected spend per purchase, both fitted on the
 * training fold's customers (src/ml/clv: `fitLifetimeInline`, predict.ts) and
 * applied to the held-out ones from their summary at the cut-off. Without a
 * Gamma-Gamma fit (too few repeat buyers) the spend per purchase is the
 * training fold's mean repeat spend. When BG/NBD's conditional expectation
 * is not finite for some customer (its fit can run to extreme a and b, where
 * the hypergeometric term overflows), the Pareto/NBD fit of the same call
 * counts the purchases instead, and the note says so.
 */
import { cellAt, toNumber, type ColumnData } from './features.ts';
import { fitLifetimeInline } from './clv/fit.ts';
import { bgnbdConditionalExpected, ggConditionalSpend, paretoConditionalExpected, WEEKS_PER_MONTH } from './clv/predict.ts';
import type { ValueBaselineColumns } from './protocol.ts';

function column(columns: readonly ColumnData[], name: string, rows: readonly number[], missing: number): Float64Array {
  const c = columns.find((x) => x.name === name);
  if (!c) throw new Error(`The BG/NBD baseline needs column "${name}"`);
  return Float64Array.from(rows, (r) => {
    const v = toNumber(cellAt(c.values, r));
    return typeof v === 'number' ? v : missing;
  });
}

/** Expected spend in the horizon for `testRows`, from a fit on `trainRows`; `note` says which spend model was used. */
export function lifetimeBaseline(columns: readonly ColumnData[], spec: NonNullable<ValueBaselineColumns['lifetime']>, trainRows: readonly number[], testRows: readonly number[], signal?: AbortSignal): { p: Float64Array; note: string } {
  const read = (rows: readonly number[]) => ({
    x: column(columns, spec.x, rows, 0),
    tx: column(columns, spec.tx, rows, 0),
    T: column(columns, spec.T, rows, 0),
    zbar: column(columns, spec.zbar, rows, NaN),
  });
  const train = read(trainRows);
  const test = read(testRows);
  const fit = fitLifetimeInline(train, signal ? { signal } : {});
  const weeks = spec.months * WEEKS_PER_MONTH;
  let purchases = bgnbdConditionalExpected(fit.bgnbd.params, weeks, test.x, test.tx, test.T);
  const counts = purchases.every(Number.isFinite) ? 'BG/NBD' : 'Pareto/NBD';
  if (counts === 'Pareto/NBD') purchases = paretoConditionalExpected(fit.pareto.params, weeks, test.x, test.tx, test.T);
  let perPurchase: Float64Array;
  if (fit.gammaGamma) perPurchase = ggConditionalSpend(fit.gammaGamma.params, test.x, test.zbar);
  else {
    let sum = 0;
    let n = 0;
    train.zbar.forEach((z, i) => {
      if (train.x[i]! > 0 && z > 0) {
        sum += z;
        n++;
      }
    });
    perPurchase = new Float64Array(testRows.length).fill(n ? sum / n : 0);
  }
  return { p: Float64Array.from(purchases, (e, i) => e * perPurchase[i]!), note: `${counts} × ${fit.gammaGamma ? 'Gamma-Gamma' : 'mean repeat spend'}` };
}
