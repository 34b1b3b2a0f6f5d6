import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { cappedSql, exampleQueries, isReadOnlySql, startsOtherStatement, tokenize } from '../../src/report/console/readonly.ts';
import { loadDemo, type DemoTables } from './metrics-helpers.ts';

/** Read-only statements, each runnable on a database holding table `t(a INTEGER, s VARCHAR)`. */
const ALLOWED = [
  'SELECT 1',
  'select a from t',
  'SeLeCt a FrOm t',
  '  \n\t-- leading comment\n/* and a block */ SELECT a FROM t',
  'SELECT a FROM t;',
  'SELECT a FROM t ;  -- done',
  'SELECT a FROM t;;',
  'WITH x AS (SELECT a FROM t) SELECT * FROM x',
  'with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select * from r',
  'WITH x AS MATERIALIZED (SELECT 1 AS v), y AS (SELECT 2 AS v) SELECT * FROM x UNION ALL SELECT * FROM y',
  'FROM t',
  'FROM t SELECT s',
  "VALUES (1, 'a'), (2, 'b')",
  'TABLE t',
  'DESCRIBE t',
  'DESCRIBE SELECT a FROM t',
  'SHOW TABLES',
  'SHOW ALL TABLES',
  'SUMMARIZE t',
  'SUMMARIZE SELECT a FROM t',
  'EXPLAIN SELECT a FROM t',
  'EXPLAIN ANALYZE SELECT a FROM t',
  'PIVOT t ON s USING sum(a)',
  'UNPIVOT (SELECT 1 AS x, 2 AS y) ON x, y INTO NAME k VALUE v',
  '(SELECT 1) UNION ALL (SELECT 2)',
  "SELECT 'a;b' AS s",
  "SELECT 'it''s; DROP TABLE t' AS s",
  "SELECT 'INSERT INTO t VALUES (9)' AS s",
  'SELECT "a" AS "we;ird" FROM t',
  'SELECT 1 AS "DROP TABLE t; --"',
  "SELECT E'it\\'s; DROP TABLE t' AS s",
  'SELECT $$a; DROP TABLE t$$ AS s',
  'SELECT $tag$ ; $$ ; DROP TABLE t; $tag$ AS s',
  'SELECT a FROM t -- ; DROP TABLE t',
  'SELECT /* ; DROP TABLE t; */ a FROM t',
  'SELECT /* nested /* ; */ still a comment ; DROP TABLE t; */ a FROM t',
  'SELECT a$$b FROM (SELECT 1 AS a$$b)',
  'SELECT 1 AS update',
  "WITH x AS (SELECT 'delete' AS s) SELECT s FROM x",
  'WITH x AS (SELECT 1 AS v) SELECT "update" FROM (SELECT v AS "update" FROM x)',
];

