/**
 * "Your data never leaves this browser", for the SQL console: a query may read
 * the workspace tables, never a file or a URL. DuckDB reads files in two ways,
 * both refused here, wherever they appear (subqueries, CTEs, EXPLAIN, PIVOT…):
 *
 * - table functions: `read_csv('http://…')`, `glob('*')`, `query_table('x.csv')`.
 *   Only the functions in SAFE_TABLE_FUNCTIONS (which never open a file) may be
 *   called in a FROM position, and a name that reads files (read_*, glob,
 *   *_scan, parquet_*, …) is refused wherever it is called;
 * - replacement scans: a table named like a file, `FROM 'https://…/x.csv'`,
 *   `FROM "x.parquet"`, `FROM x.csv`, `DESCRIBE 'x.csv'`, `TABLE 'x.csv'`.
 *
 * The text is read with the console's tokenizer (readonly.ts), which follows
 * DuckDB's lexer: comments, '…' E'…' $tag$…$tag$ strings and "…" identifiers
 * cannot hide a call or a table name from it.
 */
import { isReadOnlySql, tokenize, type ReadOnlyCheck, type Token } from './readonly.ts';

export type FileAccessCheck = { ok: true } | { ok: false; reason: 'file_access'; what: string };
export type ConsoleCheck = ReadOnlyCheck | Extract<FileAccessCheck, { ok: false }>;

/** Table functions that never open a file or URL (checked against DuckDB-WASM's own list in the unit test). */
export const SAFE_TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  'range', 'generate_series', 'unnest', 'repeat', 'repeat_row', 'summary', 'json_each', 'json_tree', 'sql_auto_complete',
  'test_all_types', 'test_vector_types',
  ...['approx_database_count', 'columns', 'connection_count', 'constraints', 'databases', 'dependencies', 'extensions', 'functions',
    'indexes', 'keywords', 'memory', 'optimizers', 'prepared_statements', 'schemas', 'secret_types', 'sequences', 'settings',
    'tables', 'temporary_files', 'types', 'variables', 'views'].map((n) => `duckdb_${n}`),
  // These look a name up in the catalog; a file name is a Catalog Error, not a read.
  ...['collations', 'database_size', 'metadata_info', 'platform', 'show', 'storage_info', 'table_info', 'user_agent', 'version'].map((n) => `pragma_${n}`),
]);

/** Function names that read files or URLs, in DuckDB and its extensions: refused wherever they are called. */
const FILE_FUNCTION = /^(read_|glob$|sniff_|parquet_|iceberg_|delta_|query(_table)?$|st_read|sqlite_|postgres_|mysql_|arrow_|seq_scan$|.*_scan$|.*_attach$|which_secret$|load_|ducklake_)/;

/** Words after which a table reference follows. */
const TABLE_BEFORE = new Set(['FROM', 'JOIN', 'LATERAL', 'TABLE', 'DESCRIBE', 'SHOW', 'SUMMARIZE', 'PIVOT', 'UNPIVOT', 'PIVOT_WIDER', 'PIVOT_LONGER']);
/** Clauses in which a top-level `,` separates table references. */
const FROM_CLAUSES = new Set(['FROM', 'JOIN', 'ON', 'USING', 'LATERAL']);
/** Words that start another clause. */
const CLAUSES = new Set([
  ...FROM_CLAUSES, 'SELECT', 'WHERE', 'GROUP', 'HAVING', 'QUALIFY', 'WINDOW', 'ORDER', 'LIMIT', 'OFFSET', 'UNION', 'EXCEPT',
  'INTERSECT', 'VALUES', 'RETURNING', 'SET', 'SAMPLE', 'TABLESAMPLE',
]);
/** Words that may stand before `(` in a table position without calling a function: `FROM (VALUES …)`, `, LATERAL (…)`. */
const NOT_CALLS = new Set([...CLAUSES, ...TABLE_BEFORE, 'WITH', 'RECURSIVE', 'ONLY']);
/** Qualifiers that name DuckDB's own catalogs and schemas. */
const QUALIFIERS = new Set(['main', 'memory', 'temp', 'system', 'information_schema', 'pg_catalog']);
/** Last parts of a dotted name that DuckDB may read as a file extension (`FROM x.csv`). */
const FILE_EXTENSION = /^(csv|tsv|txt|tab|dat|psv|parquet|json|jsonl|ndjson|gz|gzip|zst|zstd|bz2|xz|arrow|ipc|feather|xlsx|xls|avro|orc|db|duckdb|sqlite|sqlite3|blob|text)$/i;

