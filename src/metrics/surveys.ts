/**
 * Survey measures from a surveys table (one row per response): which columns
 * are rating scales, CSAT, NPS, customer effort, loyalty intent, their
 * distributions, trend and split by segment, and driver analysis (how each
 * item moves with the overall one). Behaviour links (churn and spend by
 * satisfaction band, response bias) are in survey-links.ts.
 *
 * Answers are read as numbers with `TRY_CAST`, so "N/A", "不适用", blanks and
 * anything off the item's scale are missing, never zero.
 */
import type { Row } from '../db/types.ts';
import type { TableInfo } from '../ingest/model.ts';
import { MISSING_MARKERS } from '../ingest/markers.ts';
import { isIdHeader } from '../ingest/roles.ts';
import { ident, lit, litList } from '../lib/sql.ts';
import { built, missing, unavailable, type MetricQuery } from './common.ts';
import { asText, dateExpr, roleColumn } from './expr.ts';

export type ScaleKind = '1-5' | '1-7' | '0-10';
export const SCALE_KINDS: readonly ScaleKind[] = ['1-5', '1-7', '0-10'];
export const SCALE_RANGE: Record<ScaleKind, readonly [number, number]> = { '1-5': [1, 5], '1-7': [1, 7], '0-10': [0, 10] };

/** A question column read as a rating on a scale. */
export interface ScaleItem {
  column: string;
  scale: ScaleKind;
}

/** Answers that mean "no answer" (besides blanks), compared trimmed and lower-cased. */
export const NO_ANSWER: readonly string[] = [
  ...MISSING_MARKERS, 'not applicable', "don't know", 'dont know', 'dk', 'prefer not to say', '不适用', '不清楚', '不知道', '无法回答', '拒答', '不好说',
];

/** Columns that are never questions: the response's customer, date and segment. */
function nonQuestionColumns(surveys: TableInfo): Set<string> {
  const r = surveys.roles;
  return new Set([r.customer_id, r.responded_at, r.segment].filter((c): c is string => c !== undefined));
}

function valueExpr(column: string): string {
  return `TRY_CAST(trim(CAST(${ident(column)} AS VARCHAR)) AS DOUBLE)`;
}

/**
 * One row per candidate question column: `item`, `non_blank`, `no_answer`
 * (a marker such as N/A), `numeric`, `whole` (whole numbers), `lo`, `hi`,
 * `distinct_values`. `detectScales` reads these.
 */
export function scaleProfileSql(surveys: TableInfo): MetricQuery {
  const skip = nonQuestionColumns(surveys);
  const cols = surveys.columns.filter((c) => !skip.has(c.name) && !isIdHeader(c.name) && !/^(DATE|TIMESTAMP.*|BOOLEAN)$/i.test(c.type));
  if (cols.length === 0) return unavailable({ reason: 'missing_column', kind: 'surveys', table: surveys.name, columns: [] });
  const t = ident(surveys.name);
  const parts = cols.map((c, i) => {
    const text = `lower(trim(CAST(${ident(c.name)} AS VARCHAR)))`;
    const v = valueExpr(c.name);
    return (
      `SELECT ${i} AS ord, ${lit(c.name)} AS item, count(*) FILTER (WHERE coalesce(${text}, '') <> '') AS non_blank,` +
      ` count(*) FILTER (WHERE ${text} IN (${litList(NO_ANSWER.filter((m) => m !== ''))})) AS no_answer,` +
      ` count(${v}) AS numeric, count(*) FILTER (WHERE ${v} = round(${v})) AS whole, min(${v}) AS lo, max(${v}) AS hi,` +
      ` count(DISTINCT ${v}) AS distinct_values FROM ${t}`
    );
  });
  return built(`SELECT item, non_blank, no_answer, numeric, whole, lo, hi, distinct_values FROM (\n${parts.join('\nUNION ALL\n')}\n) ORDER BY ord`);
}

/** A scale named in the header ("(0-10)", "1–7分", "0到10"), if any. */
export function scaleInHeader(header: string): ScaleKind | undefined {
  const h = header.normalize('NFKC');
  if (/(^|\D)0\s*[-–—~〜到至]\s*10(\D|$)/.test(h)) return '0-10';
  if (/(^|\D)1\s*[-–—~〜到至]\s*7(\D|$)/.test(h)) return '1-7';
  if (/(^|\D)1\s*[-–—~〜到至]\s*5(\D|$)/.test(h)) return '1-5';
  return undefined;
}

