/**
 * The SQL console's rules, as pure functions: which text may run (exactly one
 * read-only statement), how a runnable statement is capped in rows, and the
 * example queries offered for a workspace.
 *
 * The check reads the text with a small tokenizer that follows DuckDB's lexer
 * where it matters for safety: '…' strings with '' escapes, E'…' strings with
 * backslash escapes, $tag$…$tag$ strings, "…" identifiers, -- comments and
 * nested /* *\/ comments. A `;` inside any of these does not end a statement.
 */
import type { TableInfo } from '../../ingest/model.ts';
import { ident, lit } from '../../lib/sql.ts';
import { dateExpr, numberExpr, roleColumn } from '../../metrics/expr.ts';

export type ReadOnlyCheck = { ok: true } | { ok: false; reason: 'empty' | 'multiple' | 'not_read_only'; keyword?: string };

/** Statements that only read. */
export const READ_ONLY_KEYWORDS: readonly string[] = [
  'SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE', 'DESCRIBE', 'SHOW', 'SUMMARIZE', 'EXPLAIN',
  'PIVOT', 'UNPIVOT', 'PIVOT_WIDER', 'PIVOT_LONGER',
];
const READ = new Set(READ_ONLY_KEYWORDS);

/** Statements that change data; DuckDB runs `WITH … INSERT` and `EXPLAIN ANALYZE INSERT`, so both are looked into. */
const MODIFYING = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** Words that begin a statement that writes or changes the engine (looked for after DESCRIBE / SHOW / SUMMARIZE too). */
const OTHER_STATEMENTS = new Set([
  ...MODIFYING, 'CREATE', 'DROP', 'ALTER', 'COPY', 'ATTACH', 'DETACH', 'INSTALL', 'LOAD', 'SET', 'RESET', 'PRAGMA', 'CALL',
  'EXPORT', 'IMPORT', 'TRUNCATE', 'VACUUM', 'CHECKPOINT', 'BEGIN', 'COMMIT', 'ROLLBACK', 'ABORT', 'USE', 'PREPARE',
  'EXECUTE', 'DEALLOCATE', 'ANALYZE', 'UPDATE_EXTENSIONS', 'COMMENT', 'GRANT', 'REVOKE',
]);

/** Whether a word begins a known statement that is not read-only (DROP, INSERT, COPY, SET …), as opposed to a typo. */
export function startsOtherStatement(keyword: string): boolean {
  return OTHER_STATEMENTS.has(keyword.toUpperCase());
}

type TokenKind = 'word' | 'identifier' | 'string' | 'number' | 'param' | 'symbol';

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

// As in DuckDB's (Postgres') lexer: bytes ≥ 0x80 are identifier characters, and only ASCII white space separates.
const WORD = /[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/y;
const NUMBER = /(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?/y;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
const PARAM = /\$\d+/y;
const SPACE = /[ \t\n\r\f\v]/;

function match(re: RegExp, sql: string, at: number): string | null {
  re.lastIndex = at;
  return re.exec(sql)?.[0] ?? null;
}

/** End of a quoted run that opened at `at` (the opening quote); `''` (or `""`) inside is an escaped quote. */
function quotedEnd(sql: string, at: number, quote: string, backslash: boolean): number {
  let i = at + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\') i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return sql.length; // unterminated: DuckDB reports it; nothing after it is a statement
}

/** Tokens of SQL text, without white space and comments. Exported for tests. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    out.push({ kind, text: sql.slice(i, end), start: i, end });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (SPACE.test(c)) {
      i++;
    } else if (c === '-' && next === '-') {
      while (i < sql.length && sql[i] !== '\n' && sql[i] !== '\r') i++;
    } else if (c === '/' && next === '*') {
      // DuckDB nests block comments: /* a /* b */ is still open.
      let depth = 0;
      while (i < sql.length) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
    } else if ((c === 'e' || c === 'E') && next === "'") {
      push('string', quotedEnd(sql, i + 1, "'", true));
    } else if (c === "'") {
      push('string', quotedEnd(sql, i, "'", false));
    } else if (c === '"') {
      push('identifier', quotedEnd(sql, i, '"', false));
    } else if (c === '$') {
      const tag = match(DOLLAR_TAG, sql, i);
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        push('string', close < 0 ? sql.length : close + tag.length);
      } else {
        const param = match(PARAM, sql, i);
        push(param ? 'param' : 'symbol', i + (param?.length ?? 1));
      }
    } else {
      const word = match(WORD, sql, i);
      const num = word ? null : match(NUMBER, sql, i);
      if (word) push('word', i + word.length);
      else if (num) push('number', i + num.length);
      else push('symbol', i + 1);
    }
  }
  return out;
}

