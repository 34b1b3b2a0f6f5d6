import { describe, expect, it } from 'vitest';
import {
  attainment, clearPeriod, copyTargets, dropUnknownLevels, elapsedShare, emptyTargets, getTarget, latestCompletePeriod, parseNumberInput,
  parseTargets, periodEndDay, periodLabel, periodsBetween, periodStart, serializeTargets, setTarget, shiftStart, targetFromInput, type TargetKey,
} from '../../src/report/targets-model.ts';

const key = (o: Partial<TargetKey> = {}): TargetKey => ({ kpi: 'revenue', grain: 'month', period: '2025-11-01', dim: null, level: null, ...o });

describe('attainment', () => {
  it('gap, share of target and status for a finished period', () => {
    expect(attainment('revenue', 1200, 1000)).toEqual({ gap: 200, share: 1.2, pace: 1.2, status: 'met' });
    expect(attainment('revenue', 1000, 1000).status).toBe('met');
    expect(attainment('revenue', 950, 1000)).toEqual({ gap: -50, share: 0.95, pace: 0.95, status: 'near' });
    expect(attainment('revenue', 899, 1000).status).toBe('behind');
    expect(attainment('retention', 0.3, 0.4)).toMatchObject({ status: 'behind', share: 0.3 / 0.4 });
    expect(attainment('revenue', -50, 1000)).toMatchObject({ gap: -1050, status: 'behind' });
  });

  it('judges counts in a running period on pace, rates as they stand', () => {
    // Half the month gone, 600 of 1000: ahead of the pro-rata 500.
    expect(attainment('revenue', 600, 1000, 0.5)).toEqual({ gap: -400, share: 0.6, pace: 1.2, status: 'on_track' });
    expect(attainment('orders', 46, 100, 0.5).status).toBe('near');
    expect(attainment('orders', 40, 100, 0.5).status).toBe('behind');
    expect(attainment('satisfaction', 4.1, 4.5, 0.5)).toMatchObject({ pace: 4.1 / 4.5, status: 'near' });
  });

  it('says when there is no target or no actual', () => {
    expect(attainment('revenue', 10, undefined).status).toBe('no_target');
    expect(attainment('satisfaction', null, 4).status).toBe('no_data');
  });
});

describe('targets document', () => {
  it('sets, replaces, removes and clears targets', () => {
    let d = setTarget(emptyTargets(), key(), 1000);
    d = setTarget(d, key(), 1100);
    d = setTarget(d, key({ dim: 'segment', level: '企业' }), 400);
    d = setTarget(d, key({ dim: 'segment', level: null }), 50);
    expect(d.entries).toHaveLength(3);
    expect(getTarget(d, key())).toBe(1100);
    expect(getTarget(d, key({ dim: 'segment', level: null }))).toBe(50);
    expect(getTarget(setTarget(d, key(), null), key())).toBeUndefined();
    expect(clearPeriod(d, 'month', '2025-11-01', 'segment').entries).toHaveLength(1);
    expect(clearPeriod(d, 'month', '2025-11-01').entries).toHaveLength(0);
    expect(clearPeriod(d, 'quarter', '2025-10-01').entries).toHaveLength(3);
  });

  it('round-trips through JSON and skips entries that do not check out', () => {
    const d = setTarget(setTarget(emptyTargets(), key(), 1000), key({ kpi: 'retention', dim: 'region', level: '华东' }), 0.4);
    const back = parseTargets(serializeTargets(d));
    expect(back).toEqual({ ok: true, doc: d, skipped: 0 });
    const bad = JSON.stringify({ version: 1, entries: [...d.entries, { ...key(), kpi: 'profit', value: 1 }, { ...key(), value: -1 }, { ...key(), level: 'x', value: 1 }, null] });
    expect(parseTargets(bad)).toMatchObject({ ok: true, skipped: 4 });
    expect(parseTargets('{"version":2,"entries":[]}')).toMatchObject({ ok: false });
    expect(parseTargets('nope')).toMatchObject({ ok: false });
  });

  it('copies last period +x %, from targets or from actuals, rates capped at 100 %', () => {
    let d = setTarget(emptyTargets(), key({ period: '2025-10-01' }), 1000);
    d = setTarget(d, key({ period: '2025-10-01', kpi: 'conversion' }), 0.95);
    d = setTarget(d, key({ period: '2025-11-01', kpi: 'orders' }), 7);
    const up = copyTargets(d, 'month', '2025-10-01', '2025-11-01', 10, { base: 'targets' });
    expect(up.copied).toBe(2);
    expect(getTarget(up.doc, key())).toBe(1100);
    expect(getTarget(up.doc, key({ kpi: 'conversion' }))).toBe(1);
    expect(getTarget(up.doc, key({ kpi: 'orders' }))).toBe(7);
    const fromActuals = copyTargets(emptyTargets(), 'month', '2025-10-01', '2025-11-01', -5, {
      base: 'actuals',
      actuals: [{ kpi: 'orders', dim: 'segment', level: '个人', value: 101 }, { kpi: 'revenue', dim: 'region', level: '华东', value: 1234.56 }, { kpi: 'satisfaction', dim: null, level: null, value: null }, { kpi: 'revenue', dim: null, level: null, value: 0 }],
    });
    expect(fromActuals.copied).toBe(2);
    expect(getTarget(fromActuals.doc, key({ dim: 'region', level: '华东' }))).toBe(1173);
    expect(getTarget(fromActuals.doc, key({ kpi: 'orders', dim: 'segment', level: '个人' }))).toBe(96);
    expect(() => copyTargets(d, 'month', '2025-10-01', '2025-11-01', -100, { base: 'targets' })).toThrow();
  });

  it('drops targets of levels the data no longer has', () => {
    let d = setTarget(emptyTargets(), key({ dim: 'segment', level: 'VIP' }), 10);
    d = setTarget(d, key({ dim: 'segment', level: '企业' }), 10);
    d = setTarget(d, key({ dim: 'segment', level: null }), 10);
    d = setTarget(d, key({ kpi: 'orders', dim: 'segment', level: 'VIP' }), 10);
    const r = dropUnknownLevels(d, 'revenue', 'segment', ['企业', null]);
    expect(r.dropped.map((e) => e.level)).toEqual(['VIP']);
    expect(r.doc.entries).toHaveLength(3);
    expect(dropUnknownLevels(d, 'revenue', 'segment', ['VIP', '企业', null]).doc).toBe(d);
  });
});

