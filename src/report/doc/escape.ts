/** The escaping rules of the HTML export, each for one context: element text and attributes, a JSON island in <script>, a CSS string. */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for element content or a quoted attribute value. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => HTML[c] as string);
}

/**
 * JSON that cannot end its <script> element or open a comment there: `<`, `>`
 * and `&` as \u escapes (so `</script>` and `<!--` never appear), and the line
 * separators U+2028/U+2029 too (older JavaScript parsers end lines on them).
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A CSS string literal: every character other than letters, digits and space as a hex escape (so no `"`, `\` or `</style>`). */
export function cssString(s: string): string {
  return `"${[...s].map((c) => (/[\p{L}\p{N} ]/u.test(c) && c !== '<' ? c : `\\${c.codePointAt(0)?.toString(16)} `)).join('')}"`;
}

/** base64 of a SHA-256 digest, for a CSP script hash. */
export async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  let bin = '';
  for (const b of digest) bin += String.fromCharCode(b);
  return btoa(bin);
}