const REJECTED: [sql: string, reason: 'empty' | 'multiple' | 'not_read_only', keyword?: string][] = [
  ['', 'empty'],
  ['   \n  ', 'empty'],
  ['-- just a comment', 'empty'],
  ['/* nothing */ ;', 'empty'],
  [';;', 'empty'],
  ['select 1; drop table x', 'multiple'],
  ['SELECT 1; SELECT 2', 'multiple'],
  ["SELECT 'a'; DELETE FROM t", 'multiple'],
  // Quoting DuckDB reads differently from a naive reader: the `;` is outside every string here.
  ["SELECT E'\\'' ; DROP TABLE t; --'", 'multiple'],
  ["SELECT 1e'\\'' ; DROP TABLE t; --'", 'multiple'],
  ["SELECT 'a\\'; DROP TABLE t; --'", 'multiple'],
  ["SELECT $$ ' $$; DROP TABLE t; --'", 'multiple'],
  ['SELECT 1 /* a /* b */ */; DROP TABLE t', 'multiple'],
  ['SELECT "a"";"; DROP TABLE t', 'multiple'],
  ['DROP TABLE t', 'not_read_only', 'DROP'],
  ['insert into t values (1)', 'not_read_only', 'INSERT'],
  ['UPDATE t SET a = 2', 'not_read_only', 'UPDATE'],
  ['DELETE FROM t', 'not_read_only', 'DELETE'],
  ['CREATE TABLE u AS SELECT 1', 'not_read_only', 'CREATE'],
  ['ALTER TABLE t ADD COLUMN b INT', 'not_read_only', 'ALTER'],
  ["COPY t TO 'out.csv'", 'not_read_only', 'COPY'],
  ["ATTACH 'other.db'", 'not_read_only', 'ATTACH'],
  ['DETACH other', 'not_read_only', 'DETACH'],
  ['INSTALL httpfs', 'not_read_only', 'INSTALL'],
  ['LOAD httpfs', 'not_read_only', 'LOAD'],
  ['SET threads = 1', 'not_read_only', 'SET'],
  ["PRAGMA enable_profiling", 'not_read_only', 'PRAGMA'],
  ['CALL pragma_version()', 'not_read_only', 'CALL'],
  ["EXPORT DATABASE 'dir'", 'not_read_only', 'EXPORT'],
  ['CHECKPOINT', 'not_read_only', 'CHECKPOINT'],
  ['BEGIN TRANSACTION', 'not_read_only', 'BEGIN'],
  ['-- looks harmless\n  drop table t;', 'not_read_only', 'DROP'],
  ['((DELETE FROM t))', 'not_read_only', 'DELETE'],
  ['WITH x AS (SELECT 5) INSERT INTO t SELECT * FROM x', 'not_read_only', 'INSERT'],
  ['with x as (select 5) update t set a = 1', 'not_read_only', 'UPDATE'],
  ['WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x', 'not_read_only', 'DELETE'],
  ['WITH x AS (SELECT 1) SELECT 1 AS delete', 'not_read_only', 'DELETE'],
  ['EXPLAIN ANALYZE INSERT INTO t VALUES (4)', 'not_read_only', 'INSERT'],
  ['explain analyse delete from t', 'not_read_only', 'DELETE'],
  ['EXPLAIN (FORMAT json) DROP TABLE t', 'not_read_only', 'DROP'],
  ['DESCRIBE INSERT INTO t VALUES (1)', 'not_read_only', 'INSERT'],
  ['SUMMARIZE CREATE TABLE u (a INT)', 'not_read_only', 'CREATE'],
  ['SELECT * FROM (DELETE FROM t RETURNING *)', 'not_read_only', 'DELETE'],
  ["'SELECT 1'", 'not_read_only'],
  ['42', 'not_read_only'],
];

describe('isReadOnlySql', () => {
  it.each(ALLOWED)('allows %j', (sql) => {
    expect(isReadOnlySql(sql)).toEqual({ ok: true });
  });

  it.each(REJECTED)('rejects %j (%s %s)', (sql, reason, keyword) => {
    expect(isReadOnlySql(sql)).toEqual(keyword ? { ok: false, reason, keyword } : { ok: false, reason });
  });

  it('tells statements that write from typos', () => {
    expect(isReadOnlySql('SELEC 1')).toEqual({ ok: false, reason: 'not_read_only', keyword: 'SELEC' });
    expect(startsOtherStatement('SELEC')).toBe(false);
    for (const [, , kw] of REJECTED) if (kw) expect(startsOtherStatement(kw.toLowerCase()), kw).toBe(true);
  });

  it('tokenizes strings, identifiers, comments and dollar quotes the way DuckDB does', () => {
    const kinds = (sql: string) => tokenize(sql).map((t) => `${t.kind}:${t.text}`);
    expect(kinds("SELECT 'a''b', \"c\"\"d\" -- x\n/* y /* z */ */ $q$;$q$, E'\\'', 1e5, $1")).toEqual([
      'word:SELECT', "string:'a''b'", 'symbol:,', 'identifier:"c""d"', 'string:$q$;$q$', 'symbol:,', "string:E'\\''", 'symbol:,', 'number:1e5',
      'symbol:,', 'param:$1',
    ]);
    // An unterminated string runs to the end: DuckDB reports it, nothing after it runs.
    expect(kinds("SELECT 'open; DROP TABLE t")).toEqual(['word:SELECT', "string:'open; DROP TABLE t"]);
  });
});

