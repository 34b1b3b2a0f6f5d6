/**
 * A Parquet file holding only some of another file's columns, built from the
 * original's footer and the byte ranges of the kept column chunks, without
 * decoding a single page. Parquet by URL (remote.ts) uses it to fetch only the
 * column chunks a CRM analysis needs and still hand the app an ordinary
 * `.parquet` File that loads, saves and replays like a dropped one.
 *
 * The footer is Thrift compact protocol; it is decoded into a generic field
 * tree (so fields this code does not know survive untouched), the columns are
 * filtered, the chunk offsets moved, and the tree encoded again. Page indexes
 * and bloom filters are dropped (they point into bytes not fetched); flat
 * schemas only — a nested column's leaves cannot be cut apart safely.
 */

const T_TRUE = 1;
const T_FALSE = 2;
const T_BYTE = 3;
const T_I16 = 4;
const T_I32 = 5;
const T_I64 = 6;
const T_DOUBLE = 7;
const T_BINARY = 8;
const T_LIST = 9;
const T_SET = 10;
const T_STRUCT = 12;

type Value = boolean | bigint | number | Uint8Array | List | Struct;
interface Field {
  id: number;
  type: number;
  value: Value;
}
interface Struct {
  fields: Field[];
}
interface List {
  elemType: number;
  items: Value[];
}

class Reader {
  at = 0;
  constructor(readonly b: Uint8Array) {}
  byte(): number {
    if (this.at >= this.b.length) throw new Error('Parquet footer ends early');
    return this.b[this.at++]!;
  }
  varint(): bigint {
    let out = 0n;
    let shift = 0n;
    for (;;) {
      const x = this.byte();
      out |= BigInt(x & 0x7f) << shift;
      if (!(x & 0x80)) return out;
      shift += 7n;
    }
  }
  zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }
  value(type: number): Value {
    switch (type) {
      case T_TRUE:
        return true;
      case T_FALSE:
        return false;
      case T_BYTE:
        return this.byte();
      case T_I16:
      case T_I32:
      case T_I64:
        return this.zigzag();
      case T_DOUBLE: {
        const v = new DataView(this.b.buffer, this.b.byteOffset + this.at, 8).getFloat64(0, true);
        this.at += 8;
        return v;
      }
      case T_BINARY: {
        const n = Number(this.varint());
        const v = this.b.subarray(this.at, this.at + n);
        this.at += n;
        return v;
      }
      case T_LIST:
      case T_SET: {
        const h = this.byte();
        const elemType = h & 0x0f;
        let size = h >> 4;
        if (size === 15) size = Number(this.varint());
        const items: Value[] = [];
        for (let i = 0; i < size; i++) items.push(elemType === T_TRUE || elemType === T_FALSE ? this.byte() === 1 : this.value(elemType));
        return { elemType, items };
      }
      case T_STRUCT:
        return this.struct();
      default:
        throw new Error(`Parquet footer: Thrift type ${type} not supported`);
    }
  }
  struct(): Struct {
    const fields: Field[] = [];
    let id = 0;
    for (;;) {
      const h = this.byte();
      const type = h & 0x0f;
      if (type === 0) return { fields };
      const delta = h >> 4;
      id = delta ? id + delta : Number(this.zigzag());
      fields.push({ id, type, value: this.value(type) });
    }
  }
}

