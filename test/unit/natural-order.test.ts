/** The natural order of category labels (src/lib/natural-order.ts): each scale, the fall-back by value, and what is not a scale. */
import { describe, expect, it } from 'vitest';
import { naturalKeys, naturalOrder, orderCategories } from '../../src/lib/natural-order.ts';

const shuffled = (xs: string[]) => [...xs.slice(1), xs[0]!].reverse();

describe('naturalOrder', () => {
  const cases: [string, string[]][] = [
    ['Telco contracts', ['Month-to-month', 'One year', 'Two year']],
    ['durations with numbers', ['1 week', '1 month', '3 months', '6 months', '1 year', '2 years']],
    ['period words', ['Daily', 'Weekly', 'Monthly', 'Quarterly', 'Annual']],
    ['Chinese periods', ['月', '季', '年']],
    ['Chinese plans', ['包月', '包季', '包年']],
    ['Chinese durations', ['1个月', '6个月', '一年', '两年']],
    ['levels', ['Very low', 'Low', 'Medium', 'High', 'Very high']],
    ['Chinese levels', ['低', '中', '高']],
    ['tiers', ['Bronze', 'Silver', 'Gold', 'Platinum']],
    ['Chinese tiers', ['白银', '黄金', '铂金', '钻石']],
    ['sizes', ['small', 'medium', 'large']],
    ['sizes as letters', ['S', 'M', 'L', 'XL']],
    ['quality', ['Poor', 'Fair', 'Good', 'Excellent']],
    ['priority', ['Low', 'Medium', 'High', 'Urgent']],
    ['plans', ['Free', 'Basic', 'Premium', 'Enterprise']],
    ['ranges', ['<5', '5-10', '10-20', '20+']],
    ['ranges from zero', ['0-10', '10-20', '20-30', '100-200']],
    ['age bands', ['Under 18', '18–24', '25–34', '35–44', '65 and over']],
    ['Chinese age bands', ['18岁以下', '18-24岁', '25-34岁', '60岁以上']],
    ['money bands', ['$0 - $1k', '$1k - $5k', '$5k - $20k', '$20k+']],
    ['numbers as text', ['1', '2', '5', '10', '12']],
    ['grouped thousands', ['500-999', '1,000-4,999', '5,000+']],
  ];
  for (const [name, ordered] of cases) {
    it(`puts ${name} in order: ${ordered.join(' < ')}`, () => {
      expect(naturalOrder(shuffled(ordered))).toEqual(ordered);
      expect(naturalOrder([...ordered].reverse())).toEqual(ordered);
    });
  }

  it('puts missing and "other" labels last, whatever their position', () => {
    expect(naturalOrder(['Other', 'High', '—', 'Low'])).toEqual(['Low', 'High', 'Other', '—']);
  });

  it('finds no order in names, products, countries or mixed scales', () => {
    for (const labels of [
      ['DSL', 'Fiber optic', 'No'],
      ['France', 'Germany', 'Spain'],
      ['Product 12', 'Product 3', 'Product 7'],
      ['iPhone 12', 'Galaxy S9'],
      ['Low', 'Gold'],
      ['Male', 'Female'],
      ['Bank transfer (automatic)', 'Credit card (automatic)', 'Electronic check', 'Mailed check'],
    ]) {
      expect(naturalKeys(labels), labels.join(', ')).toBeUndefined();
    }
  });

  it('needs two distinct known labels', () => {
    expect(naturalOrder(['High'])).toBeUndefined();
    expect(naturalOrder(['High', 'High', 'Other'])).toBeUndefined();
    expect(naturalOrder([])).toBeUndefined();
  });
});

describe('orderCategories', () => {
  const rows = [
    { c: 'Two year', n: 1695 },
    { c: 'Month-to-month', n: 3875 },
    { c: 'One year', n: 1473 },
  ];
  it('uses the natural order when there is one, whatever the values', () => {
    expect(orderCategories(rows, (r) => r.c, (r) => r.n).map((r) => r.c)).toEqual(['Month-to-month', 'One year', 'Two year']);
  });

  it('else orders by value, largest first, ties by label, missing values and "other" last', () => {
    const xs = [
      { c: 'Other', n: 90 },
      { c: 'Spain', n: 10 },
      { c: 'France', n: 30 },
      { c: 'Germany', n: 30 },
      { c: 'Italy', n: null },
    ];
    expect(orderCategories(xs, (r) => r.c, (r) => r.n).map((r) => r.c)).toEqual(['France', 'Germany', 'Spain', 'Italy', 'Other']);
  });

  it('keeps the given order without values (a ranking) and does not change its input', () => {
    const xs = [{ c: 'b' }, { c: 'a' }, { c: 'c' }];
    const out = orderCategories(xs, (r) => r.c);
    expect(out.map((r) => r.c)).toEqual(['b', 'a', 'c']);
    expect(out).not.toBe(xs);
  });
});