describe('read-only check against real DuckDB-WASM', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openNodeDb();
  });
  afterAll(async () => db.close());

  it('every allowed statement runs, as typed and capped, and the data is untouched', async () => {
    await db.exec("CREATE TABLE t AS SELECT * FROM (VALUES (1, 'x'), (2, 'y')) v(a, s)");
    for (const sql of ALLOWED) {
      await expect(db.query(sql), sql).resolves.toBeDefined();
      const capped = cappedSql(sql, 1000);
      await expect(db.query(capped.sql), capped.sql).resolves.toBeDefined();
    }
    expect((await db.query('SELECT count(*) AS n, sum(a) AS s FROM t')).rows).toEqual([{ n: 2, s: 3 }]);
    await db.exec('DROP TABLE t');
  });

  it('the WITH and EXPLAIN ANALYZE forms it rejects really do write', async () => {
    await db.exec('CREATE TABLE w (a INTEGER)');
    await db.exec('WITH x AS (SELECT 5) INSERT INTO w SELECT * FROM x');
    await db.exec('EXPLAIN ANALYZE INSERT INTO w VALUES (6)');
    expect((await db.query('SELECT a FROM w ORDER BY a')).rows).toEqual([{ a: 5 }, { a: 6 }]);
    await db.exec('DROP TABLE w');
  });

  it('the quoting cases it counts as two statements really do drop the table in DuckDB', async () => {
    const twoStatements = ["SELECT E'\\'' ; DROP TABLE t; --'", "SELECT 'a\\'; DROP TABLE t; --'", "SELECT $$ ' $$; DROP TABLE t; --'", 'SELECT 1 /* a /* b */ */; DROP TABLE t'];
    for (const sql of twoStatements) {
      await db.exec('CREATE TABLE t (a INTEGER)');
      expect(isReadOnlySql(sql), sql).toEqual({ ok: false, reason: 'multiple' });
      await db.exec(sql);
      expect((await db.query("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 't'")).rows, sql).toEqual([{ n: 0 }]);
    }
  });
});

describe('cappedSql (runs on DuckDB-WASM)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openNodeDb();
  });
  afterAll(async () => db.close());

  it('returns at most maxRows + 1 rows, keeping the statement’s order', async () => {
    const c = cappedSql('SELECT i FROM range(5000) r(i) ORDER BY i DESC; -- newest first', 1000);
    expect(c.capped).toBe(true);
    const r = await db.query(c.sql);
    expect(r.rows).toHaveLength(1001);
    expect(r.rows[0]).toEqual({ i: 4999 });
    expect(r.rows[1000]).toEqual({ i: 3999 });
  });

  it('leaves short results whole and survives a trailing line comment', async () => {
    const c = cappedSql('SELECT 1 AS x -- a comment without a newline', 10);
    expect(c.sql).toBe('SELECT * FROM (SELECT 1 AS x\n) LIMIT 11');
    expect((await db.query(c.sql)).rows).toEqual([{ x: 1 }]);
    const inner = cappedSql('SELECT 1 AS x -- one\n, 2 AS y', 10);
    expect((await db.query(inner.sql)).rows).toEqual([{ x: 1, y: 2 }]);
  });

  it('caps DESCRIBE, SUMMARIZE, SHOW, VALUES, FROM, PIVOT; not EXPLAIN or unbalanced text', async () => {
    await db.exec("CREATE TABLE p AS SELECT * FROM (VALUES (1, 'x'), (2, 'y')) v(a, s)");
    for (const sql of ['DESCRIBE p', 'SUMMARIZE p', 'SHOW TABLES', 'VALUES (1), (2)', 'FROM p', 'TABLE p', 'PIVOT p ON s USING sum(a)', '(SELECT 1) UNION (SELECT 2)']) {
      const c = cappedSql(sql, 100);
      expect(c.capped, sql).toBe(true);
      expect((await db.query(c.sql)).rows.length, sql).toBeGreaterThan(0);
    }
    expect(cappedSql('EXPLAIN SELECT 1', 100)).toEqual({ sql: 'EXPLAIN SELECT 1', capped: false });
    expect(cappedSql('SELECT 1) x, (SELECT 2', 100).capped).toBe(false);
    expect(cappedSql('DROP TABLE p', 100).capped).toBe(false);
    expect(() => cappedSql('SELECT 1', 0)).toThrow(/positive integer/);
    await db.exec('DROP TABLE p');
  });

  it('gives repeated column names distinct keys (rows are keyed by name)', async () => {
    const r = await db.query(cappedSql('SELECT 1 AS a, 2 AS a', 10).sql);
    expect(r.columns.map((c) => c.name)).toEqual(['a', 'a_1']);
    expect(r.rows).toEqual([{ a: 1, a_1: 2 }]);
  });
});

