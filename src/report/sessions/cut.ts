/**
 * Sessions cut from events on typed arrays: the same sessions, journeys and
 * touchpoint tables as the SQL of `sessionTableSql` (src/metrics/journeys.ts),
 * which stays the definition (test/unit/sessions-cut.test.ts compares the
 * two on awkward generated events). Why a second way: on a first run
 * DuckDB-WASM's sort and window code is cold, and 1M events took 6–7 s in
 * Chromium; here the events are read once (`sessionEventsSql`), grouped by
 * customer with a counting sort, ordered in each customer, and walked once.
 *
 * Text arrives as UTF-8 bytes with offsets (no string per row): ids and
 * touchpoints are grouped by their bytes, and touchpoints ordered by their
 * bytes, as DuckDB orders VARCHAR.
 */
import type { TextColumn } from '../../db/types.ts';
import { PATH_STEPS } from '../../metrics/journeys.ts';
import { ByteDict, compareBytes } from '../../db/byte-dict.ts';

/** The events as `sessionEventsSql` returns them: no NULLs; `ts` in epoch microseconds, `conv` 0 or 1. */
export interface SessionEvents {
  rows: number;
  cid: TextColumn;
  touchpoint: TextColumn;
  channel: TextColumn;
  ts: Float64Array;
  conv: Float64Array;
}


/** One row per session, as the SQL's `s`: `convStep` 0 and `convTs` NaN when it does not convert; `p[k]` −1 past its last step. */
export interface SessionRows {
  rows: number;
  cid: Int32Array;
  session: Int32Array;
  k0: Int32Array;
  startTs: Float64Array;
  steps: Int32Array;
  channel: Int32Array;
  converted: Uint8Array;
  convStep: Int32Array;
  convTs: Float64Array;
  events: Int32Array;
  p: Int32Array[];
}

/** One row per customer, as the SQL's `j`: the path (channel codes) of customer i is `path[pathOffsets[i] … pathOffsets[i+1])`. */
export interface JourneyRows {
  rows: number;
  cid: Int32Array;
  pathOffsets: Int32Array;
  path: Int32Array;
  converted: Uint8Array;
}

export interface SessionTables {
  /** Distinct customer ids, first seen first. */
  cids: TextColumn;
  /** Distinct touchpoints and channels. */
  names: TextColumn;
  /** Events per touchpoint, by code into `names` (0 for a name only ever a channel), as the SQL's `tp`. */
  touchpointEvents: Int32Array;
  sessions: SessionRows;
  journeys: JourneyRows;
}

/**
 * The sessions, journeys and events per touchpoint of `events`, sessions ending after more
 * than `gapMinutes` without an event. Same rules as `stepCtes`: events in
 * order of time, touchpoint, then channel; a step is a run of events on one touchpoint
 * within a session; a step converts when any of its events does.
 */
export function cutSessions(events: SessionEvents, gapMinutes: number): SessionTables {
  if (!Number.isInteger(gapMinutes) || gapMinutes < 1) throw new Error(`Session gap (minutes) must be a whole number ≥ 1, got ${gapMinutes}`);
  const n = events.rows;
  const { ts } = events;
  const gap = gapMinutes * 60_000_000;

  const cidDict = new ByteDict(Math.min(n, 1 << 16));
  const cid = new Int32Array(n);
  for (let r = 0; r < n; r++) cid[r] = cidDict.code(events.cid, r);
  const nameDict = new ByteDict(64);
  const tp = new Int32Array(n);
  const ch = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    tp[r] = nameDict.code(events.touchpoint, r);
    ch[r] = nameDict.code(events.channel, r);
  }
  const names = nameDict.values();
  // Touchpoints and channels break ties of time in their byte order.
  const byName = Array.from({ length: nameDict.size }, (_, i) => i).sort((i, j) => compareBytes(names, i, j));
  const rank = new Int32Array(nameDict.size);
  byName.forEach((code, i) => (rank[code] = i));
  // One number per event for the ties: touchpoint's rank, then channel's.
  const tie = new Float64Array(n);
  for (let r = 0; r < n; r++) tie[r] = rank[tp[r]!]! * nameDict.size + rank[ch[r]!]!;

  // Events grouped by customer (counting sort), then in order within each customer.
  const customers = cidDict.size;
  const start = new Int32Array(customers + 1);
  for (let r = 0; r < n; r++) start[cid[r]! + 1]!++;
  for (let c = 0; c < customers; c++) start[c + 1]! += start[c]!;
  const at = start.slice(0, customers);
  const order = new Int32Array(n);
  for (let r = 0; r < n; r++) order[at[cid[r]!]!++] = r;
  // Ties of time go by touchpoint, then channel (the step's channel is its first event's), then as read.
  const before = (x: number, y: number): boolean => ts[x]! < ts[y]! || (ts[x] === ts[y] && (tie[x]! < tie[y]! || (tie[x] === tie[y] && x < y)));
  for (let c = 0; c < customers; c++) {
    const a = start[c]!;
    const b = start[c + 1]!;
    if (b - a > 32) {
      order.subarray(a, b).sort((x, y) => (before(x, y) ? -1 : before(y, x) ? 1 : 0));
      continue;
    }
    for (let i = a + 1; i < b; i++) {
      const x = order[i]!;
      let j = i - 1;
      while (j >= a && before(x, order[j]!)) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = x;
    }
  }

  const sessions = walkSessions(events, order, start, tp, ch, gap);
  const touchpointEvents = new Int32Array(nameDict.size);
  for (let r = 0; r < n; r++) touchpointEvents[tp[r]!]!++;
  return { cids: cidDict.values(), names, touchpointEvents, sessions, journeys: journeyRows(sessions, customers) };
}

