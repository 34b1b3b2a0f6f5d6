/**
 * The command-line runner end to end on generated exports: argument errors say
 * what is wrong; `report` writes a self-contained HTML report and a report file
 * the app's own reader accepts, with the KPI figures DuckDB-WASM gives on the
 * same files.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import { demoWorkspace } from '../../src/demo/generate.ts';
import { loadFile } from '../../src/ingest/index.ts';
import { loadOverview } from '../../src/report/overview.ts';
import { parseReport } from '../../src/report/doc/model.ts';
import { main, parseArgs, runReport } from '../../src/cli/main.ts';

let dir: string;
const files: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cli-runner-'));
  // Chinese headers, as a Chinese CRM exports them.
  const csv = demoWorkspace('zh');
  for (const name of ['customers', 'orders', 'tickets', 'leads'] as const) {
    const f = path.join(dir, `${name}.csv`);
    writeFileSync(f, csv[name]);
    files.push(f);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crm-lens arguments', () => {
  it('says what is missing or wrong, with the usage', () => {
    expect(parseArgs([]).command).toBe('help');
    expect(() => parseArgs(['report', '--out', 'r.html'])).toThrow(/--data FILE/);
    expect(() => parseArgs(['report', '--data', 'a.csv'])).toThrow(/--out REPORT.html/);
    expect(() => parseArgs(['report', '--data'])).toThrow(/--data needs a value/);
    expect(() => parseArgs(['report', '--data', 'a.csv', '--out', 'r.html', '--lang', 'fr'])).toThrow(/en or zh-CN/);
    expect(() => parseArgs(['report', '--data', 'a.csv', '--out', 'r.html', '--threads', '0'])).toThrow(/at least 1/);
    expect(() => parseArgs(['report', '--data', 'a.csv', '--out', 'r.html', '--memory-limit', 'lots'])).toThrow(/size like 8GB/);
    expect(parseArgs(['report', '--data', 'a.csv', '--out', 'r.html', '--memory-limit', '8 gb']).memoryLimit).toBe('8GB');
    expect(() => parseArgs(['export'])).toThrow(/Unknown command "export"/);
    expect(parseArgs(['report', '--data', 'a.csv', '--data', 'b.parquet', '--out', 'r.html', '--lang', 'zh-CN'])).toMatchObject({ command: 'report', data: ['a.csv', 'b.parquet'], locale: 'zh-CN' });
  });

  it('a missing file exits 1 with its name', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      expect(await main(['report', '--data', path.join(dir, 'nope.csv'), '--out', path.join(dir, 'x.html')])).toBe(1);
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toMatch(/nope\.csv: no such file/);
  });
});

describe('crm-lens report', () => {
  it('writes the HTML report and a report file with the figures DuckDB-WASM gives', async () => {
    const out = path.join(dir, 'report.html');
    const json = path.join(dir, 'report.json');
    const summary = await runReport(parseArgs(['report', ...files.flatMap((f) => ['--data', f]), '--out', out, '--json', json, '--lang', 'zh-CN', '--title', '季度客户报告 <b>', '--threads', '2']));
    expect(summary.tables.map((t) => t.kind)).toEqual(expect.arrayContaining(['customers', 'orders', 'tickets', 'leads']));
    expect(summary.items).toBeGreaterThanOrEqual(8);

    const read = parseReport(readFileSync(json, 'utf8'));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const doc = read.doc;
    expect(doc.meta).toMatchObject({ locale: 'zh-CN', title: '季度客户报告 <b>' });
    expect(doc.sources.map((s) => s.file)).toEqual(['customers.csv', 'orders.csv', 'tickets.csv', 'leads.csv']);
    expect(doc.items.filter((i) => i.body.kind === 'chart').length).toBeGreaterThanOrEqual(2);
    expect(doc.items.some((i) => i.body.kind === 'table' && i.body.role === 'rfmTiers')).toBe(true);

    // The same files in DuckDB-WASM, through the app's loader: the same KPI figures.
    const wasm = await openNodeDb();
    try {
      const tables = [];
      for (const f of files) tables.push((await loadFile(wasm, { fileName: path.basename(f), bytes: new Uint8Array(readFileSync(f)) })).table);
      const kpis = (await loadOverview(wasm, tables)).kpis.filter((k) => k.value !== null);
      const cards = doc.items.filter((i) => i.body.kind === 'kpi');
      expect(cards).toHaveLength(kpis.length);
      cards.forEach((c, i) => {
        if (c.body.kind !== 'kpi') throw new Error('not a KPI');
        expect(c.body.number?.n).toBeCloseTo(kpis[i]!.value!, 6);
      });
    } finally {
      await wasm.close();
    }

    const html = readFileSync(out, 'utf8');
    expect(html).toContain('季度客户报告 &lt;b&gt;');
    expect(html).not.toContain('季度客户报告 <b>');
    // Self-contained: no script or stylesheet from anywhere, the font inlined.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=["']?https?:/i);
    expect(html).toMatch(/@font-face[^}]*url\(data:font\/woff2;base64,/);
    expect(html).toContain('echarts');
  }, 180_000);
});
