/**
 * A file read as text a slice at a time, for the large-JSON readers
 * (json-parts.ts, json-scan.ts): each slice ends where `cut` says, so it
 * decodes on its own, and the page gets a task boundary between slices.
 */
import { abortError } from '../lib/errors.ts';
import { IngestError } from './errors.ts';

/** Bytes of a file by range: a browser `File` read by slices, or bytes already in memory. */
export interface ByteSource {
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

export function blobSource(blob: Blob): ByteSource {
  return { size: blob.size, read: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()) };
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (start, end) => bytes.subarray(start, end) };
}

/**
 * Bytes read and decoded at a time. The page's work between two paints is one
 * slice parsed (or parsed and written): with 2 MB the page went at most 151 ms
 * without a timer tick while a 195 MB file converted in Chromium; with 8 MB,
 * up to 300 ms, 19–21 times.
 */
const SLICE_BYTES = 2 * 1024 * 1024;

export interface JsonReadOptions {
  /** NDJSON: as TextDecoder names it; not UTF-16, whose line feeds are two bytes. Default (and JSON arrays) UTF-8. */
  encoding?: string;
  signal?: AbortSignal | undefined;
  /** Bytes read and decoded at a time (tests make it small). */
  sliceBytes?: number;
  /** The share of the work done (0 to 1): the first pass is the first half, writing the second. */
  onProgress?: ((share: number) => void) | undefined;
}


/** A slice's records as text. */
export interface Batch {
  texts: string[];
  /** 1-based line where each text starts. */
  lines: ArrayLike<number>;
  /** A whole number of 16 digits or more somewhere in the slice (`parseJson`'s slower path may be needed). */
  long: boolean;
  /** The share of the file read once this slice is done. */
  read: number;
}

export const LONG_DIGITS = /\d{16,}/;

/**
 * A task boundary between slices (or Parquet row groups): the page paints and answers clicks while a large file converts.
 * `scheduler.yield` where the browser has it (Chromium 129+); a chain of `setTimeout(0)` is held
 * back 4 ms a time after five.
 */
export const yieldToPage = (): Promise<unknown> => {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  return scheduler?.yield ? scheduler.yield() : new Promise((r) => setTimeout(r, 0));
};

/**
 * The file a slice at a time, decoded, with the share of the file read: each
 * slice is the bytes read up to where `cut` says (an index into them; 0 when
 * none fits, and the slice grows until one does), the last one whole.
 */
export async function* textSlices(
  source: ByteSource,
  file: string,
  format: 'json' | 'ndjson',
  o: JsonReadOptions,
  cut: (bytes: Uint8Array) => number,
  firstLine: () => number,
): AsyncIterable<{ text: string; read: number }> {
  const { encoding = 'utf-8', signal, sliceBytes = SLICE_BYTES } = o;
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8', ignoreBOM: true });
  for (let pos = 0; pos < source.size; ) {
    if (signal?.aborted) throw abortError('Load cancelled');
    let end = Math.min(source.size, pos + sliceBytes);
    let bytes = await source.read(pos, end);
    let at = end < source.size ? cut(bytes) : bytes.length;
    while (at <= 0) {
      end = Math.min(source.size, end + sliceBytes);
      bytes = await source.read(pos, end);
      at = end < source.size ? cut(bytes) : bytes.length;
    }
    const take = bytes.subarray(0, at);
    let text: string;
    try {
      text = decoder.decode(take);
    } catch (e) {
      throw new IngestError({ code: 'corrupt_file', file, row: firstLine() + badLine(take, decoder), params: { format, detail: e instanceof Error ? e.message : String(e) } }, { cause: e });
    }
    if (pos === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    pos += at;
    yield { text, read: pos / source.size };
    if (pos < source.size) await yieldToPage();
  }
}

/** Which line of `bytes` (0-based) the decoder refuses. */
function badLine(bytes: Uint8Array, decoder: TextDecoder): number {
  let line = 0;
  for (let from = 0; from < bytes.length; line++) {
    const to = bytes.indexOf(0x0a, from);
    const stop = to < 0 ? bytes.length : to + 1;
    try {
      decoder.decode(bytes.subarray(from, stop));
    } catch {
      return line;
    }
    from = stop;
  }
  return 0;
}

/** Where a UTF-8 slice may end: before the last byte that starts a character. */
export function utf8Cut(bytes: Uint8Array): number {
  let i = bytes.length - 1;
  while (i > 0 && (bytes[i]! & 0xc0) === 0x80) i--;
  return i;
}

export const WHITESPACE = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