/**
 * The sessions, in one walk over each customer's ordered events (the steps
 * are not kept: the sessions carry what the measures read of them). A step
 * starts with the session or on another touchpoint; a session's first
 * converting event is in its first converting step.
 */
function walkSessions(events: SessionEvents, order: Int32Array, start: Int32Array, tp: Int32Array, ch: Int32Array, gap: number): SessionRows {
  const { ts, conv } = events;
  const newSession = (c: number, i: number): boolean => i === start[c] || ts[order[i]!]! - ts[order[i - 1]!]! > gap;
  // Sessions counted first, so the columns are made to size.
  let cap = 0;
  for (let c = 0; c + 1 < start.length; c++) for (let i = start[c]!; i < start[c + 1]!; i++) if (newSession(c, i)) cap++;
  const s: SessionRows = {
    rows: cap, cid: new Int32Array(cap), session: new Int32Array(cap), k0: new Int32Array(cap), startTs: new Float64Array(cap), steps: new Int32Array(cap),
    channel: new Int32Array(cap), converted: new Uint8Array(cap), convStep: new Int32Array(cap), convTs: new Float64Array(cap), events: new Int32Array(cap),
    p: Array.from({ length: PATH_STEPS }, () => new Int32Array(cap).fill(-1)),
  };
  let m = -1;
  for (let c = 0; c + 1 < start.length; c++) {
    let session = 0;
    let ks = 0;
    let ptp = -1;
    for (let i = start[c]!; i < start[c + 1]!; i++) {
      const e = order[i]!;
      const fresh = newSession(c, i);
      if (fresh) {
        m++;
        s.cid[m] = c;
        s.session[m] = ++session;
        s.k0[m] = ks + 1;
        s.startTs[m] = ts[e]!;
        s.channel[m] = ch[e]!;
        s.convTs[m] = NaN;
      }
      if (fresh || tp[e] !== ptp) {
        ks++;
        const k = s.steps[m]!++;
        if (k < PATH_STEPS) s.p[k]![m] = tp[e]!;
      }
      s.events[m]!++;
      if (conv[e] === 1 && s.converted[m] === 0) {
        s.converted[m] = 1;
        s.convStep[m] = ks - s.k0[m]! + 1;
        s.convTs[m] = ts[e]!;
      }
      ptp = tp[e]!;
    }
  }
  return s;
}

function journeyRows(s: SessionRows, customers: number): JourneyRows {
  const j: JourneyRows = { rows: 0, cid: new Int32Array(customers), pathOffsets: new Int32Array(customers + 1), path: new Int32Array(s.rows), converted: new Uint8Array(customers) };
  let m = -1;
  let len = 0;
  let done = false;
  for (let i = 0; i < s.rows; i++) {
    if (m < 0 || s.cid[i] !== j.cid[m]) {
      m++;
      j.cid[m] = s.cid[i]!;
      j.pathOffsets[m] = len;
      done = false;
    }
    // The channels sessions started on, up to and including the first converting session.
    if (done) continue;
    j.path[len++] = s.channel[i]!;
    if (s.converted[i] === 1) {
      j.converted[m] = 1;
      done = true;
    }
  }
  j.rows = m + 1;
  j.pathOffsets[j.rows] = len;
  return j;
}