/** Statements separated by top-level `;`, empty ones (`;;`, a trailing `;`) left out. */
function statements(tokens: readonly Token[]): Token[][] {
  const out: Token[][] = [[]];
  for (const t of tokens) {
    if (t.kind === 'symbol' && t.text === ';') out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out.filter((s) => s.length > 0);
}

const isSymbol = (t: Token | undefined, s: string): boolean => t?.kind === 'symbol' && t.text === s;
const keyword = (t: Token | undefined): string | null => (t?.kind === 'word' ? t.text.toUpperCase() : null);

/** Index just past the parenthesised group opening at `at`. */
function skipGroup(tokens: readonly Token[], at: number): number {
  let depth = 0;
  for (let i = at; i < tokens.length; i++) {
    if (isSymbol(tokens[i], '(')) depth++;
    else if (isSymbol(tokens[i], ')') && --depth === 0) return i + 1;
  }
  return tokens.length;
}

function reject(kw?: string | null): ReadOnlyCheck {
  return kw ? { ok: false, reason: 'not_read_only', keyword: kw } : { ok: false, reason: 'not_read_only' };
}

function checkStatement(tokens: readonly Token[]): ReadOnlyCheck {
  // A data-modifying statement in parentheses (a CTE body, a subquery) anywhere.
  for (let i = 0; i + 1 < tokens.length; i++) {
    const kw = keyword(tokens[i + 1]);
    if (isSymbol(tokens[i], '(') && kw && MODIFYING.has(kw)) return reject(kw);
  }
  let i = 0;
  while (isSymbol(tokens[i], '(')) i++;
  const first = keyword(tokens[i]);
  if (!first || !READ.has(first)) return reject(first);
  const rest = tokens.slice(i + 1);
  if (first === 'EXPLAIN') {
    // EXPLAIN ANALYZE runs the statement it explains: the statement must be read-only too.
    let j = 0;
    if (keyword(rest[j]) === 'ANALYZE' || keyword(rest[j]) === 'ANALYSE') j++;
    if (isSymbol(rest[j], '(')) j = skipGroup(rest, j);
    return checkStatement(rest.slice(j));
  }
  if (first === 'DESCRIBE' || first === 'SHOW' || first === 'SUMMARIZE') {
    const kw = keyword(rest[0]);
    if (isSymbol(rest[0], '(') || (kw && (READ.has(kw) || OTHER_STATEMENTS.has(kw)))) return checkStatement(rest);
    return { ok: true };
  }
  if (first === 'WITH') return checkWith(rest);
  return { ok: true };
}

/** After WITH: no data-modifying keyword at the top level, and the main statement after the CTEs reads. */
const CTE_WORDS = new Set(['AS', 'NOT', 'MATERIALIZED', 'USING', 'KEY', 'RECURSIVE']);

function checkWith(tokens: readonly Token[]): ReadOnlyCheck {
  let depth = 0;
  let afterGroup = false;
  let main = -1;
  for (const [i, t] of tokens.entries()) {
    if (isSymbol(t, '(')) depth++;
    else if (isSymbol(t, ')')) {
      depth--;
      if (depth < 0) break; // closes a parenthesis opened before WITH
      afterGroup = depth === 0;
      continue;
    }
    if (depth !== 0) continue;
    const kw = keyword(t);
    if (kw && MODIFYING.has(kw)) return reject(kw);
    if (main < 0 && afterGroup && !isSymbol(t, ',') && !(kw && CTE_WORDS.has(kw))) {
      // The first word after the last CTE body begins the main statement.
      if (!kw || !READ.has(kw)) return reject(kw);
      main = i;
    }
    afterGroup = false;
  }
  return main < 0 ? { ok: true } : checkStatement(tokens.slice(main));
}

/**
 * Whether `sql` is exactly one read-only statement: its first keyword (after
 * any opening parentheses) is SELECT, WITH, FROM, VALUES, TABLE, DESCRIBE, SHOW,
 * SUMMARIZE, EXPLAIN, PIVOT or UNPIVOT, and nothing inside it modifies data.
 */
export function isReadOnlySql(sql: string): ReadOnlyCheck {
  const list = statements(tokenize(sql));
  if (list.length === 0) return { ok: false, reason: 'empty' };
  if (list.length > 1) return { ok: false, reason: 'multiple' };
  return checkStatement(list[0]!);
}

/**
 * The statement wrapped so DuckDB returns at most `maxRows + 1` rows (one more
 * than kept, so the caller can tell the result was cut). The user's text goes
 * in whole, minus trailing `;` and comments; `\n` before the `)` closes any line
 * comment inside. EXPLAIN (which cannot be a subquery) and text with unbalanced
 * parentheses are returned as they are, with `capped: false`.
 */
export function cappedSql(sql: string, maxRows: number): { sql: string; capped: boolean } {
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new Error(`cappedSql: maxRows must be a positive integer, got ${maxRows}`);
  const list = statements(tokenize(sql));
  const stmt = list[0];
  if (list.length !== 1 || !stmt) return { sql, capped: false };
  let depth = 0;
  for (const t of stmt) {
    if (isSymbol(t, '(')) depth++;
    else if (isSymbol(t, ')') && --depth < 0) return { sql, capped: false };
  }
  const first = keyword(stmt.find((t) => !isSymbol(t, '(')));
  if (depth !== 0 || !first || first === 'EXPLAIN' || !READ.has(first)) return { sql, capped: false };
  const body = sql.slice(stmt[0]!.start, stmt[stmt.length - 1]!.end);
  return { sql: `SELECT * FROM (${body}\n) LIMIT ${maxRows + 1}`, capped: true };
}

export type ExampleId = 'preview' | 'counts' | 'describe' | 'summarize' | 'monthly' | 'breakdown';

export interface ExampleQuery {
  id: ExampleId;
  /** Fills the example's label, e.g. `{ table: 'demo_orders' }`. */
  params: Record<string, string>;
  sql: string;
}

/** Example queries that run on this workspace: generic ones on its first table, and CRM ones where roles allow. */
export function exampleQueries(tables: readonly TableInfo[]): ExampleQuery[] {
  const first = tables[0];
  if (!first) return [];
  const t = ident(first.name);
  const out: ExampleQuery[] = [
    { id: 'preview', params: { table: first.name }, sql: `SELECT *\nFROM ${t}\nLIMIT 100` },
    {
      id: 'counts',
      params: {},
      sql: tables.map((x) => `SELECT ${lit(x.name)} AS table_name, count(*) AS row_count FROM ${ident(x.name)}`).join('\nUNION ALL\n') + '\nORDER BY row_count DESC',
    },
  ];
  const orders = tables.find((x) => x.kind === 'orders' && x.roles.order_date && x.roles.amount);
  if (orders) {
    const date = dateExpr(roleColumn(orders, 'order_date')!);
    const amount = numberExpr(roleColumn(orders, 'amount')!);
    out.push({
      id: 'monthly',
      params: { table: orders.name },
      sql: `SELECT date_trunc('month', ${date}) AS month,\n  round(sum(${amount}), 2) AS revenue,\n  count(*) AS order_lines\nFROM ${ident(orders.name)}\nGROUP BY 1\nORDER BY 1`,
    });
  }
  const customers = tables.find((x) => x.kind === 'customers');
  const by = customers && (customers.roles.segment ?? customers.roles.region ?? customers.roles.channel);
  if (customers && by) {
    out.push({
      id: 'breakdown',
      params: { table: customers.name, column: by },
      sql: `SELECT ${ident(by)}, count(*) AS customers\nFROM ${ident(customers.name)}\nGROUP BY 1\nORDER BY 2 DESC`,
    });
  }
  out.push(
    { id: 'describe', params: { table: first.name }, sql: `DESCRIBE ${t}` },
    { id: 'summarize', params: { table: first.name }, sql: `SUMMARIZE ${t}` },
  );
  return out;
}

/** What the console shows before anything is typed: a look at the first table, or a query that needs none. */
export function placeholderSql(firstTable: string | undefined): string {
  return firstTable ? `SELECT *\nFROM ${ident(firstTable)}\nLIMIT 100` : 'SELECT 42 AS answer';
}
