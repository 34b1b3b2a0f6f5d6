import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.ts';
import { zhCN } from '../../src/i18n/zh-CN.ts';
import { formatDateInput, formatNumber, formatPercent, parseDateInput, preferredLocale, translate } from '../../src/i18n/index.ts';

describe('i18n', () => {
  it('has the same keys and placeholders in both catalogues', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zhCN[k]), k).toEqual(placeholders(en[k]));
    }
  });

  it('fills placeholders', () => {
    expect(translate('en', 'load.done', { file: 'a.csv', rows: '7,043', cols: 21 })).toBe('Loaded a.csv: 7,043 rows, 21 columns.');
    expect(translate('zh-CN', 'load.done', { file: 'a.csv', rows: '7,043', cols: 21 })).toBe('已加载 a.csv：7,043 行，21 列。');
  });

  it('formats percentages per locale', () => {
    expect(formatPercent('en', 0.26537)).toBe('26.5%');
    expect(formatPercent('zh-CN', 0.26537)).toBe('26.5%');
  });

  it('formats numbers with at most, and when asked at least, the given decimals', () => {
    expect(formatNumber('en', 109.02, 1)).toBe('109');
    expect(formatNumber('en', 109.02, 1, 1)).toBe('109.0');
    expect(formatNumber('zh-CN', 1234.56, 1, 1)).toBe('1,234.6');
    expect(formatNumber('en', 2.5, 1, 3)).toBe('2.5');
  });

  it('picks a preferred locale', () => {
    expect(preferredLocale(['zh-TW', 'en'])).toBe('zh-CN');
    expect(preferredLocale(['fr', 'en-GB'])).toBe('en');
    expect(preferredLocale([])).toBe('en');
  });
});

describe('date fields in the UI language', () => {
  it('write a date in the language\'s order', () => {
    expect(formatDateInput('en', '2025-06-30')).toBe('06/30/2025');
    expect(formatDateInput('zh-CN', '2025-06-30')).toBe('2025/06/30');
    expect(formatDateInput('zh-CN', '')).toBe('');
  });

  it('read what a user types, in that order or ISO, and refuse dates that do not exist', () => {
    expect(parseDateInput('en', '6/30/2025')).toBe('2025-06-30');
    expect(parseDateInput('en', '2025-06-30')).toBe('2025-06-30');
    expect(parseDateInput('zh-CN', '2025/6/30')).toBe('2025-06-30');
    expect(parseDateInput('zh-CN', '2025年6月30日')).toBe('2025-06-30');
    expect(parseDateInput('zh-CN', '06/30/2025')).toBeNull();
    expect(parseDateInput('en', '02/30/2025')).toBeNull();
    expect(parseDateInput('en', '2025-06')).toBeNull();
    expect(parseDateInput('en', '')).toBeNull();
  });
});
