/**
 * The SQL console reads workspace tables only, never a file or a URL (issue 9).
 * Checked against real DuckDB-WASM: its own list of table functions, and for
 * each refused query that names a registered file, proof that DuckDB would in
 * fact have read the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { checkConsoleSql, checkFileAccess, SAFE_TABLE_FUNCTIONS } from '../../src/report/console/file-access.ts';

let db: Db;
let tableFunctions: string[];

beforeAll(async () => {
  db = await openNodeDb();
  await db.registerBuffer('x.csv', new TextEncoder().encode('a,b\n1,2\n'));
  await db.exec('CREATE TABLE t(a INTEGER, s VARCHAR); INSERT INTO t VALUES (1, \'x.csv\')');
  await db.exec('CREATE TABLE "my.table"(a INTEGER)');
  const r = await db.query("SELECT DISTINCT function_name AS f FROM duckdb_functions() WHERE function_type = 'table' ORDER BY 1");
  tableFunctions = r.rows.map((row) => String(row.f));
});

afterAll(async () => {
  await db?.close();
});

const TABLES = ['t', 'my.table'];
/** Refused by the console: as a file access, or (SUMMARIZE checkpoint(…)) as a statement that is not read-only. */
const refused = (sql: string) => !checkConsoleSql(sql, TABLES).ok;

/** Functions that read files or URLs in DuckDB extensions the Node build lacks; the browser may have some of them. */
const EXTENSION_READERS = [
  'read_parquet', 'parquet_scan', 'parquet_metadata', 'parquet_schema', 'parquet_file_metadata', 'parquet_kv_metadata', 'parquet_bloom_probe',
  'read_json', 'read_json_auto', 'read_json_objects', 'read_json_objects_auto', 'read_ndjson', 'read_ndjson_auto', 'read_ndjson_objects',
  'iceberg_scan', 'iceberg_metadata', 'iceberg_snapshots', 'delta_scan', 'read_xlsx', 'st_read', 'sqlite_scan', 'sqlite_attach',
  'postgres_scan', 'mysql_scan', 'ducklake_snapshots',
];

/** Every way we know to call a table function `f` on an argument `a`. */
function callShapes(f: string, a: string): string[] {
  return [
    `SELECT * FROM ${f}(${a})`,
    `FROM ${f}(${a})`,
    `select * from ${f.toUpperCase()}(${a}) AS x`,
    `SELECT * FROM "${f}"(${a})`,
    `SELECT * FROM main.${f}(${a})`,
    `SELECT * FROM system.main."${f}"(${a})`,
    `SELECT * FROM ${f}/* hidden */(${a})`,
    `SELECT * FROM -- c\n${f}\n(${a})`,
    `SELECT * FROM t, ${f}(${a})`,
    `SELECT * FROM t JOIN ${f}(${a}) ON true`,
    `SELECT * FROM range(1) r, LATERAL ${f}(${a})`,
    `SELECT * FROM t WHERE a IN (SELECT 1 FROM ${f}(${a}))`,
    `WITH c AS (SELECT * FROM ${f}(${a})) SELECT * FROM c`,
    `EXPLAIN ANALYZE SELECT * FROM ${f}(${a})`,
    `DESCRIBE SELECT * FROM ${f}(${a})`,
    `SUMMARIZE ${f}(${a})`,
    `SELECT (SELECT count(*) FROM ${f}(${a}))`,
    `(((SELECT * FROM ${f}(${a}))))`,
  ];
}

const ARGS = ["'http://127.0.0.1:9/x.csv'", "'https://example.com/data.parquet'", "'x.csv'", "'/etc/passwd'", "'file.parquet'", "['x.csv']", "E'x.csv'", '$$x.csv$$'];