describe('periods', () => {
  it('starts, ends, steps and lists periods', () => {
    expect(periodStart('quarter', '2025-08-15')).toBe('2025-07-01');
    expect(periodEndDay('month', '2024-02-01')).toBe('2024-02-29');
    expect(periodEndDay('quarter', '2025-10-01')).toBe('2025-12-31');
    expect(shiftStart('month', '2025-01-01', -1)).toBe('2024-12-01');
    expect(shiftStart('quarter', '2025-01-01', -1)).toBe('2024-10-01');
    expect(periodsBetween('quarter', '2024-11-20', '2025-05-02')).toEqual(['2025-04-01', '2025-01-01', '2024-10-01']);
  });

  it('defaults to the latest complete period', () => {
    expect(latestCompletePeriod('month', '2023-01-01', '2025-12-31')).toBe('2025-12-01');
    expect(latestCompletePeriod('quarter', '2023-01-01', '2025-12-30')).toBe('2025-07-01');
    expect(latestCompletePeriod('year', '2025-02-01', '2025-06-30')).toBe('2025-01-01');
  });

  it('measures how much of a period has passed', () => {
    expect(elapsedShare('month', '2025-04-01', '2025-04-15')).toBe(0.5);
    expect(elapsedShare('month', '2025-04-01', '2025-05-02')).toBe(1);
    expect(elapsedShare('month', '2025-04-01', '2025-03-31')).toBe(0);
  });

  it('labels periods in both languages', () => {
    expect([periodLabel('en', 'month', '2025-03-01'), periodLabel('en', 'quarter', '2025-10-01'), periodLabel('en', 'year', '2025-01-01')]).toEqual(['2025-03', '2025 Q4', '2025']);
    expect([periodLabel('zh-CN', 'month', '2025-03-01'), periodLabel('zh-CN', 'quarter', '2025-10-01')]).toEqual(['2025年3月', '2025年第4季度']);
  });
});

describe('typed targets', () => {
  it('reads numbers with grouping, full-width digits and scales', () => {
    expect(parseNumberInput('en', '1,234.5')).toBe(1234.5);
    expect(parseNumberInput('en', ' 250000 ')).toBe(250000);
    expect(parseNumberInput('en', '1.5m')).toBe(1_500_000);
    expect(parseNumberInput('zh-CN', '１２０万')).toBe(1_200_000);
    expect(parseNumberInput('zh-CN', '3.5亿')).toBe(350_000_000);
    expect(parseNumberInput('en', '.5')).toBe(0.5);
    for (const bad of ['', 'abc', '1,23', '1.2.3', '-5', '12,34.5', '1e5', '--']) expect(parseNumberInput('en', bad)).toBeNull();
  });

  it('checks the range and unit per KPI', () => {
    expect(targetFromInput('retention', 'en', '35%')).toEqual({ ok: true, value: 0.35 });
    expect(targetFromInput('conversion', 'en', '120')).toEqual({ ok: false, error: 'range' });
    expect(targetFromInput('orders', 'en', '10.5')).toEqual({ ok: false, error: 'whole' });
    expect(targetFromInput('revenue', 'en', '0')).toEqual({ ok: false, error: 'range' });
    expect(targetFromInput('revenue', 'en', '12,000.456')).toEqual({ ok: true, value: 12000.46 });
    expect(targetFromInput('satisfaction', 'zh-CN', '４.２')).toEqual({ ok: true, value: 4.2 });
    expect(targetFromInput('revenue', 'en', 'lots')).toEqual({ ok: false, error: 'number' });
  });
});