class Writer {
  private out: number[] = [];
  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
  varint(n: bigint): void {
    while (n >= 0x80n) {
      this.out.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.out.push(Number(n));
  }
  zigzag(n: bigint): void {
    this.varint(n >= 0n ? n << 1n : (-n << 1n) - 1n);
  }
  value(type: number, v: Value): void {
    switch (type) {
      case T_TRUE:
      case T_FALSE:
        return;
      case T_BYTE:
        this.out.push((v as number) & 0xff);
        return;
      case T_I16:
      case T_I32:
      case T_I64:
        this.zigzag(v as bigint);
        return;
      case T_DOUBLE: {
        const d = new DataView(new ArrayBuffer(8));
        d.setFloat64(0, v as number, true);
        this.out.push(...new Uint8Array(d.buffer));
        return;
      }
      case T_BINARY: {
        const b = v as Uint8Array;
        this.varint(BigInt(b.length));
        for (const x of b) this.out.push(x);
        return;
      }
      case T_LIST:
      case T_SET: {
        const l = v as List;
        if (l.items.length < 15) this.out.push((l.items.length << 4) | l.elemType);
        else {
          this.out.push(0xf0 | l.elemType);
          this.varint(BigInt(l.items.length));
        }
        for (const item of l.items) {
          if (l.elemType === T_TRUE || l.elemType === T_FALSE) this.out.push(item ? 1 : 0);
          else this.value(l.elemType, item);
        }
        return;
      }
      case T_STRUCT:
        this.struct(v as Struct);
        return;
      default:
        throw new Error(`Parquet footer: Thrift type ${type} not supported`);
    }
  }
  struct(s: Struct): void {
    let last = 0;
    for (const f of [...s.fields].sort((a, b) => a.id - b.id)) {
      const type = f.type === T_TRUE || f.type === T_FALSE ? (f.value ? T_TRUE : T_FALSE) : f.type;
      const delta = f.id - last;
      if (delta > 0 && delta <= 15) this.out.push((delta << 4) | type);
      else {
        this.out.push(type);
        this.zigzag(BigInt(f.id));
      }
      this.value(type, f.value);
      last = f.id;
    }
    this.out.push(0);
  }
}

const get = (s: Struct, id: number): Value | undefined => s.fields.find((f) => f.id === id)?.value;
const num = (s: Struct, id: number): number | undefined => {
  const v = get(s, id);
  return typeof v === 'bigint' ? Number(v) : undefined;
};
const set = (s: Struct, id: number, type: number, value: Value): void => {
  const f = s.fields.find((x) => x.id === id);
  if (f) {
    f.type = type;
    f.value = value;
  } else s.fields.push({ id, type, value });
};
const drop = (s: Struct, ids: readonly number[]): void => {
  s.fields = s.fields.filter((f) => !ids.includes(f.id));
};
const text = (v: Value | undefined): string => (v instanceof Uint8Array ? new TextDecoder().decode(v) : '');

/** One column chunk: where its bytes lie in the file. */
export interface ChunkRange {
  rowGroup: number;
  column: number;
  start: number;
  length: number;
}

export interface FooterLayout {
  /** Top-level columns in schema order; `null` when the schema is nested (then no subset can be cut). */
  columns: string[] | null;
  rowGroups: number;
  /** Compressed bytes per column over all row groups (the cost of reading it). */
  columnBytes: number[];
  chunks: ChunkRange[];
  numRows: number;
}

function decodeFooter(footer: Uint8Array): Struct {
  return new Reader(footer).struct();
}

function chunkRange(chunk: Struct): { start: number; length: number } {
  const meta = get(chunk, 3) as Struct | undefined;
  if (!meta) throw new Error('Parquet footer: a column chunk has no metadata (external file?)');
  const dict = num(meta, 11);
  const data = num(meta, 9) ?? 0;
  return { start: dict || data, length: num(meta, 7) ?? 0 };
}

/** The columns and where each of their chunks lies, from the footer's bytes (without the trailing length and magic). */
export function footerLayout(footer: Uint8Array): FooterLayout {
  const root = decodeFooter(footer);
  const schema = ((get(root, 2) as List | undefined)?.items ?? []) as Struct[];
  const leaves = schema.slice(1);
  const flat = leaves.every((el) => !num(el, 5));
  const columns = flat ? leaves.map((el) => text(get(el, 4))) : null;
  const groups = ((get(root, 4) as List | undefined)?.items ?? []) as Struct[];
  const chunks: ChunkRange[] = [];
  const columnBytes: number[] = [];
  groups.forEach((g, rowGroup) => {
    (((get(g, 1) as List | undefined)?.items ?? []) as Struct[]).forEach((c, column) => {
      const r = chunkRange(c);
      chunks.push({ rowGroup, column, ...r });
      columnBytes[column] = (columnBytes[column] ?? 0) + r.length;
    });
  });
  return { columns, rowGroups: groups.length, columnBytes, chunks, numRows: num(root, 3) ?? 0 };
}

const MAGIC = new TextEncoder().encode('PAR1');

/**
 * A valid Parquet file with only the columns at `keep` (indexes into the flat
 * schema): `chunk(rowGroup, column)` gives each kept chunk's original bytes.
 */
export function subsetParquet(footer: Uint8Array, keep: readonly number[], chunk: (rowGroup: number, column: number) => Uint8Array): Uint8Array {
  const root = decodeFooter(footer);
  const kept = new Set(keep);
  const schemaList = get(root, 2) as List;
  const [top, ...leaves] = schemaList.items as Struct[];
  if (!top || leaves.some((el) => num(el, 5))) throw new Error('Parquet subset: nested schemas are read whole');
  schemaList.items = [top, ...leaves.filter((_, i) => kept.has(i))];
  set(top, 5, T_I32, BigInt(kept.size));
  const orders = get(root, 7) as List | undefined;
  if (orders) orders.items = orders.items.filter((_, i) => kept.has(i));

  const parts: Uint8Array[] = [MAGIC];
  let at = MAGIC.length;
  const groups = ((get(root, 4) as List | undefined)?.items ?? []) as Struct[];
  groups.forEach((g, rowGroup) => {
    const list = get(g, 1) as List;
    const columns = (list.items as Struct[]).map((c, column) => ({ c, column })).filter(({ column }) => kept.has(column));
    let compressed = 0;
    let uncompressed = 0;
    const first = at;
    for (const { c, column } of columns) {
      const bytes = chunk(rowGroup, column);
      const { start, length } = chunkRange(c);
      if (bytes.length !== length) throw new Error(`Parquet subset: chunk ${rowGroup}/${column} has ${bytes.length} bytes, expected ${length}`);
      const meta = get(c, 3) as Struct;
      const move = (id: number): void => {
        const v = num(meta, id);
        if (v) set(meta, id, T_I64, BigInt(at + (v - start)));
      };
      move(9);
      move(11);
      // Page indexes and bloom filters live outside the chunk, in bytes not fetched.
      drop(meta, [10, 14, 15]);
      drop(c, [4, 5, 6, 7]);
      set(c, 2, T_I64, BigInt(at));
      compressed += length;
      uncompressed += num(meta, 6) ?? length;
      parts.push(bytes);
      at += length;
    }
    list.items = columns.map(({ c }) => c);
    set(g, 2, T_I64, BigInt(uncompressed));
    // Sorting columns name indexes that no longer exist.
    drop(g, [4]);
    if (get(g, 5) !== undefined) set(g, 5, T_I64, BigInt(first));
    if (get(g, 6) !== undefined) set(g, 6, T_I64, BigInt(compressed));
  });
  const w = new Writer();
  w.struct(root);
  const meta = w.bytes();
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, meta.length, true);
  parts.push(meta, len, MAGIC);
  const out = new Uint8Array(at + meta.length + 8);
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}