describe('table functions, from DuckDB-WASM itself', () => {
  it('knows the readers DuckDB-WASM has (the enumeration is not empty)', () => {
    for (const f of ['read_csv', 'read_csv_auto', 'read_text', 'read_blob', 'glob', 'sniff_csv', 'query', 'query_table', 'range']) {
      expect(tableFunctions).toContain(f);
    }
  });

  it('refuses every table function that is not known to be safe, called any way, with a URL or a path', () => {
    const unsafe = [...tableFunctions.filter((f) => !SAFE_TABLE_FUNCTIONS.has(f)), ...EXTENSION_READERS];
    expect(unsafe.length).toBeGreaterThan(15);
    const missed: string[] = [];
    for (const f of unsafe) for (const a of ARGS) for (const sql of callShapes(f, a)) if (!refused(sql)) missed.push(sql);
    expect(missed).toEqual([]);
  });

  it('keeps every file or URL reader out of the safe list', () => {
    for (const f of [...tableFunctions, ...EXTENSION_READERS]) {
      if (/^(read_|glob|sniff_|parquet_|iceberg_|delta_|query|st_read|sqlite_|postgres_|mysql_|arrow_)|_scan$/.test(f)) {
        expect(SAFE_TABLE_FUNCTIONS.has(f), f).toBe(false);
      }
    }
  });

  it('lets the safe ones run, in DuckDB too', async () => {
    for (const f of ['range(3)', 'generate_series(1, 3)', 'unnest([1, 2])', 'duckdb_tables()', 'duckdb_columns()', "pragma_table_info('t')", 'repeat(1, 2)']) {
      const sql = `SELECT * FROM ${f}`;
      expect(checkConsoleSql(sql, TABLES), sql).toEqual({ ok: true });
      await db.query(sql);
    }
  });
});

describe('tables named like files (replacement scans)', () => {
  /** Each of these really reads the registered file x.csv on DuckDB-WASM. */
  const READS_X = [
    "FROM 'x.csv'",
    'FROM "x.csv"',
    'FROM x.csv',
    'FROM "x"."csv"',
    "FROM E'x.csv'",
    'FROM $$x.csv$$',
    'FROM $q$x.csv$q$',
    "FROM 'x'\n'.csv'",
    "fRoM/**/'x.csv'",
    "FROM -- comment\n'x.csv'",
    "SELECT * FROM 'x.csv' AS f",
    "DESCRIBE 'x.csv'",
    "SHOW 'x.csv'",
    "SUMMARIZE 'x.csv'",
    "TABLE 'x.csv'",
    "SELECT * FROM (TABLE 'x.csv')",
    "PIVOT 'x.csv' ON a USING sum(b)",
    "SELECT * FROM t JOIN t u ON true, 'x.csv'",
    "SELECT * FROM t, 'x.csv'",
    "SELECT * FROM t CROSS JOIN 'x.csv'",
    "SELECT * FROM t POSITIONAL JOIN 'x.csv'",
    "FROM t, LATERAL (FROM 'x.csv')",
    "WITH c AS (FROM 'x.csv') FROM c",
    "WITH c AS MATERIALIZED (SELECT * FROM 'x.csv') SELECT * FROM c",
    "EXPLAIN ANALYZE FROM 'x.csv'",
    "SELECT (SELECT a FROM 'x.csv' LIMIT 1)",
    "SELECT * FROM t WHERE a IN (SELECT a FROM 'x.csv')",
    "FROM t UNION ALL BY NAME FROM 'x.csv'",
    "SELECT a FROM t UNION ALL SELECT a FROM 'x.csv'",
    "SELECT * FROM read_csv('x.csv')",
    "SELECT * FROM main.read_csv('x.csv')",
    "SELECT * FROM \"read_csv\"('x.csv')",
    "SELECT * FROM system.main.read_text('x.csv')",
    "SELECT * FROM read_blob('x.csv')",
    "SELECT * FROM read_csv(['x.csv'])",
    "SELECT * FROM glob('x.*')",
    "SELECT * FROM sniff_csv('x.csv')",
    "SELECT * FROM query_table('x.csv')",
    "SELECT * FROM query('FROM ''x.csv''')",
    "SELECT * FROM range(2) r, LATERAL read_csv('x.csv')",
  ];

  it.each(READS_X)('%s reads the file on DuckDB-WASM, and is refused', async (sql) => {
    await db.query(sql); // throws if DuckDB could not read it: then the case would prove nothing
    expect(checkConsoleSql(sql, TABLES)).toMatchObject({ ok: false, reason: 'file_access' });
  });

  it('refuses URLs and paths in every table position', () => {
    for (const target of ["'http://127.0.0.1:9/x.csv'", "'https://example.com/x.csv'", "'s3://bucket/x.parquet'", "'file.parquet'", "'/etc/passwd'", '"https://x/y.csv"', '"C:\\data\\x.csv"', 'data.parquet', 'memory.x.csv', 'main.csv', "U&'x.csv'"]) {
      for (const sql of [`FROM ${target}`, `SELECT * FROM ${target}`, `SELECT * FROM t JOIN ${target} ON true`, `DESCRIBE ${target}`, `SUMMARIZE ${target}`, `TABLE ${target}`, `SELECT * FROM t, ${target} x`]) {
        expect(refused(sql), sql).toBe(true);
      }
    }
  });

  it('says what it refused', () => {
    expect(checkFileAccess("SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')")).toEqual({ ok: false, reason: 'file_access', what: 'read_csv' });
    expect(checkFileAccess("FROM 'http://127.0.0.1:9/x.csv'")).toEqual({ ok: false, reason: 'file_access', what: "'http://127.0.0.1:9/x.csv'" });
    expect(checkFileAccess('FROM memory.x.csv')).toEqual({ ok: false, reason: 'file_access', what: 'memory.x.csv' });
  });
});

