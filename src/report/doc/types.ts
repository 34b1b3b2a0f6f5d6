/**
 * The report document: what the user collected from the pages (charts, KPI
 * cards, tables), in their order, with the text they wrote. Plain JSON: it is
 * saved with the workspace, exported as a report file and re-opened from one,
 * so everything in it is data (chart options hold only the aggregated figures
 * they draw), never code.
 */

export const REPORT_VERSION = 1;
export const REPORT_FORMAT = 'crm-lens-report';

export type ReportLocale = 'en' | 'zh-CN';

export type Cell = string | number | null;

/** How a number is written (in the report's language, when shown or exported): see numbers.ts. */
export type NumberKind = 'int' | 'number1' | 'number2' | 'number3' | 'number4' | 'percent' | 'amount';

/**
 * What a table is, for the report's structure and findings: RFM or value tiers and
 * clusters go under customer segmentation; the churn model's cross-validated scores
 * beside its baselines, its drivers and its customers at risk by tier under churn
 * risk; cross-sell rules (by lift) stay in the analysis.
 */
export type TableRole = 'rfmTiers' | 'valueTiers' | 'clusters' | 'rules' | 'churnScores' | 'churnDrivers' | 'churnTiers';

export type ItemBody =
  /** An ECharts option as the page drew it, functions dropped; `description` is generated from its data. */
  | { kind: 'chart'; option: Record<string, unknown>; description: string }
  /** A KPI card: `value` as the page showed it; `number`, when known, is written out in the report's language instead. */
  | { kind: 'kpi'; value: string; number?: { n: number; format: NumberKind }; hint?: string }
  /**
   * `formats`: per column, how its number cells are written (null: text or plain);
   * `customerLevel`: one row per customer (left out of exports unless asked for); `idColumn`: the customer id column, for masking.
   */
  | { kind: 'table'; columns: string[]; rows: Cell[][]; formats?: (NumberKind | null)[]; role?: TableRole; customerLevel?: boolean; idColumn?: number };

/**
 * An item's words in one report language: made from the same data when the item
 * is added, so a report switched to another language shows and exports every
 * label, hint, axis and series name in that language. `title` and `body` absent:
 * the same as the item's own (a report file from before has no texts at all and
 * reads the same in every language).
 */
export interface ItemText {
  title?: string;
  source: string;
  filters: string[];
  /** The measure's definition, for the appendix. */
  definition?: string;
  body?: ItemBody;
}

export interface ReportItem {
  id: string;
  /** Title, page and filters (and the body's labels) in the language the item was added in; `texts` holds the others. */
  title: string;
  /** The page it was added from (its name, in the language it was added in). */
  source: string;
  /** The filters it was made under, as sentences; empty when it was unfiltered. */
  filters: string[];
  /** The user's note under it. */
  note: string;
  /** The measure's definition and SQL, when it came from a measure panel (for the appendix). */
  definition?: string;
  sql?: string[];
  body: ItemBody;
  /** The item in the report's other languages (see ItemText); read through `itemIn`. */
  texts?: Partial<Record<ReportLocale, ItemText>>;
  /** The user wrote the title: it stays in every language. */
  titleEdited?: boolean;
}

/** A problem or opportunity found in the data, with the item (chart) that shows it. */
export interface Finding {
  id: string;
  text: string;
  /** Larger ranks first. */
  weight: number;
  /** Item id of the chart behind it, when it is in the report. */
  itemId?: string;
  kept: boolean;
  /** The user rewrote its text: finding again keeps their words (otherwise the new wording, in the report's language, replaces it). */
  edited?: boolean;
}

export interface DataSource {
  file: string;
  table: string;
  rows: number;
  /** Lines of the file that could not be read and were left out (absent in reports saved before it was recorded). */
  rejected?: number;
  /** First and last day of the table's event date (`YYYY-MM-DD`), when it has one. */
  dateFrom?: string;
  dateTo?: string;
  /** Cleaning-log lines: what each step changed (in the language it was added in). */
  cleaning: string[];
  /** The same steps as data, written out in the report's language (absent in reports saved before they were recorded: `cleaning` is shown). */
  changes?: CleaningChange[];
}

/** One cleaning step: the rule (a `rule.*` message), the column it touched and how many rows it changed. */
export interface CleaningChange {
  rule: string;
  column?: string;
  rows: number;
}

export interface ReportMeta {
  title: string;
  author: string;
  period: string;
  locale: ReportLocale;
}

export interface ReportDoc {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  meta: ReportMeta;
  summary: string;
  sources: DataSource[];
  items: ReportItem[];
  findings: Finding[];
  conclusions: string;
}
