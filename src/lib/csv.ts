/**
 * The app's one CSV writer: every CSV the user downloads goes through here.
 * RFC 4180 (comma, CRLF, a field is quoted when it holds a comma, quote, line
 * break or edge white space, quotes doubled), a UTF-8 byte-order mark so
 * spreadsheet apps read Chinese text right, and formula neutralisation (OWASP
 * "CSV injection"): a text cell that a spreadsheet would run as a formula —
 * one starting with = + - @, a tab or a carriage return — gets a leading `'`.
 * Numbers are written as numbers, so the number -12.5 stays -12.5 while the
 * text "-1+1" becomes '-1+1.
 */

export type CsvValue = string | number | bigint | boolean | Date | null | undefined;

export interface CsvOptions {
  /**
   * true (the default) for files a person opens: BOM and formula neutralisation.
   * false for CSV the app loads back into DuckDB itself, where cells must stay as they are.
   */
  spreadsheet?: boolean;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
/** What spreadsheet apps read as the start of a formula (with the full-width forms some of them accept too). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A date as ISO text: `2024-03-01` at midnight UTC, else `2024-03-01 09:30:00` (with milliseconds when there are some). */
function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const h = d.getUTCHours(), m = d.getUTCMinutes(), s = d.getUTCSeconds(), ms = d.getUTCMilliseconds();
  if (h === 0 && m === 0 && s === 0 && ms === 0) return day;
  return `${day} ${pad(h)}:${pad(m)}:${pad(s)}${ms ? `.${pad(ms, 3)}` : ''}`;
}

/** Text as one field: neutralised (for spreadsheets), then quoted where RFC 4180 needs it. */
function textField(s: string, spreadsheet: boolean): string {
  const safe = spreadsheet && FORMULA_START.test(s) ? `'${s}` : s;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One value as one CSV field. `null`/`undefined` and non-finite numbers are empty fields. */
export function csvField(value: CsvValue, opts: CsvOptions = {}): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return dateText(value);
  return textField(value, opts.spreadsheet ?? true);
}

/** A whole file: the header, then one line per row, every line ending in CRLF. */
export function csvText(header: readonly string[], rows: Iterable<readonly CsvValue[]>, opts: CsvOptions = {}): string {
  const lines = [header.map((h) => csvField(h, opts)).join(',')];
  for (const row of rows) lines.push(row.map((v) => csvField(v, opts)).join(','));
  return `${(opts.spreadsheet ?? true) ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}
