/**
 * Market baskets as transactions for rule mining (rules.ts): (basket, item)
 * pairs, either from DuckDB through `basketItemsSql` (items as integer codes
 * plus one dictionary, so little crosses the worker boundary) or built in
 * memory. The SQL builder is pure; `fetchTransactions` runs it.
 */
import type { Db, Row } from '../db/types.ts';
import { ident, lit, litList, type SqlValue } from '../lib/sql.ts';

/**
 * Baskets in compressed sparse row form: basket `b` holds the item codes
 * `codes[offsets[b]] … codes[offsets[b + 1] - 1]`, each at most once. An item's
 * code is its index in `items`.
 */
export interface Transactions {
  items: readonly string[];
  /** Number of baskets support is a share of; can exceed `offsets.length - 1` when baskets without kept items were dropped. */
  baskets: number;
  offsets: Uint32Array;
  codes: Uint32Array;
}

/**
 * Transactions from baskets given as lists of item labels. Repeated items in a
 * basket count once; empty baskets still count as baskets. Codes follow the
 * order in which items are first seen.
 */
export function transactionsFromBaskets(baskets: Iterable<readonly string[]>): Transactions {
  const index = new Map<string, number>();
  const items: string[] = [];
  const offsets: number[] = [0];
  const codes: number[] = [];
  const seen = new Set<number>();
  for (const basket of baskets) {
    seen.clear();
    for (const item of basket) {
      let code = index.get(item);
      if (code === undefined) {
        code = items.length;
        index.set(item, code);
        items.push(item);
      }
      if (!seen.has(code)) {
        seen.add(code);
        codes.push(code);
      }
    }
    offsets.push(codes.length);
  }
  return { items, baskets: offsets.length - 1, offsets: Uint32Array.from(offsets), codes: Uint32Array.from(codes) };
}

/**
 * Transactions from (basket key, item label) pairs in any order; duplicate
 * pairs count once. Baskets are ordered by first appearance.
 */
export function transactionsFromPairs(pairs: Iterable<readonly [string | number, string]>): Transactions {
  const byBasket = new Map<string | number, string[]>();
  for (const [basket, item] of pairs) {
    let list = byBasket.get(basket);
    if (!list) byBasket.set(basket, (list = []));
    list.push(item);
  }
  return transactionsFromBaskets(byBasket.values());
}

// ---------------------------------------------------------------- SQL

/** A condition on a column of the source table, e.g. leave out `Item = 'NONE'` or keep one year. */
export type BasketFilter =
  | { column: string; op: '=' | '<>' | '<' | '<=' | '>' | '>='; value: SqlValue }
  | { column: string; op: 'in' | 'not in'; values: readonly SqlValue[] }
  | { column: string; op: 'is null' | 'is not null' };

/** The two queries of `basketItemsSql`. */
export interface BasketItemsQuery {
  /**
   * The item dictionary: `item_code` (INTEGER, 0…, most frequent first, ties by
   * label), `item` (VARCHAR), `baskets` (baskets holding it) and
   * `total_baskets` (the same on every row: all baskets with at least one item).
   */
  items: string;
  /**
   * Distinct (`basket_code`, `item_code`) pairs, INTEGER both, ordered by
   * basket then item; `basket_code` numbers baskets 0… by their key.
   */
  pairs: string;
}

function filterSql(f: BasketFilter): string {
  const c = ident(f.column);
  switch (f.op) {
    case 'is null':
      return `${c} IS NULL`;
    case 'is not null':
      return `${c} IS NOT NULL`;
    case 'in':
    case 'not in':
      if (f.values.length === 0) return f.op === 'in' ? 'FALSE' : 'TRUE';
      return `${c} ${f.op === 'in' ? 'IN' : 'NOT IN'} (${litList(f.values)})`;
    default:
      return `${c} ${f.op} ${lit(f.value)}`;
  }
}

/**
 * Distinct (basket, item) pairs of `table` as integer codes, plus the code →
 * label dictionary. Rows with a NULL basket or item, or an item that is blank
 * after trimming, are left out; items are compared as trimmed text. `filters`
 * are ANDed. `minItemBaskets` drops pairs of items in fewer baskets than that
 * from `pairs` (pass the mining threshold, `ceil(minSupport · total_baskets)`,
 * to transfer less); `total_baskets` still counts every basket.
 */
