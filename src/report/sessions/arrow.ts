/**
 * The tables `cutSessions` made, as Arrow IPC streams DuckDB takes in one
 * call each (`Db.insertArrowIpc`), with the columns and types of the SQL's
 * `s`, `j` and `tp`: ids and touchpoints as dictionary-encoded text (DuckDB
 * reads them as VARCHAR), times as TIMESTAMP, flags as BOOLEAN, a session's
 * touchpoints past its last step and a non-converting one's conversion as NULL.
 */
import { Bool, Dictionary, Field, Int32, Int64, List, makeData, makeVector, Table, tableFromIPC, tableToIPC, TimestampMicrosecond, Utf8, type Data, type Vector } from 'apache-arrow';
import { arrowToRaw } from '../../db/rows.ts';
import type { TextColumn } from '../../db/types.ts';
import { PATH_STEPS } from '../../metrics/journeys.ts';
import { cutSessions, type SessionEvents, type SessionTables } from './cut.ts';

/**
 * IPC streams of the sessions (`s`), journeys (`j`) and events per touchpoint
 * (`tp`). The steps (`sp`) are not sent: only a Sankey of more than eight
 * steps reads them, and a view computes them then (`stepsSql`); sending them
 * cost more than the rest together.
 */
export interface SessionIpc {
  sessions: Uint8Array;
  journeys: Uint8Array;
  touchpoints: Uint8Array;
}

/** A validity bitmap (bit set = present) from a test per row, with its NULL count; none when nothing is NULL. */
function validity(rows: number, present: (r: number) => boolean): { nullBitmap?: Uint8Array; nullCount: number } {
  const bits = new Uint8Array(Math.ceil(rows / 8));
  let nulls = 0;
  for (let r = 0; r < rows; r++) {
    if (present(r)) bits[r >> 3]! |= 1 << (r & 7);
    else nulls++;
  }
  return nulls === 0 ? { nullCount: 0 } : { nullBitmap: bits, nullCount: nulls };
}

const int32 = (a: Int32Array, rows: number): Data => makeData({ type: new Int32(), length: rows, nullCount: 0, data: a.subarray(0, rows) });

/** Whole numbers (in doubles or ints) as 64-bit integers, written as two 32-bit words, no BigInt per row; NaN is left 0. */
function words64(a: ArrayLike<number>, rows: number): BigInt64Array {
  const words = new Int32Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    const v = a[r]!;
    if (Number.isNaN(v)) continue;
    const hi = Math.floor(v / 4294967296);
    words[2 * r] = v - hi * 4294967296;
    words[2 * r + 1] = hi;
  }
  return new BigInt64Array(words.buffer);
}

/** Whole numbers as BIGINT. */
function int64(a: ArrayLike<number>, rows: number): Data {
  return makeData({ type: new Int64(), length: rows, nullCount: 0, data: words64(a, rows) });
}

function bool(a: Uint8Array, rows: number): Data {
  const bits = new Uint8Array(Math.ceil(rows / 8));
  for (let r = 0; r < rows; r++) if (a[r] === 1) bits[r >> 3]! |= 1 << (r & 7);
  return makeData({ type: new Bool(), length: rows, nullCount: 0, data: bits });
}

/** Epoch microseconds (whole numbers in doubles) as TIMESTAMP, NaN as NULL. */
function timestamp(a: Float64Array, rows: number): Data {
  return makeData({ type: new TimestampMicrosecond(), length: rows, ...validity(rows, (r) => !Number.isNaN(a[r]!)), data: words64(a, rows) });
}

function utf8(t: TextColumn): Data<Utf8> {
  return makeData({ type: new Utf8(), length: t.offsets.length - 1, nullCount: 0, valueOffsets: t.offsets, data: t.bytes });
}

/** Codes into `dict` as dictionary-encoded text; a negative code is NULL. */
function text(codes: Int32Array, rows: number, dict: Vector<Utf8>): Data {
  const c = codes.subarray(0, rows);
  return makeData({ type: new Dictionary(new Utf8(), new Int32()), length: rows, ...validity(rows, (r) => c[r]! >= 0), data: c, dictionary: dict });
}

