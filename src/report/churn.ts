import type { Db } from '../db/types.ts';
import { allRowsSql } from '../metrics/profile.ts';
import { createChurnTrainer, createSearchPool, type ChurnTrainer, type SearchPool } from '../ml/client.ts';
import type { ChurnResult, LeaderboardRow, ScoredRow } from '../ml/protocol.ts';
import { cellAt, parseBinaryTarget, type Cell, type ColumnData } from '../ml/features.ts';
import type { TableInfo } from '../ingest/model.ts';
import { csvText, type CsvOptions, type CsvValue } from '../lib/csv.ts';

export type TrainResult = ChurnResult;

/**
 * A table as columns, the shape the trainer takes, straight from DuckDB:
 * numeric columns as Float64Array (NULL as NaN), booleans as 1/0 numbers the
 * same way, other columns as cells. No row objects on the way.
 */
export async function fetchColumns(db: Db, table: string): Promise<ColumnData[]> {
  const r = await db.queryColumns(allRowsSql(table));
  return r.columns.map(({ name, type }): ColumnData => {
    const v = r.values[name]!;
    if (v instanceof Float64Array) return { name, values: v };
    if (/^Bool/i.test(type)) return { name, values: Float64Array.from(v, (x) => (x === null ? NaN : Number(x))) };
    // Only BOOLEAN columns hold true/false cells.
    return { name, values: v as Cell[] };
  });
}

// ── feature selection (shared by the quick model and the model lab) ─────────

/** Why a column starts out unticked. */
export type ExclusionReason = 'id' | 'date' | 'unique' | 'constant';

/** One column of the chosen table, as the feature picker lists it. */
export interface ColumnChoice {
  name: string;
  type: string;
  /** Distinct non-null values; null until counted. */
  distinct: number | null;
  /** Set when the column is left out by default. */
  defaultOut: ExclusionReason | null;
}

/**
 * Ids, names and raw dates say nothing general about churn; text that is
 * unique per row and constant columns carry no signal either (the trainer
 * drops them anyway, so the list shows them unticked instead of pretending).
 */
export function columnChoices(t: TableInfo, distinct: ReadonlyMap<string, number>): ColumnChoice[] {
  const idLike = new Set([t.roles.customer_id, t.roles.name].filter((c): c is string => c !== undefined));
  return t.columns.map((c) => {
    const n = distinct.get(c.name) ?? null;
    const defaultOut: ExclusionReason | null = idLike.has(c.name)
      ? 'id'
      : /DATE|TIME/i.test(c.type)
        ? 'date'
        : n !== null && n <= 1
          ? 'constant'
          : n !== null && t.rowCount > 1 && n === t.rowCount && /CHAR|TEXT|STRING/i.test(c.type)
            ? 'unique'
            : null;
    return { name: c.name, type: c.type, distinct: n, defaultOut };
  });
}

export function defaultExclusions(choices: readonly ColumnChoice[]): string[] {
  return choices.filter((c) => c.defaultOut !== null).map((c) => c.name);
}

/**
 * Leaderboard labels that fit a table cell: the model kind and only the
 * parameters that differ between the rows of that kind (the full label
 * lists every parameter, e.g. eight for an MLP).
 */
export function shortLabels(rows: readonly Pick<LeaderboardRow, 'configId' | 'spec'>[]): Map<number, string> {
  const byKind = new Map<string, Pick<LeaderboardRow, 'configId' | 'spec'>[]>();
  for (const r of rows) byKind.set(r.spec.kind, [...(byKind.get(r.spec.kind) ?? []), r]);
  const out = new Map<number, string>();
  const show = (v: unknown): string => (Array.isArray(v) ? v.join('-') : String(v));
  for (const [kind, group] of byKind) {
    const params = group.map((r): Record<string, unknown> => ({ ...r.spec.params, classWeight: r.spec.classWeight }));
    const keys = Object.keys(params[0] ?? {}).filter((k) => new Set(params.map((p) => show(p[k]))).size > 1);
    group.forEach((r, i) => {
      const parts = keys.map((k) => `${k}=${show(params[i]![k])}`);
      if (r.spec.classWeight !== 'none' && !keys.includes('classWeight')) parts.push(r.spec.classWeight);
      out.set(r.configId, [kind, ...parts].join(' '));
    });
  }
  return out;
}

let trainer: ChurnTrainer | null = null;

/** One trainer (one worker) for the page's lifetime, created on first use. */
export function getTrainer(): ChurnTrainer {
  trainer ??= createChurnTrainer();
  return trainer;
}

let pool: SearchPool | null = null;

/** Two search workers (this app targets 2-core laptops too), created on first use. */
export function getSearchPool(): SearchPool {
  pool ??= createSearchPool({ size: 2 });
  return pool;
}

/**
 * The scored list as CSV: the customer key (if any) and every score column.
 * `spreadsheet: false` for the copy the app loads back as a table (cells as they are).
 */
export function scoresCsv(idColumn: ColumnData | undefined, scored: readonly ScoredRow[], opts: CsvOptions = {}): string {
  const head = ['customer', 'probability', 'risk_tier', 'reason_1', 'reason_2', 'reason_3'];
  const rows = scored.map((s): CsvValue[] => {
    const id = idColumn ? cellAt(idColumn.values, s.row) : s.row + 1;
    const reasons = [0, 1, 2].map((k) => (s.reasons[k] ? `${s.reasons[k]!.column}=${reasonValue(s.reasons[k]!.value)}` : ''));
    return [idCell(id), s.probability.toFixed(6), s.tier, ...reasons];
  });
  return csvText(head, rows, opts);
}

/** A reason's value as text: numbers without binary float noise (41624.35999999999 → 41624.36). */
export function reasonValue(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(Number(v.toPrecision(12))) : String(v ?? '');
}

function idCell(v: unknown): CsvValue {
  return v === null || v === undefined || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? v : String(v);
}

/** The scored rows split for acting on them: who is still active, and who is already lost. */
export interface WarningList {
  /** Rows not (yet) lost: target negative or missing, highest churn probability first. */
  active: ScoredRow[];
  /** Rows whose target already says churned: their scores are history, for evaluation only. */
  lost: number;
}

/**
 * A warning list scores the customers one can still keep: the model trains on
 * every labelled row (history), but a customer whose target already says
 * churned is not at risk, it is gone. Rows with a missing target count as not lost.
 */
export function warningList(scored: readonly ScoredRow[], targetColumn: ColumnData): WarningList {
  const { labels } = parseBinaryTarget(targetColumn);
  const active = scored.filter((s) => labels[s.row] !== 1).sort((a, b) => b.probability - a.probability || a.row - b.row);
  return { active, lost: scored.length - active.length };
}