/**
 * Rating columns from the profile: at least 3 answers, every answer that is
 * not a "no answer" marker a whole number, all within 0–10. The scale is the
 * one the header names, else the smallest that holds the values (1–5, 1–7,
 * 0–10; a 0 or anything above 7 makes it 0–10).
 */
export function detectScales(profile: readonly Row[]): ScaleItem[] {
  const out: ScaleItem[] = [];
  for (const r of profile) {
    const item = String(r.item);
    const [nonBlank, none, numeric, whole, lo, hi] = ['non_blank', 'no_answer', 'numeric', 'whole', 'lo', 'hi'].map((k) => Number(r[k] ?? NaN)) as [number, number, number, number, number, number];
    if (!(numeric >= 3) || whole !== numeric || numeric !== nonBlank - none || lo < 0 || hi > 10) continue;
    const named = scaleInHeader(item);
    const [a, b] = named ? SCALE_RANGE[named] : [0, 10];
    if (named && (lo < a || hi > b)) continue;
    const scale: ScaleKind = named ?? (lo >= 1 && hi <= 5 ? '1-5' : lo >= 1 && hi <= 7 ? '1-7' : '0-10');
    out.push({ column: item, scale });
  }
  return out;
}

export interface SurveyOptions {
  surveys: TableInfo;
  /** The confirmed rating items (from `detectScales`, as the user left them). */
  items: readonly ScaleItem[];
}

/** An item's answer as a DOUBLE on its scale; off-scale or non-whole answers are NULL. */
export function itemScoreExpr(item: ScaleItem): string {
  const [lo, hi] = SCALE_RANGE[item.scale];
  const v = valueExpr(item.column);
  return `CASE WHEN ${v} BETWEEN ${lo} AND ${hi} AND ${v} = round(${v}) THEN ${v} END`;
}

/** The answer as 0–100 % of its scale. */
function pctExpr(item: ScaleItem, col: string): string {
  const [lo, hi] = SCALE_RANGE[item.scale];
  return `((${col} - ${lo}) * 100.0 / ${hi - lo})`;
}

/** Top-two-box: the two best points of the scale (4–5 of 1–5, 6–7 of 1–7, 9–10 of 0–10). */
function topTwo(item: ScaleItem, col: string): string {
  return `${col} >= ${SCALE_RANGE[item.scale][1] - 1}`;
}

function itemOf(o: SurveyOptions, role: 'overall' | 'recommend' | 'effort' | 'repurchase'): ScaleItem | undefined {
  const c = o.surveys.roles[role];
  return c === undefined ? undefined : o.items.find((i) => i.column === c);
}

/**
 * Responses as facts: `customer_id`, `day`, `segment` (text), `i0`, `i1`, …
 * (each item's score), and `overall`, `recommend`, `effort`, `repurchase` when
 * the role's column is a confirmed item.
 */
export function responseFacts(o: SurveyOptions): string {
  const s = o.surveys;
  const cid = roleColumn(s, 'customer_id');
  const day = roleColumn(s, 'responded_at');
  const seg = roleColumn(s, 'segment');
  const cols = [
    `${cid ? `nullif(trim(${asText(cid)}), '')` : 'CAST(NULL AS VARCHAR)'} AS customer_id`,
    `${day ? dateExpr(day) : 'CAST(NULL AS DATE)'} AS day`,
    `${seg ? asText(seg) : 'CAST(NULL AS VARCHAR)'} AS segment`,
    ...o.items.map((it, i) => `${itemScoreExpr(it)} AS i${i}`),
  ];
  for (const role of ['overall', 'recommend', 'effort', 'repurchase'] as const) {
    const it = itemOf(o, role);
    cols.push(`${it ? itemScoreExpr(it) : 'CAST(NULL AS DOUBLE)'} AS ${role}`);
  }
  return `SELECT ${cols.join(', ')} FROM ${ident(s.name)}`;
}