function ipc(columns: Record<string, Data>): Uint8Array {
  return tableToIPC(new Table(Object.fromEntries(Object.entries(columns).map(([k, d]) => [k, makeVector(d)]))), 'stream');
}

export function sessionTablesIpc(t: SessionTables): SessionIpc {
  const cids = makeVector(utf8(t.cids));
  const names = makeVector(utf8(t.names));
  const s = t.sessions;
  const convStep = s.convStep.subarray(0, s.rows);
  const sessions = ipc({
    cid: text(s.cid, s.rows, cids), session: int32(s.session, s.rows), k0: int32(s.k0, s.rows), start_ts: timestamp(s.startTs, s.rows), steps: int32(s.steps, s.rows),
    channel: text(s.channel, s.rows, names), converted: bool(s.converted, s.rows),
    conv_step: makeData({ type: new Int32(), length: s.rows, ...validity(s.rows, (r) => convStep[r]! > 0), data: convStep }),
    conv_ts: timestamp(s.convTs, s.rows), events: int64(s.events, s.rows),
    ...Object.fromEntries(Array.from({ length: PATH_STEPS }, (_, k) => [`p${k + 1}`, text(s.p[k]!, s.rows, names)])),
  });
  const j = t.journeys;
  const journeys = ipc({
    customer_id: text(j.cid, j.rows, cids),
    path: makeData({ type: new List(new Field('item', new Utf8(), true)), length: j.rows, nullCount: 0, valueOffsets: j.pathOffsets.subarray(0, j.rows + 1), child: channelTexts(j.path.subarray(0, j.pathOffsets[j.rows]), t.names) }),
    converted: bool(j.converted, j.rows),
  });
  const used = Array.from(t.touchpointEvents.keys()).filter((code) => t.touchpointEvents[code]! > 0);
  const touchpoints = ipc({
    touchpoint: text(Int32Array.from(used), used.length, names),
    events: int64(used.map((code) => t.touchpointEvents[code]!), used.length),
  });
  return { sessions, journeys, touchpoints };
}

/** The names of `codes`, as a plain text column (a list's items). */
function channelTexts(codes: Int32Array, names: TextColumn): Data<Utf8> {
  const offsets = new Int32Array(codes.length + 1);
  for (let i = 0; i < codes.length; i++) offsets[i + 1] = offsets[i]! + names.offsets[codes[i]! + 1]! - names.offsets[codes[i]!]!;
  const bytes = new Uint8Array(offsets[codes.length]!);
  for (let i = 0; i < codes.length; i++) bytes.set(names.bytes.subarray(names.offsets[codes[i]!]!, names.offsets[codes[i]! + 1]!), offsets[i]!);
  return utf8({ offsets, bytes });
}

/**
 * The events as `sessionEventsSql` returns them (an Arrow IPC stream) cut
 * into the tables' IPC streams; null when there are no events.
 */
export function cutFromIpc(events: Uint8Array, gapMinutes: number): SessionIpc | null {
  const raw = arrowToRaw(tableFromIPC(events));
  if (raw.rows === 0) return null;
  const e: SessionEvents = { rows: raw.rows, cid: raw.text.cid!, touchpoint: raw.text.touchpoint!, channel: raw.text.channel!, ts: raw.numbers.ts!, conv: raw.numbers.conv! };
  return sessionTablesIpc(cutSessions(e, gapMinutes));
}

/**
 * `cutFromIpc`, in a worker in the browser (client.ts), in-process elsewhere. It takes a promise
 * of the events: a worker starts while DuckDB still reads them.
 */
export type SessionCutter = (events: Promise<Uint8Array>, gapMinutes: number, signal?: AbortSignal) => Promise<SessionIpc | null>;

/** In-process: Node (tests, the bench's Node run), where nothing waits to paint. */
export const inlineCutter: SessionCutter = async (events, gapMinutes) => cutFromIpc(await events, gapMinutes);