export function basketItemsSql(
  table: string,
  basketColumn: string,
  itemColumn: string,
  filters: readonly BasketFilter[] = [],
  opts: { minItemBaskets?: number } = {},
): BasketItemsQuery {
  const b = ident(basketColumn);
  const i = ident(itemColumn);
  const where = [`${b} IS NOT NULL`, `${i} IS NOT NULL`, ...filters.map(filterSql)].join(' AND ');
  const minBaskets = Math.max(0, Math.ceil(opts.minItemBaskets ?? 0));
  const ctes = [
    'WITH p AS (',
    `  SELECT DISTINCT ${b} AS basket, trim(CAST(${i} AS VARCHAR)) AS item`,
    `  FROM ${ident(table)}`,
    `  WHERE ${where}`,
    '), kept AS (',
    "  SELECT basket, item FROM p WHERE item <> ''",
    '), d AS (',
    '  SELECT item, count(*) AS baskets FROM kept GROUP BY item',
    '), coded AS (',
    '  SELECT CAST(row_number() OVER (ORDER BY baskets DESC, item) - 1 AS INTEGER) AS item_code, item, baskets FROM d',
    ')',
  ].join('\n');
  const items = [
    ctes,
    'SELECT item_code, item, baskets, (SELECT count(DISTINCT basket) FROM kept) AS total_baskets',
    'FROM coded',
    'ORDER BY item_code',
  ].join('\n');
  const pairs = [
    ctes,
    'SELECT CAST(dense_rank() OVER (ORDER BY kept.basket) - 1 AS INTEGER) AS basket_code, coded.item_code',
    'FROM kept JOIN coded ON coded.item = kept.item',
    ...(minBaskets > 1 ? [`WHERE coded.baskets >= ${minBaskets}`] : []),
    'ORDER BY basket_code, item_code',
  ].join('\n');
  return { items, pairs };
}

/**
 * Transactions from the rows of `basketItemsSql`'s two queries. Basket codes
 * need not be dense (filtered items leave gaps); baskets are counted from
 * `total_baskets`.
 */
export function transactionsFromRows(itemRows: readonly Row[], pairRows: readonly Row[]): Transactions {
  return transactionsFromColumns(
    itemRows,
    pairRows.map((r) => Number(r.basket_code)),
    pairRows.map((r) => Number(r.item_code)),
  );
}

/** The same from the pairs query read as columns (`Db.queryColumns`), without a row object per pair. */
export function transactionsFromColumns(itemRows: readonly Row[], basketCodes: ArrayLike<number>, itemCodes: ArrayLike<number>): Transactions {
  const builder = new PairsBuilder(basketCodes.length);
  builder.add(basketCodes, itemCodes);
  return builder.finish(itemRows);
}

/**
 * Transactions from the pairs query's columns a record batch at a time: a million pairs
 * are then read in a few hundred short steps on the page's thread, not copied into one
 * result and walked again in a single long one.
 */
class PairsBuilder {
  #codes: Uint32Array;
  #size = 0;
  #offsets = new Uint32Array(1024);
  #baskets = 0;
  #last = -1;

  /** `capacity`: the number of pairs expected (more or fewer only costs a copy). */
  constructor(capacity: number) {
    this.#codes = new Uint32Array(Math.max(capacity, 16));
  }

  add(basketCodes: ArrayLike<number>, itemCodes: ArrayLike<number>): void {
    const m = basketCodes.length;
    if (this.#size + m > this.#codes.length) {
      const grown = new Uint32Array(Math.max(this.#codes.length * 2, this.#size + m));
      grown.set(this.#codes.subarray(0, this.#size));
      this.#codes = grown;
    }
    const codes = this.#codes;
    let last = this.#last;
    let at = this.#size;
    for (let k = 0; k < m; k++, at++) {
      const basket = basketCodes[k]!;
      if (basket < last) throw new Error('basket items: pairs must be ordered by basket_code');
      if (basket !== last && at > 0) this.#startBasket(at);
      last = basket;
      codes[at] = itemCodes[k]!;
    }
    this.#last = last;
    this.#size = at;
  }

  /** Basket boundaries: offsets[0] = 0, then where each next basket starts. */
  #startBasket(at: number): void {
    if (this.#baskets + 2 > this.#offsets.length) {
      const grown = new Uint32Array(this.#offsets.length * 2);
      grown.set(this.#offsets);
      this.#offsets = grown;
    }
    this.#offsets[++this.#baskets] = at;
  }

  finish(itemRows: readonly Row[]): Transactions {
    const items = itemRows.map((r, k) => {
      if (Number(r.item_code) !== k) throw new Error(`basket items: item codes must be 0…n-1 in order, row ${k} has ${String(r.item_code)}`);
      return String(r.item);
    });
    const total = itemRows.length > 0 ? Number(itemRows[0]!.total_baskets) : 0;
    const n = this.#size;
    if (n > 0) this.#startBasket(n);
    // Exactly sized: these go to the mining worker, and a view would carry its whole buffer along.
    const offsets = this.#offsets.slice(0, this.#baskets + 1);
    const codes = this.#codes.length === n ? this.#codes : this.#codes.slice(0, n);
    return { items, baskets: Math.max(total, offsets.length - 1), offsets, codes };
  }
}

/** Run `basketItemsSql`'s queries on `db` and build the transactions (batch by batch where the database streams them). */
export async function fetchTransactions(db: Db, query: BasketItemsQuery): Promise<Transactions> {
  const items = await db.query(query.items);
  // Every pair is one basket of one item: the items' basket counts add up to the pairs (fewer with `minItemBaskets`).
  const builder = new PairsBuilder(items.rows.reduce((n, r) => n + Number(r.baskets), 0));
  if (db.queryBatches) {
    for await (const part of db.queryBatches(query.pairs)) builder.add(part.values.basket_code as Float64Array, part.values.item_code as Float64Array);
  } else {
    const pairs = await db.queryColumns(query.pairs);
    builder.add(pairs.values.basket_code as Float64Array, pairs.values.item_code as Float64Array);
  }
  return builder.finish(items.rows);
}