/** CSAT, NPS, CES and loyalty over the rows of CTE `r`; shared by the KPI, trend and segment builders. */
function scoreColumns(o: SurveyOptions): string[] {
  const overall = itemOf(o, 'overall');
  const recommend = itemOf(o, 'recommend');
  const effort = itemOf(o, 'effort');
  const repurchase = itemOf(o, 'repurchase');
  const nps = recommend?.scale === '0-10';
  const loyaltyParts = [repurchase && pctExpr(repurchase, 'repurchase'), recommend && pctExpr(recommend, 'recommend')].filter((x): x is string => !!x);
  return [
    'count(*) AS responses',
    overall ? `count(overall) AS csat_n, avg(CASE WHEN ${topTwo(overall, 'overall')} THEN 1.0 WHEN overall IS NOT NULL THEN 0.0 END) AS csat` : 'CAST(0 AS BIGINT) AS csat_n, CAST(NULL AS DOUBLE) AS csat',
    nps
      ? 'count(recommend) AS nps_n, 100.0 * (avg(CASE WHEN recommend >= 9 THEN 1.0 WHEN recommend IS NOT NULL THEN 0.0 END) - avg(CASE WHEN recommend <= 6 THEN 1.0 WHEN recommend IS NOT NULL THEN 0.0 END)) AS nps'
      : 'CAST(0 AS BIGINT) AS nps_n, CAST(NULL AS DOUBLE) AS nps',
    effort ? 'avg(effort) AS ces' : 'CAST(NULL AS DOUBLE) AS ces',
    // Loyalty index: mean intent to repurchase and to recommend, each as % of its scale, per response then averaged.
    loyaltyParts.length
      ? `avg((${loyaltyParts.map((p) => `coalesce(${p}, 0)`).join(' + ')}) / nullif(${loyaltyParts.map((p) => `(CASE WHEN ${p} IS NULL THEN 0 ELSE 1 END)`).join(' + ')}, 0)) AS loyalty`
      : 'CAST(NULL AS DOUBLE) AS loyalty',
  ];
}

function needsItems(o: SurveyOptions): MetricQuery | undefined {
  if (o.items.length === 0) return unavailable({ reason: 'missing_column', kind: 'surveys', table: o.surveys.name, columns: [] });
  return undefined;
}

/**
 * One row: `responses`, `csat` (share of top-two-box answers to the overall
 * item, 0–1) over `csat_n` answers, `nps` (−100…100: % 9–10 minus % 0–6 on a
 * 0–10 recommend item) over `nps_n`, `ces` (mean of the effort item on its
 * scale; the scale is the item's), `loyalty` (0–100: mean of repurchase and
 * recommend intent as % of their scales). A measure whose item is not a
 * confirmed scale is NULL.
 */
export function surveyKpisSql(o: SurveyOptions): MetricQuery {
  const n = needsItems(o);
  if (n) return n;
  return built(`WITH r AS (${responseFacts(o)})\nSELECT ${scoreColumns(o).join(', ')} FROM r`);
}

/** Per month (`period`, first day): responses, csat, nps, ces, loyalty. Needs `responded_at`. */
export function surveyTrendSql(o: SurveyOptions): MetricQuery {
  const n = needsItems(o);
  if (n) return n;
  const m = missing(o.surveys, 'surveys', ['responded_at']);
  if (m) return unavailable(m);
  return built(
    `WITH r AS (${responseFacts(o)})\nSELECT CAST(date_trunc('month', day) AS DATE) AS period, ${scoreColumns(o).join(', ')} FROM r WHERE day IS NOT NULL GROUP BY 1 ORDER BY 1`,
  );
}

/**
 * Per segment (`group_value`): the survey's own `segment` column, else the
 * customer's segment in `customers` through `customer_id`; largest first.
 */
export function surveyBySegmentSql(o: SurveyOptions & { customers?: TableInfo }): MetricQuery {
  const n = needsItems(o);
  if (n) return n;
  const own = roleColumn(o.surveys, 'segment');
  const c = o.customers;
  const cid = c && roleColumn(c, 'customer_id');
  const cseg = c && roleColumn(c, 'segment');
  if (!own && !(cid && cseg && o.surveys.roles.customer_id)) return unavailable({ reason: 'missing_role', kind: 'surveys', table: o.surveys.name, roles: ['segment'] });
  const dims = own
    ? ''
    : ` LEFT JOIN (SELECT nullif(trim(${asText(cid!)}), '') AS cid, any_value(${asText(cseg!)}) AS cseg FROM ${ident(c!.name)} GROUP BY 1) AS d ON d.cid = r0.customer_id`;
  return built(
    `WITH r0 AS (${responseFacts(o)}),\nr AS (SELECT r0.*, ${own ? 'r0.segment' : 'd.cseg'} AS grp FROM r0${dims})\n` +
      `SELECT grp AS group_value, ${scoreColumns(o).join(', ')} FROM r WHERE grp IS NOT NULL GROUP BY grp ORDER BY responses DESC, group_value`,
  );
}

