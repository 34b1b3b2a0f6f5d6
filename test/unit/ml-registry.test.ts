import { describe, expect, it } from 'vitest';
import { psi } from '../../src/ml/drift.ts';
import { cellsOf, type ColumnData } from '../../src/ml/features.ts';
import type { LeaderboardRow, MeanStd, ModelSpec, SearchResult } from '../../src/ml/protocol.ts';
import { compareRun, metricDeltas } from '../../src/ml/card-compare.ts';
import { modelCardFileName, parseModelCard } from '../../src/ml/card-read.ts';
import {
  FINGERPRINT_SAMPLE_ROWS,
  MODEL_CARD_FORMAT,
  MODEL_CARD_VERSION,
  buildModelCard,
  dataFingerprint,
  hashText,
  serializeModelCard,
  summarizeFeature,
  summaryPsi,
  type ModelCard,
} from '../../src/ml/card.ts';
import { ModelRegistry, memoryModelStore } from '../../src/ml/registry.ts';

const NOW = new Date('2025-03-01T12:00:00.000Z');

/** Eight customers: `plan` (categorical), `spend` (numeric with one missing), `id` (ID-like), `note` (excluded by the user), target `churn`. */
const columns: ColumnData[] = [
  { name: 'id', values: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'] },
  { name: 'plan', values: ['A', 'A', 'B', 'B', 'A', 'B', 'A', 'A'] },
  { name: 'spend', values: [10, 20, 30, 40, null, 60, 70, 80] },
  { name: 'note', values: ['x', 'y', 'x', 'y', 'x', 'y', 'x', 'y'] },
  { name: 'churn', values: ['Yes', 'No', 'No', 'Yes', 'No', 'No', 'Yes', 'No'] },
];
const table = {
  name: 'customer_features',
  columns: [
    { name: 'id', type: 'VARCHAR' },
    { name: 'plan', type: 'VARCHAR' },
    { name: 'spend', type: 'DOUBLE' },
    { name: 'note', type: 'VARCHAR' },
    { name: 'churn', type: 'VARCHAR' },
  ],
};

const ms = (mean: number, std: number): MeanStd => ({ mean, std });

function row(configId: number, spec: ModelSpec, label: string, auc: number, std = 0.01): LeaderboardRow {
  const scores = {
    auc: ms(auc, std), prAuc: ms(auc - 0.2, std), logLoss: ms(1 - auc, std), accuracy: ms(0.7, std),
    precision: ms(0.5, std), recall: ms(0.5, std), f1: ms(0.5, std),
  };
  return { configId, spec, label, baseline: spec.kind === 'majority' || spec.kind === 'oneFeature', folds: 2, scores, perFold: [], fitMs: 3, notes: [] };
}

/** A search result as the pool returns it, with only what the registry reads filled in with care. */
function fakeResult(auc: number, rows = [0, 1, 2, 3, 4, 5, 6, 7]): SearchResult {
  const spec: ModelSpec = { kind: 'logreg', classWeight: 'none', params: { l2: 1e-3, epochs: 100, learningRate: 0.05, batchSize: 2048 } };
  const best = row(0, spec, 'logreg l2=0.001 epochs=100 learningRate=0.05 batchSize=2048', auc);
  return {
    dataset: {
      nRows: 8, nUsable: rows.length, rows, y: rows.map(() => 0), foldOf: rows.map((_, i) => i % 2), k: 2, seed: 1,
      positiveLabel: 'Yes', negativeLabel: 'No', positiveRate: 0.375, droppedRows: 0,
      features: ['plan=A', 'plan=B', 'spend', 'spend=(missing)'],
      dropped: [{ column: 'note', reason: 'excluded' }, { column: 'id', reason: 'id-like' }],
    },
    leaderboard: [best],
    baselines: [row(100, { kind: 'majority', classWeight: 'none', params: {} }, 'majority', 0.5, 0), row(101, { kind: 'oneFeature', classWeight: 'none', params: { bins: 10 } }, 'oneFeature bins=10', 0.6)],
    best,
    selectBy: 'auc',
    oof: rows.map(() => 0.5),
    curves: { roc: [], pr: [], averagePrecision: 0.5, gain: [], calibration: [], bestF1: { threshold: 0.37, f1: 0.6 } as SearchResult['curves']['bestF1'] },
    importance: [],
    final: { spec, label: best.label, features: [], reasonUnit: 'logit', tiers: { high: 0.6, medium: 0.3 } as SearchResult['final']['tiers'], scored: [], fitMs: 1 },
    tasks: 10,
    elapsedMs: 100,
  };
}

function card(auc = 0.8): ModelCard {
  return buildModelCard({ result: fakeResult(auc), columns, table, target: 'churn', excluded: ['note'], now: NOW });
}

describe('data fingerprint', () => {
  it('hashes with 64-bit FNV-1a (published test vectors)', () => {
    expect(hashText('')).toBe('cbf29ce484222325');
    expect(hashText('a')).toBe('af63dc4c8601ec8c');
    expect(hashText('foobar')).toBe('85944171f73967e8');
  });

  it('is stable for the same data and changes with name, row count, columns, types or a sampled value', () => {
    const fp = dataFingerprint(table, columns);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(dataFingerprint(structuredClone(table), structuredClone(columns))).toBe(fp);
    const edited = (i: number, v: string | number | null) => columns.map((c) => (c.name === 'spend' ? { ...c, values: cellsOf(c.values).map((x, k) => (k === i ? v : x)) } : c));
    const others = [
      dataFingerprint({ ...table, name: 'other' }, columns),
      dataFingerprint(table, columns.map((c) => ({ ...c, values: cellsOf(c.values).slice(0, 7) }))),
      dataFingerprint({ ...table, columns: table.columns.map((c) => (c.name === 'spend' ? { ...c, type: 'BIGINT' } : c)) }, columns),
      dataFingerprint(table, columns.map((c) => (c.name === 'plan' ? { ...c, name: 'tier' } : c))),
      dataFingerprint(table, edited(2, 31)),
      dataFingerprint(table, edited(2, '30')),
    ];
    expect(new Set([fp, ...others]).size).toBe(others.length + 1);
    // Pinned: a change to the recipe would make every saved card look like other data.
    expect(fp).toBe('85d09b3f0a868c19');
  });

  it('samples evenly spaced rows of a long table, so an edit between them goes unnoticed', () => {
    const n = FINGERPRINT_SAMPLE_ROWS * 3;
    const long: ColumnData[] = [{ name: 'x', values: Array.from({ length: n }, (_, i) => i) }];
    const t = { name: 't', columns: [{ name: 'x', type: 'BIGINT' }] };
    const at = (i: number) => dataFingerprint(t, [{ name: 'x', values: cellsOf(long[0]!.values).map((v, k) => (k === i ? -1 : v)) }]);
    expect(at(1)).toBe(dataFingerprint(t, long)); // rows 0, 3, 6, … are sampled
    expect(at(3)).not.toBe(dataFingerprint(t, long));
  });
});

describe('model cards', () => {
  it('records the search, the data and each used feature’s distribution', () => {
    const c = card();
    expect(c).toMatchObject({
      format: MODEL_CARD_FORMAT,
      version: MODEL_CARD_VERSION,
      createdAt: '2025-03-01T12:00:00.000Z',
      table: 'customer_features',
      rowCount: 8,
      target: 'churn',
      positiveLabel: 'Yes',
      nUsable: 8,
      features: ['plan', 'spend'],
      excluded: ['note'],
      label: 'logreg l2=0.001 epochs=100 learningRate=0.05 batchSize=2048',
      selectBy: 'auc',
      folds: 2,
      threshold: 0.37,
      cvMetrics: { auc: { mean: 0.8, std: 0.01 }, prAuc: { mean: 0.6000000000000001, std: 0.01 }, f1: { mean: 0.5, std: 0.01 }, accuracy: { mean: 0.7, std: 0.01 }, logLoss: { mean: 0.19999999999999996, std: 0.01 } },
      baselines: [
        { label: 'majority', kind: 'majority', cvMetrics: { auc: { mean: 0.5, std: 0 } } },
        { label: 'oneFeature bins=10', kind: 'oneFeature', cvMetrics: { auc: { mean: 0.6, std: 0.01 } } },
      ],
    });
    expect(c.id).toMatch(/^m-20250301T120000000Z-[0-9a-f]{8}$/);
    expect(c.dataFingerprint).toBe(dataFingerprint(table, columns));
    // plan: A ×5, B ×3. spend: 7 values in ten-quantile bins (cuts at the 1st…6th values), one missing.
    expect(c.featureSummaries).toEqual([
      { column: 'plan', kind: 'categorical', n: 8, levels: ['A', 'B'], counts: [5, 3], otherCount: 0 },
      { column: 'spend', kind: 'numeric', n: 8, cuts: [10, 20, 30, 40, 60, 70], counts: [1, 1, 1, 1, 1, 1, 1, 1] },
    ]);
    expect(buildModelCard({ result: fakeResult(0.8), columns, table, target: 'churn', excluded: ['note'], now: NOW, threshold: 0.5 }).threshold).toBe(0.5);
    expect(modelCardFileName(c)).toBe('model_customer_features_logreg_20250301-120000.json');
    // A table name is user text: no separators, white space or bidi controls reach the file name.
    expect(modelCardFileName({ ...c, table: 'orders/2024 \u202Enosj.exe' })).toBe('model_orders_2024_nosj.exe_logreg_20250301-120000.json');
  });

  it('summarises only the usable rows', () => {
    const c = buildModelCard({ result: fakeResult(0.8, [0, 1, 2]), columns, table, target: 'churn', excluded: ['note'], now: NOW });
    expect(c.featureSummaries[0]).toEqual({ column: 'plan', kind: 'categorical', n: 3, levels: ['A', 'B'], counts: [2, 1], otherCount: 0 });
  });

  it('goes through JSON and back unchanged', () => {
    const c = card();
    expect(parseModelCard(serializeModelCard(c))).toEqual(c);
    expect(parseModelCard(`\uFEFF${serializeModelCard(c)}`)).toEqual(c);
  });
});

describe('importing a card', () => {
  const text = serializeModelCard(card());
  const tamper = (f: (o: Record<string, unknown>) => void): string => {
    const o = JSON.parse(text) as Record<string, unknown>;
    f(o);
    return JSON.stringify(o);
  };

  it('refuses what is not JSON, not a card, or another version, in both languages', () => {
    expect(() => parseModelCard('{"format":')).toThrow(/^This file is not JSON \(.+\)\. Choose a \.json file exported from the model registry of CRM Lens\.\n该文件不是 JSON/);
    expect(() => parseModelCard('[1, 2]')).toThrow('This is not a CRM Lens model card (no "format": "crm-lens-model-card").');
    expect(() => parseModelCard(tamper((o) => (o.format = 'something-else')))).toThrow('这不是 CRM Lens 模型卡');
    expect(() => parseModelCard(tamper((o) => (o.version = 2)))).toThrow('This model card has version 2; this version of CRM Lens reads version 1 only.');
    expect(() => parseModelCard(tamper((o) => delete o.version))).toThrow('has version null');
  });

  it('names every damaged field', () => {
    const bad = tamper((o) => {
      (o.cvMetrics as { auc: { mean: unknown } }).auc.mean = 'high';
      o.threshold = 1.5;
      (o.featureSummaries as { counts: number[] }[])[1]!.counts = [1, 1];
      o.spec = { kind: 'gbt', classWeight: 'none', params: { nEstimators: 0, learningRate: 0.1, maxDepth: 3, minLeaf: 10, subsample: 0.8, l2: 1 } };
    });
    let message = '';
    try {
      parseModelCard(bad);
    } catch (e) {
      message = (e as Error).message;
      expect((e as Error).name).toBe('MlInputError');
    }
    expect(message).toContain('threshold must be between 0 and 1');
    expect(message).toContain('spec gbt.nEstimators = 0 (must be a whole number ≥ 1)');
    expect(message).toContain('cvMetrics.auc.mean must be a number');
    expect(message).toContain('featureSummaries[1].counts must have 8 entries (one per bin, then missing)');
    expect(message).toContain('\n该模型卡已损坏：');
    expect(() => parseModelCard(tamper((o) => ((o.featureSummaries as { n: number }[])[0]!.n = 9)))).toThrow('featureSummaries[0].counts must add up to n (9)');
  });
});

describe('comparing a new run with a saved card', () => {
  it('gives the PSI drift.ts gives on the raw values', () => {
    const reference = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, null, 3.5];
    const current = [1, 1, 2, 9, 9, 9, 12, 'n/a', 4.25, 5];
    const s = summarizeFeature({ name: 'x', values: reference })!;
    expect(summaryPsi(s, current)).toEqual(psi(reference, current, { kind: 'numeric' }));
    const plans = ['A', 'A', 'B', ' C', null, 'B'];
    const later = ['A', 'D', 'D', 'C', 'C', ''];
    const r = summaryPsi(summarizeFeature({ name: 'p', values: plans })!, later);
    const expected = psi(plans, later, { kind: 'categorical' });
    expect(r.psi).toBeCloseTo(expected.psi, 12);
    expect(r.level).toBe(expected.level);
    const byLabel = (b: { label: string }[]) => [...b].sort((x, y) => (x.label < y.label ? -1 : 1));
    expect(byLabel(r.buckets)).toEqual(byLabel(expected.buckets));
  });

  it('by hand: shares ½/½ → ¼/¾ give ¼·ln 2 + ¼·ln 1.5 ≈ 0.2747 (major)', () => {
    const r = summaryPsi(summarizeFeature({ name: 'p', values: ['A', 'A', 'B', 'B'] })!, ['A', 'B', 'B', 'B']);
    expect(r.psi).toBeCloseTo(0.25 * Math.log(2) + 0.25 * Math.log(1.5), 12);
    expect(r.level).toBe('major');
  });

  it('reports metric deltas, drift per feature (largest first), missing and new features', () => {
    const previous = card(0.8);
    // The new table: plan shifted to mostly B, spend unchanged, and a new column `visits`.
    const next: ColumnData[] = [
      ...columns.map((c) => (c.name === 'plan' ? { ...c, values: ['B', 'B', 'B', 'B', 'A', 'B', 'B', 'A'] } : c)),
      { name: 'visits', values: [1, 2, 3, 4, 5, 6, 7, 8] },
    ];
    const latest = fakeResult(0.85);
    const cmp = compareRun(previous, latest, next, { table: 'customer_features', target: 'churn' });
    expect(cmp.drift.map((d) => [d.column, d.level])).toEqual([['plan', 'major'], ['spend', 'stable']]);
    // plan: A 5/8 → 2/8, B 3/8 → 6/8.
    expect(cmp.drift[0]!.psi).toBeCloseTo((2 / 8 - 5 / 8) * Math.log(2 / 5) + (6 / 8 - 3 / 8) * Math.log(2), 12);
    expect(cmp.drift[1]!.psi).toBe(0);
    expect(cmp.added).toEqual(['visits']);
    expect(cmp.missing).toEqual([]);
    expect(cmp).toMatchObject({ previousId: previous.id, sameTable: true, sameTarget: true, sameModel: true });
    expect(cmp.metrics.map((m) => [m.metric, Number(m.delta.toFixed(6)), m.change])).toEqual([
      ['auc', 0.05, 'better'],
      ['prAuc', 0.05, 'better'],
      ['f1', 0, 'similar'],
      ['accuracy', 0, 'similar'],
      ['logLoss', -0.05, 'better'],
    ]);
    const without = compareRun(previous, latest, next.filter((c) => c.name !== 'spend'), { table: 'other', target: 'churn' });
    expect(without.missing).toEqual(['spend']);
    expect(without.sameTable).toBe(false);
  });

  it('calls a change within the folds’ standard deviation similar, and lower log loss better', () => {
    const base = { auc: ms(0.8, 0.02), prAuc: ms(0.5, 0.02), f1: ms(0.5, 0.02), accuracy: ms(0.7, 0.02), logLoss: ms(0.4, 0.02) };
    const d = metricDeltas(base, { ...base, auc: ms(0.79, 0.01), accuracy: ms(0.6, 0.01), logLoss: ms(0.5, 0.01) });
    expect(d.map((x) => x.change)).toEqual(['similar', 'similar', 'similar', 'worse', 'worse']);
  });
});

describe('registry over a store', () => {
  it('saves, lists newest first, imports, deletes, and reports unreadable records', async () => {
    const store = memoryModelStore();
    const registry = new ModelRegistry(store);
    const older = card(0.8);
    const newer = buildModelCard({ result: fakeResult(0.9), columns, table, target: 'churn', excluded: [], now: new Date('2025-04-01T00:00:00Z') });
    await registry.save(older);
    await registry.importText(serializeModelCard(newer));
    store.data.set('junk', '{"format": "crm-lens-model-card", "version": 1}');
    store.data.set('blob', 42);
    const listed = await registry.list();
    expect(listed.cards.map((c) => c.id)).toEqual([newer.id, older.id]);
    expect(listed.cards[1]).toEqual(older);
    expect(listed.unreadable.map((u) => u.id).sort()).toEqual(['blob', 'junk']);
    expect(listed.unreadable.find((u) => u.id === 'blob')!.reason).toBe('not stored as text');
    await registry.remove(older.id);
    await registry.remove('junk');
    await registry.remove('blob');
    expect((await registry.list()).cards.map((c) => c.id)).toEqual([newer.id]);
    await expect(registry.importText('not json')).rejects.toThrow('This file is not JSON');
  });
});