describe('statements that reach outside', () => {
  it.each([
    "ATTACH 'https://example.com/x.duckdb' AS x",
    "ATTACH ':memory:' AS m",
    "COPY t TO 'out.csv'",
    "COPY t FROM 'http://example.com/x.csv'",
    "COPY (SELECT 1) TO 'x.parquet'",
    'INSTALL httpfs',
    "INSTALL httpfs FROM 'http://example.com'",
    'LOAD httpfs',
    'FORCE INSTALL httpfs',
    'SET enable_external_access = true',
    'SET autoinstall_known_extensions = true',
    "SET custom_extension_repository = 'http://example.com'",
    'RESET autoload_known_extensions',
    'PRAGMA enable_profiling',
    "CALL read_csv('x.csv')",
    "EXPORT DATABASE 'out'",
    "IMPORT DATABASE 'in'",
    "CREATE SECRET (TYPE http, BEARER_TOKEN 'x')",
    "CREATE TABLE y AS FROM 'x.csv'",
    "SELECT 1; COPY t TO 'out.csv'",
    "/* */ ATTACH 'x.db'",
  ])('%s is refused', (sql) => {
    expect(checkConsoleSql(sql, TABLES).ok).toBe(false);
  });
});

describe('no false alarms', () => {
  it.each([
    'SELECT * FROM t',
    "SELECT 'https://example.com/a.csv' AS link, s FROM t",
    "FROM t WHERE s = 'x.csv'",
    "FROM t SELECT 'x.csv' AS name, concat('a', 'b')",
    "SELECT s LIKE '%.csv' AS is_csv FROM t",
    'SELECT * FROM range(3) r(i), t',
    'FROM (VALUES (1), (2)) v(a)',
    'SELECT * FROM t, LATERAL (SELECT t.a + 1 AS b)',
    'SELECT * FROM t JOIN t AS u USING (a)',
    'SELECT * FROM main.t',
    'SELECT * FROM memory.main.t',
    'SELECT * FROM "my.table"',
    'SELECT * FROM information_schema.tables',
    'SELECT count(*) FROM duckdb_tables()',
    "WITH x AS (SELECT a FROM t) SELECT * FROM x",
    'DESCRIBE t',
    'SUMMARIZE t',
    'SHOW TABLES',
    'PIVOT t ON s USING sum(a)',
    'UNPIVOT (SELECT 1 AS x, 2 AS y) ON x, y INTO NAME k VALUE v',
    'EXPLAIN SELECT a FROM t',
    "SELECT * FROM t WHERE s IN ('a.csv', 'http://x')",
    "SELECT read_text_len FROM (SELECT 1 AS read_text_len)",
  ])('%s runs', async (sql) => {
    expect(checkConsoleSql(sql, TABLES)).toEqual({ ok: true });
    await db.query(sql);
  });
});

describe('escape tricks', () => {
  it('look-alike characters and non-ASCII white space make text that DuckDB cannot run, not a read', async () => {
    for (const sql of ["FROM\u00a0'x.csv'", "ＦＲＯＭ 'x.csv'", "SELECT * FROM read_csv\u00a0('x.csv')", "SELECT * FROM ｒｅａｄ_csv('x.csv')"]) {
      if (checkConsoleSql(sql, TABLES).ok) await expect(db.query(sql), sql).rejects.toThrow();
    }
  });

  it('a quote, a comment or a dollar tag cannot hide the rest of the text from the check', () => {
    for (const sql of [
      "SELECT '--' AS x FROM 'x.csv'",
      "SELECT '/*' AS x FROM 'x.csv' -- */",
      'SELECT "a""" FROM \'x.csv\'',
      "SELECT E'\\'' AS x FROM read_csv('x.csv')",
      "SELECT $a$ $$ $a$ AS x FROM 'x.csv'",
      "/* /* nested */ still comment */ FROM 'x.csv'",
    ]) {
      expect(refused(sql), sql).toBe(true);
    }
  });
});
