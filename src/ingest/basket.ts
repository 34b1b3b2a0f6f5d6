/**
 * Basket files: one shopping basket per line, its items separated by a
 * delimiter, as many items as the basket had (the arules `Groceries` export,
 * many Kaggle market-basket sets). No header fits such lines, so DuckDB cannot
 * read them as a table; they are rewritten long, one row per item, as
 * `(basket_id, item)`.
 */

export interface BasketLayout {
  delimiter: string;
  /** The first line names things (`items`, `Item 1,Item 2…`) and is skipped. */
  header: boolean;
  /** Each line starts with its own id (unique, never an item elsewhere), used as `basket_id`. */
  idColumn: boolean;
}

const DELIMITERS = [',', ';', '\t', '|'] as const;
/** Lines looked at. */
const HEAD_LINES = 500;
const MIN_LINES = 5;
/** At least this share of lines hold the delimiter (single-item baskets have none). */
const MIN_DELIMITED_SHARE = 0.3;
/** At most this share of lines have the most common field count: a table's lines nearly all do. */
const MAX_MODAL_SHARE = 0.6;
/** Items recur: at least this share of the items written are ones that occur more than once. */
const MIN_RECURRING_SHARE = 0.3;
const MAX_MEDIAN_ITEM_LENGTH = 40;
/** Of the items that recur, at least this share turn up at more than one position in a line. */
const MIN_WANDERING_SHARE = 0.3;
/** Too few lines to tell a header from a first basket whose items happen not to recur. */
const MIN_LINES_FOR_HEADER = 20;
/** 2024-01-31, 2024/1/31, 31.01.2024, 1/31/24, with or without a time. */
const DATE_LIKE = /^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})([ T]\d{1,2}:\d{2}.*)?$/;

/** Split one line on `delimiter`, honouring `"…"` quotes (items hold no line breaks). */
export function splitLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === delimiter) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** A line's fields, trimmed, without the empty ones at the end (padding like `a,b,,,`). */
function fields(line: string, delimiter: string): string[] {
  const f = splitLine(line, delimiter).map((s) => s.trim());
  while (f.length > 0 && f[f.length - 1] === '') f.pop();
  return f;
}

/**
 * Is this the head of a basket file? Yes when lines hold a delimiter, their
 * item counts vary (no field count dominates, as it does in any table), and
 * items are short and recur. `complete`: `head` is the whole file (else its
 * last line may be cut and is ignored).
 */
export function sniffBaskets(head: string, complete = false): BasketLayout | null {
  const all = head.split(/\r?\n/);
  if (!complete && all.length > 1) all.pop();
  const lines = all.filter((l) => l.trim() !== '').slice(0, HEAD_LINES);
  if (lines.length < MIN_LINES) return null;

  let delimiter: string = DELIMITERS[0];
  let best = -1;
  for (const d of DELIMITERS) {
    const n = lines.filter((l) => l.includes(d)).length;
    if (n > best) [delimiter, best] = [d, n];
  }
  if (best < MIN_DELIMITED_SHARE * lines.length) return null;

  // A table keeps its field count even where cells are empty; a basket list does not.
  const raw = lines.map((l) => fields(l, delimiter));
  const counts = new Map<number, number>();
  for (const s of raw) counts.set(s.length, (counts.get(s.length) ?? 0) + 1);
  const modal = Math.max(...counts.values());
  if (counts.size < 3 || modal > MAX_MODAL_SHARE * lines.length) return null;

  const split = raw.map((s) => s.filter((t) => t !== ''));
  const [first, ...rest] = split;
  const rawBody = (header: boolean) => (header ? raw.slice(1) : raw);
  const restTokens = rest.flat();
  const inRest = new Set(restTokens);
  // A header's words do not recur as items; a first basket's items do.
  const header = rest.length >= MIN_LINES_FOR_HEADER && first !== undefined && first.every((t) => !inRest.has(t)) && !first.some((t) => /^\d+([.,]\d+)?$/.test(t));
  const body = header ? rest : split;

  const firsts = body.map((s) => s[0] ?? '');
  const others = new Set(body.flatMap((s) => s.slice(1)));
  const idColumn = new Set(firsts).size === firsts.length && firsts.every((f) => /\d/.test(f) && !others.has(f));
  const tokens = body.flatMap((s) => (idColumn ? s.slice(1) : s));
  if (tokens.length === 0) return null;
  const seen = new Map<string, number>();
  for (const t of tokens) seen.set(t, (seen.get(t) ?? 0) + 1);
  const recurring = tokens.filter((t) => seen.get(t)! > 1).length;
  if (recurring < MIN_RECURRING_SHARE * tokens.length) return null;
  // In a table a value keeps to its column; in baskets an item turns up first, second, fifth…
  // Positions count empty fields: a table's blank cells do not move the values after them.
  const positions = new Map<string, Set<number>>();
  for (const s of rawBody(header)) s.forEach((t, i) => { if (t === '') return; if (!positions.has(t)) positions.set(t, new Set()); positions.get(t)!.add(i); });
  // Dates are never items, and in a table they move between its date columns (created, qualified, won…).
  const repeated = [...seen].filter(([t, n]) => n > 1 && !DATE_LIKE.test(t)).map(([t]) => t);
  if (repeated.length === 0) return null;
  const wandering = repeated.filter((t) => positions.get(t)!.size > 1).length;
  if (wandering < MIN_WANDERING_SHARE * repeated.length) return null;
  const lengths = tokens.map((t) => t.length).sort((a, b) => a - b);
  if (lengths[Math.floor(lengths.length / 2)]! > MAX_MEDIAN_ITEM_LENGTH) return null;
  return { delimiter, header, idColumn };
}

export interface BasketCsv {
  /** `basket_id,item` lines. */
  csv: string;
  baskets: number;
  /** Item rows written. */
  rows: number;
  /** Distinct items. */
  items: number;
  /** Items that had spaces around them (`cream cheese `), trimmed. */
  trimmed: number;
  /** `basket_id` is a number (a running count, or ids that all are whole numbers). */
  numericIds: boolean;
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Rewrite a basket file as a long `basket_id,item` CSV; baskets are numbered 1, 2, … unless lines carry an id. */
export function basketsToCsv(text: string, layout: BasketLayout): BasketCsv {
  const out: string[] = ['basket_id,item'];
  const distinct = new Set<string>();
  let baskets = 0;
  let trimmed = 0;
  let numericIds = true;
  let skipHeader = layout.header;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    if (skipHeader) {
      skipHeader = false;
      continue;
    }
    const raw = splitLine(line, layout.delimiter);
    let id = String(baskets + 1);
    if (layout.idColumn) {
      id = (raw.shift() ?? '').trim();
      if (!/^-?\d{1,15}$/.test(id)) numericIds = false;
    }
    let wrote = false;
    for (const field of raw) {
      const item = field.trim();
      if (item === '') continue;
      if (item !== field) trimmed++;
      distinct.add(item);
      out.push(`${csvField(id)},${csvField(item)}`);
      wrote = true;
    }
    if (wrote) baskets++;
  }
  return { csv: out.join('\n') + '\n', baskets, rows: out.length - 1, items: distinct.size, trimmed, numericIds };
}
