/**
 * What kind of file this is, from its first and last bytes (magic numbers,
 * zip entry names) and only then its name. Text formats (delimited, JSON,
 * baskets) are told apart after decoding, in `index.ts`.
 */

export type Container =
  | { kind: 'text' }
  | { kind: 'gzip' }
  | { kind: 'spreadsheet'; format: 'xlsx' | 'xlsb' | 'xls' | 'ods' }
  | { kind: 'parquet' }
  | { kind: 'unsupported'; format: string };

const SCAN_BYTES = 256 * 1024;

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
}

function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

/** Latin-1 view of the first and last bytes: zip entry names live in local headers (front) and the central directory (back). */
function edges(bytes: Uint8Array): string {
  const dec = new TextDecoder('latin1');
  if (bytes.length <= 2 * SCAN_BYTES) return dec.decode(bytes);
  return dec.decode(bytes.subarray(0, SCAN_BYTES)) + dec.decode(bytes.subarray(bytes.length - SCAN_BYTES));
}

function extension(fileName: string): string {
  return /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
}

function zipKind(bytes: Uint8Array): Container {
  const names = edges(bytes);
  if (names.includes('xl/workbook.bin')) return { kind: 'spreadsheet', format: 'xlsb' };
  if (names.includes('xl/workbook.xml') || names.includes('xl/_rels/')) return { kind: 'spreadsheet', format: 'xlsx' };
  if (names.includes('application/vnd.oasis.opendocument.spreadsheet')) return { kind: 'spreadsheet', format: 'ods' };
  if (names.includes('word/document.xml')) return { kind: 'unsupported', format: 'docx' };
  if (names.includes('ppt/presentation.xml')) return { kind: 'unsupported', format: 'pptx' };
  if (names.includes('application/vnd.oasis.opendocument.text')) return { kind: 'unsupported', format: 'odt' };
  return { kind: 'unsupported', format: 'zip' };
}

/** OLE2 holds legacy Office files; only the extension says which (an encrypted xlsx is OLE2 too). */
function ole2Kind(fileName: string): Container {
  const ext = extension(fileName);
  if (['doc', 'dot', 'ppt', 'pps', 'msg', 'msi'].includes(ext)) return { kind: 'unsupported', format: ext };
  return { kind: 'spreadsheet', format: 'xls' };
}

const MAGIC: readonly [readonly number[], (bytes: Uint8Array, fileName: string) => Container][] = [
  [[0x50, 0x4b, 0x03, 0x04], (b) => zipKind(b)],
  [[0x50, 0x4b, 0x05, 0x06], () => ({ kind: 'unsupported', format: 'zip' })],
  [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], (_b, f) => ole2Kind(f)],
  [ascii('PAR1'), () => ({ kind: 'parquet' })],
  [[0x1f, 0x8b], () => ({ kind: 'gzip' })],
  [ascii('%PDF'), () => ({ kind: 'unsupported', format: 'pdf' })],
  [ascii('SQLite format 3'), () => ({ kind: 'unsupported', format: 'sqlite' })],
  [[0x89, 0x50, 0x4e, 0x47], () => ({ kind: 'unsupported', format: 'png' })],
  [[0xff, 0xd8, 0xff], () => ({ kind: 'unsupported', format: 'jpeg' })],
  [ascii('GIF8'), () => ({ kind: 'unsupported', format: 'gif' })],
  [[0x42, 0x5a, 0x68], () => ({ kind: 'unsupported', format: 'bzip2' })],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], () => ({ kind: 'unsupported', format: '7z' })],
  [ascii('Rar!'), () => ({ kind: 'unsupported', format: 'rar' })],
  [[0x28, 0xb5, 0x2f, 0xfd], () => ({ kind: 'unsupported', format: 'zstd' })],
  [ascii('ARROW1'), () => ({ kind: 'unsupported', format: 'arrow' })],
];

/** The container of `bytes`; `text` when no magic number matches (decoding then decides whether it is text). */
export function sniffContainer(bytes: Uint8Array, fileName: string): Container {
  for (const [magic, kind] of MAGIC) if (startsWith(bytes, magic)) return kind(bytes, fileName);
  return { kind: 'text' };
}

/**
 * Markup that is not data: HTML or XML. Spreadsheet-shaped markup (an HTML
 * `<table>`, Excel 2003 XML) is what some systems save as ".xls", and SheetJS
 * reads it.
 */
export function sniffMarkup(head: string): 'spreadsheet' | 'html' | 'xml' | undefined {
  const start = head.trimStart().slice(0, 1024).toLowerCase();
  if (!start.startsWith('<')) return undefined;
  const lower = head.slice(0, 64 * 1024).toLowerCase();
  if (lower.includes('urn:schemas-microsoft-com:office:spreadsheet') || lower.includes('<table')) return 'spreadsheet';
  return start.startsWith('<?xml') ? 'xml' : 'html';
}

/** Unpack gzip with the platform's `DecompressionStream` (browsers and Node ≥ 18). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