const isSymbol = (t: Token | undefined, s: string): boolean => t?.kind === 'symbol' && t.text === s;
const isName = (t: Token | undefined): t is Token => t?.kind === 'word' || t?.kind === 'identifier';
const nameOf = (t: Token): string => (t.kind === 'identifier' ? t.text.slice(1, -1).replaceAll('""', '"') : t.text);
const refuse = (what: string): FileAccessCheck => ({ ok: false, reason: 'file_access', what });

/** A dotted name starting at `at`: its parts and the index just past it. */
function dottedName(tokens: readonly Token[], at: number): { parts: string[]; end: number } {
  const parts = [nameOf(tokens[at]!)];
  let i = at + 1;
  while (isSymbol(tokens[i], '.') && isName(tokens[i + 1])) {
    parts.push(nameOf(tokens[i + 1]!));
    i += 2;
  }
  return { parts, end: i };
}

/** Whether DuckDB could take a table name for a file (a path, a URL, `x.csv`) rather than a workspace table. */
function fileLikeName(parts: readonly string[], tables: ReadonlySet<string>): boolean {
  const last = parts[parts.length - 1]!;
  if (parts.length === 1) return !tables.has(last.toLowerCase()) && /[./\\:]/.test(last);
  if (parts.slice(0, -1).some((q) => !QUALIFIERS.has(q.toLowerCase()))) return true;
  return !tables.has(last.toLowerCase()) && (/[./\\:]/.test(last) || FILE_EXTENSION.test(last));
}

/**
 * Whether `sql` reads nothing but tables: no file-reading function, no table
 * named like a file or URL. `tables` are the workspace table names, which may
 * hold dots (DuckDB looks them up before it tries a file).
 */
export function checkFileAccess(sql: string, tables: readonly string[] = []): FileAccessCheck {
  const known = new Set(tables.map((t) => t.toLowerCase()));
  const tokens = tokenize(sql);
  // The clause each open parenthesis is in, so a `,` in a FROM list is told from one in a select list.
  const clause: (string | null)[] = [null];
  let tableNext = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const atTable: boolean = tableNext;
    tableNext = false;
    if (isSymbol(t, '(')) {
      clause.push(null);
      tableNext = atTable; // FROM (('x.csv')) and FROM (a JOIN b): still a table position
      continue;
    }
    if (isSymbol(t, ')')) {
      if (clause.length > 1) clause.pop();
      continue;
    }
    if (isSymbol(t, ',')) {
      tableNext = FROM_CLAUSES.has(clause[clause.length - 1] ?? '');
      continue;
    }
    if (t.kind === 'string' && atTable) return refuse(t.text);
    if (!isName(t)) continue;
    // U&'…' is a string too (DuckDB does not take it today; the check does not count on that).
    if (atTable && /^u$/i.test(t.text) && isSymbol(tokens[i + 1], '&') && tokens[i + 2]?.kind === 'string') return refuse(sql.slice(t.start, tokens[i + 2]!.end));
    const { parts, end } = dottedName(tokens, i);
    const fn = parts[parts.length - 1]!.toLowerCase();
    const keyword = t.kind === 'word' && end === i + 1 ? t.text.toUpperCase() : null;
    if (isSymbol(tokens[end], '(')) {
      if (FILE_FUNCTION.test(fn)) return refuse(parts.join('.'));
      if (atTable && !SAFE_TABLE_FUNCTIONS.has(fn) && !(keyword && NOT_CALLS.has(keyword))) return refuse(parts.join('.'));
    } else if (atTable && fileLikeName(parts, known)) {
      return refuse(sql.slice(t.start, tokens[end - 1]!.end));
    }
    if (keyword && CLAUSES.has(keyword)) clause[clause.length - 1] = keyword;
    if (keyword && TABLE_BEFORE.has(keyword)) tableNext = true;
    i = end - 1;
  }
  return { ok: true };
}

/** The console's whole check: one read-only statement (readonly.ts) that reads no file or URL. */
export function checkConsoleSql(sql: string, tables: readonly string[] = []): ConsoleCheck {
  const readOnly = isReadOnlySql(sql);
  if (!readOnly.ok) return readOnly;
  const files = checkFileAccess(sql, tables);
  return files.ok ? readOnly : files;
}
