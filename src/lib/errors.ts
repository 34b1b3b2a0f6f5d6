/** An error as it crosses a worker boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) return { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  return { name: 'Error', message: String(e) };
}

export function deserializeError(s: SerializedError): Error {
  const e = new Error(s.message);
  e.name = s.name;
  if (s.stack) e.stack = s.stack;
  return e;
}

/** The message of anything thrown, or of its cause when it has none; may be empty. */
function rawMessage(e: unknown): string {
  for (let c: unknown = e, depth = 0; depth < 5; c = (c as Error).cause, depth++) {
    if (!(c instanceof Error)) return c === undefined || c === null ? '' : String(c).trim();
    if (c.message.trim() !== '') return c.message;
  }
  return '';
}

/**
 * The message of anything thrown; never empty: an error without a message
 * gives its cause's, then its name (`RangeError (no message)`), so a user is
 * never shown "()" or a blank alert.
 */
export function errorMessage(e: unknown): string {
  return rawMessage(e) || (e instanceof Error ? `${e.name || 'Error'} (no message)` : 'Unknown error (no message)');
}

export function abortError(message = 'Cancelled'): Error {
  const e = new Error(message);
  e.name = 'AbortError';
  return e;
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** Longest engine detail shown to a user; the rest is in the console (`cause`). */
export const MAX_DETAIL_CHARS = 200;

/** Where an engine's message stops saying what happened and starts listing options, fixes or the query. */
const DETAIL_END = /^\s*(LINE \d+:|Possible (fix|fixes|solution|solutions)\b|The search space|Candidate|\*|\w+ = )/i;
const LINE_NUMBER = /\b(?:CSV Error )?on line:?\s*(\d+)\b|\bat line:?\s*(\d+)\b/i;

/**
 * A DuckDB (or other engine) error as a short detail for a user: what went
 * wrong, without the query it came from (`LINE 1: CREATE TABLE … read_csv(…)`),
 * the offending line's text, the option dump or the list of fixes, and the
 * names of internal files; at most `MAX_DETAIL_CHARS`. `line`: the line
 * number the engine named. An empty `detail` means the engine said nothing
 * usable: the caller must then say so in its own words.
 */
export function engineErrorDetail(e: unknown): { detail: string; line?: number } {
  const message = rawMessage(e);
  const kept: string[] = [];
  let line: number | undefined;
  for (const raw of message.split(/\r?\n/)) {
    if (/^\s*Original Line:/i.test(raw)) continue;
    if (raw.trim() === '' ? kept.length > 0 : DETAIL_END.test(raw)) break;
    const m = LINE_NUMBER.exec(raw);
    if (m && line === undefined) line = Number(m[1] ?? m[2]);
    kept.push(m ? raw.replace(m[0], '') : raw);
  }
  let detail = kept
    .join(' ')
    .replace(/\b[A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)* Error:\s*/g, '')
    .replace(/\s*["']?crm_lens_[\w.]*["']?/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  // Never show a query, whatever shape the message had.
  const sql = /\b(CREATE|SELECT|INSERT|ALTER|DROP) |read_csv|read_parquet/.exec(detail);
  if (sql) detail = detail.slice(0, sql.index).trim();
  detail = detail.replace(/^[\s.:;,-]+|[\s:;,-]+$/g, '');
  if (detail.length > MAX_DETAIL_CHARS) detail = `${detail.slice(0, MAX_DETAIL_CHARS - 1).trimEnd()}…`;
  return { detail, ...(line !== undefined ? { line } : {}) };
}

/** What a statement does, in words, for an error that has nothing else to say: `creating table "churn_training"`. */
export function statementInWords(sql: string): string {
  const s = sql.replace(/^(\s|--[^\n]*\n)+/, '');
  const name = String.raw`("(?:[^"]|"")*"|[\w.]+)`;
  const create = new RegExp(String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(TABLE|VIEW|SCHEMA)\s+(?:IF\s+NOT\s+EXISTS\s+)?${name}`, 'i').exec(s);
  if (create) return `creating ${create[1]!.toLowerCase()} ${create[2]}`;
  const drop = new RegExp(String.raw`^DROP\s+(TABLE|VIEW|SCHEMA)\s+(?:IF\s+EXISTS\s+)?${name}`, 'i').exec(s);
  if (drop) return `dropping ${drop[1]!.toLowerCase()} ${drop[2]}`;
  const change = new RegExp(String.raw`^(ALTER\s+TABLE|UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+${name}`, 'i').exec(s);
  if (change) return `changing table ${change[2]}`;
  if (/^(BEGIN|START)\b/i.test(s)) return 'starting a transaction';
  if (/^COMMIT\b/i.test(s)) return 'committing a transaction';
  if (/^(ROLLBACK|ABORT)\b/i.test(s)) return 'rolling back a transaction';
  if (/^(SELECT|WITH|FROM|DESCRIBE|SUMMARIZE)\b/i.test(s)) return 'reading a query';
  const word = /^\w+/.exec(s)?.[0];
  return word ? `running a ${word.toUpperCase()} statement` : 'running an empty statement';
}

/**
 * An engine's error as thrown on: unchanged when it has a message; else (DuckDB-WASM's
 * worker rethrows a C++ exception that escaped it as an `Error` with an empty message)
 * one that names the statement that failed, the original kept as `cause`.
 */
export function engineFailure(e: unknown, sql: string): unknown {
  if (rawMessage(e) !== '' || isAbortError(e)) return e;
  return new Error(`The database engine failed without a message while ${statementInWords(sql)}`, { cause: e });
}

/** V8's refusal of a string past its length limit (2^29 − 24 characters): a file decoded or built as one text. */
export function isStringTooLongError(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c instanceof Error && depth < 5; c = c.cause, depth++) {
    if (/invalid string length|cannot create a string longer than/i.test(c.message)) return true;
  }
  return false;
}

/** DuckDB's "Out of Memory", a failed ArrayBuffer allocation, or a WebAssembly memory failure (also as the cause of another error). */
export function isOutOfMemoryError(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c instanceof Error && depth < 5; c = c.cause, depth++) {
    if (/out of memory|array buffer allocation failed|wasm memory|webassembly\.memory|memory access out of bounds|could not allocate|failed to allocate|maximum memory/i.test(c.message)) return true;
  }
  return false;
}