/** Per item: `item`, `scale`, `answered`, `no_answer` (share of responses without a valid score), `mean`, `mean_pct` (0–100), `top2` (share). Items in the given order. */
export function itemStatsSql(o: SurveyOptions): MetricQuery {
  const n = needsItems(o);
  if (n) return n;
  const parts = o.items.map(
    (it, i) =>
      `SELECT ${i} AS ord, ${lit(it.column)} AS item, ${lit(it.scale)} AS scale, count(i${i}) AS answered, 1 - count(i${i}) / count(*) AS no_answer,` +
      ` avg(i${i}) AS mean, avg(${pctExpr(it, `i${i}`)}) AS mean_pct, avg(CASE WHEN ${topTwo(it, `i${i}`)} THEN 1.0 WHEN i${i} IS NOT NULL THEN 0.0 END) AS top2 FROM r`,
  );
  return built(`WITH r AS (${responseFacts(o)})\nSELECT * EXCLUDE (ord) FROM (\n${parts.join('\nUNION ALL\n')}\n) ORDER BY ord`);
}

/** Answers per scale point of each item: `item`, `value`, `responses`; every point of the scale, 0 when none. */
export function itemDistributionSql(o: SurveyOptions): MetricQuery {
  const n = needsItems(o);
  if (n) return n;
  const parts = o.items.map((it, i) => {
    const [lo, hi] = SCALE_RANGE[it.scale];
    return (
      `SELECT ${i} AS ord, ${lit(it.column)} AS item, CAST(p.range AS INTEGER) AS value, count(r.i${i}) AS responses` +
      ` FROM range(${lo}, ${hi + 1}) AS p LEFT JOIN r ON r.i${i} = p.range GROUP BY p.range`
    );
  });
  return built(`WITH r AS (${responseFacts(o)})\nSELECT item, value, responses FROM (\n${parts.join('\nUNION ALL\n')}\n) ORDER BY ord, value`);
}

export interface DriverOptions extends SurveyOptions {
  /** The outcome item: `overall` (default) or `recommend`. */
  target?: 'overall' | 'recommend';
}

/**
 * Driver analysis: for each item other than the outcomes (the overall,
 * recommend and repurchase items), Pearson's r with the
 * outcome over responses that answered both (`n`), its 95 % confidence
 * interval by Fisher's z (`r_lo`, `r_hi`; NULL below 4 pairs), and the item's
 * mean as % of its scale (`mean_pct`, the "performance" of an
 * importance-performance matrix). Strongest first.
 */
export function driversSql(o: DriverOptions): MetricQuery {
  const n = needsItems(o);
  if (n) return n;
  const target = o.target ?? 'overall';
  const outcome = itemOf(o, target);
  if (!outcome) {
    const c = o.surveys.roles[target];
    return c === undefined
      ? unavailable({ reason: 'missing_role', kind: 'surveys', table: o.surveys.name, roles: [target] })
      : unavailable({ reason: 'missing_column', kind: 'surveys', table: o.surveys.name, columns: [c] });
  }
  // Outcomes (overall, recommend, repurchase intent) move together; the drivers are the other items.
  const outcomes = new Set([o.surveys.roles.overall, o.surveys.roles.recommend, o.surveys.roles.repurchase, outcome.column]);
  const others = o.items.map((it, i) => ({ it, i })).filter(({ it }) => !outcomes.has(it.column));
  if (others.length === 0) return unavailable({ reason: 'missing_column', kind: 'surveys', table: o.surveys.name, columns: [] });
  const parts = others.map(
    ({ it, i }) =>
      `SELECT ${lit(it.column)} AS item, count(*) FILTER (WHERE i${i} IS NOT NULL AND ${target} IS NOT NULL) AS n, corr(i${i}, ${target}) AS r, avg(${pctExpr(it, `i${i}`)}) AS mean_pct FROM r`,
  );
  const z = 'atanh(least(greatest(r, -0.999999), 0.999999))';
  return built(
    `WITH r AS (${responseFacts(o)}),\nc AS (\n${parts.join('\nUNION ALL\n')}\n)\n` +
      `SELECT item, n, r, CASE WHEN n > 3 AND r IS NOT NULL THEN tanh(${z} - 1.959964 / sqrt(n - 3)) END AS r_lo,` +
      ` CASE WHEN n > 3 AND r IS NOT NULL THEN tanh(${z} + 1.959964 / sqrt(n - 3)) END AS r_hi, mean_pct FROM c ORDER BY r DESC NULLS LAST, item`,
  );
}
