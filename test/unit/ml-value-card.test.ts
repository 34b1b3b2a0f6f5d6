import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/lib/random.ts';
import { ensureNodeBackend } from '../../src/ml/backend-node.ts';
import type { ColumnData } from '../../src/ml/features.ts';
import { ModelRegistry, memoryModelStore } from '../../src/ml/registry.ts';
import { SearchControl } from '../../src/ml/search.ts';
import { VALUE_CARDS, buildValueCard, type ValueModelCard } from '../../src/ml/value-card.ts';
import { coordinateValueSearch } from '../../src/ml/value-search.ts';
import { loadValueDataset, localValueRunner } from '../../src/ml/value-tasks.ts';

beforeAll(async () => {
  await ensureNodeBackend();
});

function table(n: number): ColumnData[] {
  const r = mulberry32(3);
  const last = Float64Array.from({ length: n }, () => Math.floor(r() * 100));
  return [
    { name: 'id', values: Array.from({ length: n }, (_, i) => `c${i}`) },
    { name: 'segment', values: Array.from({ length: n }, (_, i) => (i % 3 ? 'A' : 'B')) },
    { name: 'last_period_spend', values: last },
    { name: 'hist_mean_spend', values: Float64Array.from(last, (v) => v * 0.8 + 5) },
    { name: 'future_spend', values: Float64Array.from(last, (v) => (r() < 0.3 ? 0 : v * (0.5 + r()))) },
  ];
}

describe('value model card', () => {
  it('records the search, round-trips through a registry, and a damaged card is refused with the fields named', async () => {
    const columns = table(60);
    const payload = { task: 'regression' as const, columns, target: 'future_spend', exclude: ['id'], k: 3, seed: 1, log1p: true, baselineColumns: { lastPeriod: 'last_period_spend', histMean: 'hist_mean_spend' } };
    const ds = loadValueDataset(payload);
    const control = new SearchControl();
    const result = await coordinateValueSearch(ds.info, { grid: [{ kind: 'ridge', grid: { l2: [0, 0.1] } }], baselineColumns: payload.baselineColumns }, localValueRunner(ds, control.signal), control);
    const meta = { name: 'value_training', columns: columns.map((c) => ({ name: c.name, type: c.values instanceof Float64Array ? 'DOUBLE' : 'VARCHAR' })) };
    const card = buildValueCard({ result, columns, table: meta, target: 'future_spend', excluded: ['id'], cutoff: '2025-06-30', horizonMonths: 6, now: new Date('2025-07-01T00:00:00Z') });
    expect(card.id).toMatch(/^v-20250701T000000000Z-[0-9a-f]{8}$/);
    expect(card.log1p).toBe(true);
    expect(card.features).toEqual(['segment', 'last_period_spend', 'hist_mean_spend']);
    expect(card.cvMetrics.mae.mean).toBe(result.best.scores.mae.mean);
    expect(card.baselines.map((b) => b.kind).sort()).toEqual(['histMean', 'lastPeriod']);
    expect(card.featureSummaries.map((s) => s.column)).toEqual(card.features);

    const registry = new ModelRegistry<ValueModelCard>(memoryModelStore(), VALUE_CARDS);
    await registry.save(card);
    const listed = await registry.list();
    expect(listed.cards).toEqual([card]);

    const broken = { ...JSON.parse(VALUE_CARDS.serialize(card)), log1p: 'yes', cvMetrics: { mae: { mean: 1 } } };
    expect(() => VALUE_CARDS.check(broken)).toThrow(/log1p must be true or false.*cvMetrics.mae must be \{mean, std\}/);
    expect(() => VALUE_CARDS.parse('{"format": "crm-lens-model-card"}')).toThrow('not a CRM Lens value model card');
    expect(() => VALUE_CARDS.check({ ...card, spec: { kind: 'gbt', params: { nEstimators: 10, learningRate: 0.1, maxDepth: 2, minLeaf: 5, subsample: 1, l2: 1, loss: 'absolute' } } })).toThrow('gbt.loss = absolute');
  });
});
