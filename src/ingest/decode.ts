/**
 * Which text encoding a dropped file uses. DuckDB reads UTF-8 only, so
 * anything else is decoded here and handed on as UTF-8 (`toUtf8`).
 *
 * Order: byte-order mark; UTF-16 without a mark (NUL in every other byte);
 * binary junk; strict UTF-8; GB18030 (a superset of GBK and GB2312, what
 * Chinese Excel saves as "CSV"); windows-1252 as the last resort, which never
 * fails. The UI shows the encoding it chose so the user can override it.
 */
import { IngestError } from './errors.ts';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'windows-1252';

export interface Decoded {
  encoding: TextEncodingName;
  /** The file started with a byte-order mark. */
  bom: boolean;
  /** The text, BOM removed; absent for UTF-8, whose bytes DuckDB reads as they are. */
  text?: string;
}

/** Bytes looked at for binary junk and UTF-16 without a BOM. */
const SNIFF_BYTES = 64 * 1024;
/** UTF-8 is validated in slices of this size so no whole-file string is built. */
const VALIDATE_CHUNK = 1024 * 1024;
/** Share of C0 control bytes (other than tab, CR, LF, FF, VT) above which the file is not text. */
const MAX_CONTROL_SHARE = 0.01;

const MAGIC: readonly [string, readonly number[]][] = [
  ['zip', [0x50, 0x4b, 0x03, 0x04]], // xlsx, docx, zip
  ['xls', [0xd0, 0xcf, 0x11, 0xe0]], // OLE2: xls, doc
  ['pdf', [0x25, 0x50, 0x44, 0x46]],
  ['gzip', [0x1f, 0x8b]],
  ['parquet', [0x50, 0x41, 0x52, 0x31]],
  ['sqlite', [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65]],
  ['png', [0x89, 0x50, 0x4e, 0x47]],
  ['jpeg', [0xff, 0xd8, 0xff]],
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/**
 * Detect the encoding of `bytes`. Throws `IngestError` `empty_file` (nothing
 * but whitespace) or `binary_file` (not text). `forced` skips detection.
 */
export function decodeBytes(bytes: Uint8Array, file = '', forced?: TextEncodingName): Decoded {
  if (bytes.length === 0) throw new IngestError({ code: 'empty_file', file });

  const bom = bomOf(bytes);
  let decoded: Decoded;
  if (forced === 'utf-8' && !isUtf8(bytes)) {
    // The user insists: keep what decodes, mark the rest with U+FFFD.
    decoded = { encoding: 'utf-8', bom: bom === 'utf-8', text: new TextDecoder('utf-8').decode(bytes) };
  } else if (forced) {
    decoded = decodeAs(bytes, forced, bom === forced);
  } else if (bom) {
    decoded = decodeAs(bytes, bom, true);
  } else {
    const utf16 = utf16WithoutBom(bytes);
    if (utf16) decoded = decodeAs(bytes, utf16, false);
    else {
      assertText(bytes, file);
      decoded = isUtf8(bytes) ? { encoding: 'utf-8', bom: false } : decodeLegacy(bytes);
    }
  }

  const blank = decoded.text === undefined ? isBlankAscii(bytes, decoded.bom ? 3 : 0) : decoded.text.trim() === '';
  if (blank) throw new IngestError({ code: 'empty_file', file });
  return decoded;
}

/** UTF-8 bytes of the decoded file: the input itself when it already was UTF-8. */
export function toUtf8(bytes: Uint8Array, decoded: Decoded): Uint8Array {
  return decoded.text === undefined ? bytes : new TextEncoder().encode(decoded.text);
}

function bomOf(bytes: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' | undefined {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return 'utf-8';
  if (startsWith(bytes, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(bytes, [0xfe, 0xff])) return 'utf-16be';
  return undefined;
}

function decodeAs(bytes: Uint8Array, encoding: TextEncodingName, bom: boolean): Decoded {
  // DuckDB skips a UTF-8 BOM itself, so UTF-8 stays bytes.
  if (encoding === 'utf-8') return { encoding, bom };
  // TextDecoder drops a leading BOM of its own encoding.
  return { encoding, bom, text: new TextDecoder(encoding).decode(bytes) };
}

/** ASCII-heavy UTF-16 has a NUL in nearly every high byte and almost none in the low ones. */
function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(bytes.length, SNIFF_BYTES) & ~1;
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > 0.4 * pairs && evenNul < 0.02 * pairs) return 'utf-16le';
  if (evenNul > 0.4 * pairs && oddNul < 0.02 * pairs) return 'utf-16be';
  return undefined;
}

function assertText(bytes: Uint8Array, file: string): void {
  const format = MAGIC.find(([, magic]) => startsWith(bytes, magic))?.[0];
  const n = Math.min(bytes.length, SNIFF_BYTES);
  let control = 0;
  let nul = false;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) nul = true;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d) || b === 0x7f) control++;
  }
  if (format || nul || control > MAX_CONTROL_SHARE * n) {
    throw new IngestError({ code: 'binary_file', file, params: { format: format ?? 'unknown' } });
  }
}

function isUtf8(bytes: Uint8Array): boolean {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for (let i = 0; i < bytes.length; i += VALIDATE_CHUNK) {
      decoder.decode(bytes.subarray(i, i + VALIDATE_CHUNK), { stream: true });
    }
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

function decodeLegacy(bytes: Uint8Array): Decoded {
  try {
    return { encoding: 'gb18030', bom: false, text: new TextDecoder('gb18030', { fatal: true }).decode(bytes) };
  } catch {
    return { encoding: 'windows-1252', bom: false, text: new TextDecoder('windows-1252').decode(bytes) };
  }
}

function isBlankAscii(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0b && b !== 0x0c) return false;
  }
  return true;
}
