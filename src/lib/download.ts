/** Save bytes or text as a file through the browser's download mechanism. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke on the next turn so the download has started.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function downloadText(text: string, fileName: string, type = 'text/plain;charset=utf-8'): void {
  downloadBlob(new Blob([text], { type }), fileName);
}

export function downloadDataUrl(dataUrl: string, fileName: string): void {
  const [head, body = ''] = dataUrl.split(',', 2);
  const mime = /data:([^;]+)/.exec(head ?? '')?.[1] ?? 'application/octet-stream';
  const bin = atob(body);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  downloadBlob(new Blob([bytes], { type: mime }), fileName);
}

/** Path separators, what Windows forbids in names, C0/C1 controls and DEL: each run becomes `_`. */
const UNSAFE_IN_NAME = /[\\/:*?"<>|\u0000-\u001f\u007f-\u009f]+/g;

/**
 * Invisible format characters that make a name read differently from what it
 * is, removed: bidi embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069, which can show `report\u202Etxt.exe` as `reportexe.txt`), bidi
 * marks (U+200E, U+200F, U+061C), zero-width characters, line and paragraph
 * separators, word joiners and the BOM.
 */
const INVISIBLE_IN_NAME = /[\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** A file name made from user text: no path separators, control or bidi characters, no leading dot, at most 120 characters. */
export function safeFileName(name: string): string {
  const cleaned = name.replace(INVISIBLE_IN_NAME, '').replace(UNSAFE_IN_NAME, '_').trim().replace(/^\.+/, '');
  return [...cleaned].slice(0, 120).join('').trim() || 'export';
}
