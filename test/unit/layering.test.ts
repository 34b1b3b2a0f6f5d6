/**
 * The house layout, checked: pages present and never query, SQL is built only
 * below src/ui, and imports point one way (ui → report → charts/metrics/ml →
 * db/ingest → lib). A failure names the file and the line to move.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|svelte)$/.test(name) ? [p] : [];
  });
}
const rel = (p: string) => path.relative(SRC, p).replaceAll(path.sep, '/');
const ALL = files(SRC);

const SQL = /\b(SELECT|CREATE (OR REPLACE )?(TABLE|VIEW)|DROP TABLE|DESCRIBE|ALTER TABLE|INSERT INTO)\b/;

/** The body of each `$effect(() => { … })` in a source text, brace-matched. */
function effectBodies(text: string): { line: number; body: string }[] {
  const out: { line: number; body: string }[] = [];
  const re = /\$effect(\.pre)?\(\s*\(\)\s*=>\s*\{/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < text.length && depth > 0; i++) depth += text[i] === '{' ? 1 : text[i] === '}' ? -1 : 0;
    out.push({ line: text.slice(0, m.index).split('\n').length, body: text.slice(m.index + m[0].length, i - 1) });
  }
  return out;
}

/** Which layer a module under src/ belongs to, and which layers it may import. */
const LAYERS: Record<string, string[]> = {
  lib: ['lib'],
  i18n: ['i18n', 'lib'],
  db: ['db', 'lib'],
  ingest: ['ingest', 'db', 'lib', 'i18n'],
  demo: ['demo', 'lib'],
  metrics: ['metrics', 'db', 'ingest', 'lib', 'i18n'],
  ml: ['ml', 'metrics', 'db', 'ingest', 'lib', 'i18n'],
  charts: ['charts', 'metrics', 'db', 'lib', 'i18n'],
  report: ['report', 'charts', 'metrics', 'ml', 'db', 'ingest', 'demo', 'lib', 'i18n'],
  ui: ['ui', 'report', 'charts', 'metrics', 'ml', 'db', 'ingest', 'demo', 'lib', 'i18n'],
  /** The command-line runner: the report layer's code on native DuckDB, never the pages. */
  cli: ['cli', 'report', 'charts', 'metrics', 'ml', 'db', 'ingest', 'demo', 'lib', 'i18n'],
};

describe('layering', () => {
  it('no SQL text in src/ui: pages present, builders in src/metrics build', () => {
    const found = ALL.filter((f) => rel(f).startsWith('ui/')).flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => (SQL.test(line) ? [`${rel(f)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });

  it('no $effect in src/ui fetches: every query goes through the Query runner', () => {
    const found = ALL.filter((f) => rel(f).startsWith('ui/') && !rel(f).endsWith('query.svelte.ts')).flatMap((f) =>
      effectBodies(readFileSync(f, 'utf8'))
        .filter((e) => /\.db\(\)|\.query\(|\bfetch\(|\bload[A-Z]\w*\(/.test(e.body))
        .map((e) => `${rel(f)}:${e.line}`),
    );
    expect(found).toEqual([]);
  });

  it('imports point one way', () => {
    const wrong: string[] = [];
    for (const f of ALL) {
      const from = rel(f).split('/')[0]!;
      const allowed = LAYERS[from];
      if (!allowed) continue;
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/from\s+'(\.[^']+)'/g)) {
        const target = rel(path.resolve(path.dirname(f), m[1]!)).split('/')[0]!;
        if (!allowed.includes(target)) wrong.push(`${rel(f)} imports ${m[1]}`);
      }
      if (from !== 'ui' && /from\s+'svelte(\/[^']*)?'/.test(text)) wrong.push(`${rel(f)} imports svelte`);
    }
    expect(wrong).toEqual([]);
  });

  it('no import cycles between modules', () => {
    const graph = new Map<string, string[]>();
    for (const f of ALL) {
      const deps = [...readFileSync(f, 'utf8').matchAll(/from\s+'(\.[^']+)'/g)].map((m) => rel(path.resolve(path.dirname(f), m[1]!)));
      graph.set(rel(f), deps);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (node: string, trail: string[]): void => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(node)), node].join(' → '));
        return;
      }
      state.set(node, 'open');
      for (const d of graph.get(node) ?? []) visit(d, [...trail, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });

  it('no source file over 500 lines (message catalogues excepted): find the seam and split', () => {
    const long = ALL.filter((f) => !rel(f).startsWith('i18n/'))
      .map((f) => [rel(f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 500)
      .map(([f, n]) => `${f} (${n})`);
    expect(long).toEqual([]);
  });

  it('a sample effect body is found (the checks above can fail)', () => {
    expect(effectBodies('x;\n$effect(() => { if (a) { b(); } void app.db().then(f); }); y')).toEqual([{ line: 2, body: ' if (a) { b(); } void app.db().then(f); ' }]);
    expect(SQL.test('const q = `SELECT 1`')).toBe(true);
  });
});