describe('exampleQueries on the demo workspace (DuckDB-WASM)', () => {
  let db: Db;
  let demo: DemoTables;
  beforeAll(async () => {
    db = await openNodeDb();
    demo = await loadDemo(db);
  });
  afterAll(async () => db.close());

  it('are read-only, run, and agree with the loaded tables', async () => {
    const tables = [demo.customers, demo.orders, demo.tickets, demo.leads];
    const examples = exampleQueries(tables);
    expect(examples.map((e) => e.id)).toEqual(['preview', 'counts', 'monthly', 'breakdown', 'describe', 'summarize']);
    const results = new Map<string, Awaited<ReturnType<Db['query']>>>();
    for (const e of examples) {
      expect(isReadOnlySql(e.sql), e.id).toEqual({ ok: true });
      results.set(e.id, await db.query(cappedSql(e.sql, 100_000).sql));
    }
    expect(results.get('preview')!.rows).toHaveLength(100);
    expect(results.get('counts')!.rows).toEqual(
      [...tables].sort((a, b) => b.rowCount - a.rowCount).map((t) => ({ table_name: t.name, row_count: t.rowCount })),
    );
    const monthly = results.get('monthly')!.rows;
    const total = (await db.query('SELECT round(sum(amount), 2) AS s, count(*) AS n FROM demo_orders')).rows[0]!;
    expect(monthly.reduce((s, r) => s + Number(r.order_lines), 0)).toBe(total.n);
    expect(monthly.reduce((s, r) => s + Number(r.revenue), 0)).toBeCloseTo(Number(total.s), 1);
    expect(monthly.map((r) => r.month)).toEqual([...monthly.map((r) => r.month)].sort());
    const breakdown = results.get('breakdown')!;
    expect(breakdown.columns[0]!.name).toBe(demo.customers.roles.segment);
    expect(breakdown.rows.reduce((s, r) => s + Number(r.customers), 0)).toBe(demo.customers.rowCount);
    expect(exampleQueries([])).toEqual([]);
  });

  it('quote hostile table names', async () => {
    await db.exec('CREATE TABLE "we""ird; --" AS SELECT 1 AS a');
    const t = { name: 'we"ird; --', source: 'x', kind: 'other' as const, rowCount: 1, columns: [{ name: 'a', type: 'INTEGER' }], roles: {} };
    for (const e of exampleQueries([t])) {
      expect(isReadOnlySql(e.sql), e.id).toEqual({ ok: true });
      await expect(db.query(e.sql), e.id).resolves.toBeDefined();
    }
  });
});
