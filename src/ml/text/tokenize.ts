/**
 * Words of a text in any mix of Chinese and English: `Intl.Segmenter` with
 * word granularity splits Chinese into words (no dictionary to ship, no
 * server) and English at spaces and punctuation; words are lower-cased and
 * numbers, punctuation and single Latin letters dropped, and so is one
 * Chinese character right after a number: a unit or measure word ("3天",
 * "20元", "两次" is kept) says how much, not what about.
 */
let segmenter: Intl.Segmenter | null = null;

function words(): Intl.Segmenter {
  // `zh` segments Chinese by its dictionary and every other script by the Unicode rules.
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  return segmenter;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const HAS_LETTER = /\p{L}/u;
const NUMBER = /^\d+([.,]\d+)?$/;

export function isCjk(token: string): boolean {
  return CJK.test(token);
}

/**
 * Only Latin letters (with accents), digits, combining accents, spaces, and
 * the common dashes, quotes and ellipsis: none of the characters the word
 * rules give a special part (soft hyphen, fraction slash, joiners…).
 */
const LATIN_ONLY = /^(?:[\u0000-\u00ac\u00ae-\u024f\u1e00-\u1eff\u2010-\u2019\u201c\u201d\u2026]|\p{M})*$/u;
/**
 * A word in Latin text as Unicode's word rules (UAX #29) find it: letters,
 * digits, marks and `_` joined, and one `'`, `‘`, `’`, `.`, `:` or `·` between
 * two letters, or `.`, `,`, `;`, `'`, `‘`, `’` between two digits ("don't", "e.g",
 * "3.5", "1,000"). Tested against `Intl.Segmenter` on real and generated text.
 */
const LATIN_WORD = /(?:\p{L}\p{M}*|\p{N}\p{M}*|_)+(?:(?:(?<=\p{L}\p{M}*)['‘’.:·](?=\p{L})|(?<=\p{N}\p{M}*)[.,;'‘’](?=\p{N}))(?:\p{L}\p{M}*|\p{N}\p{M}*|_)+)*/gu;

const QUOTES = /[’‘`]/g;
const EDGE_QUOTES = /^'+|'+$/g;

/** A word-like segment as a token (lower case, straight apostrophes inside only), or nothing when it is no word. */
function pushWord(out: string[], segment: string): void {
  let w = segment.toLowerCase();
  if (w.includes("'") || w.includes('’') || w.includes('‘') || w.includes('`')) w = w.replace(QUOTES, "'").replace(EDGE_QUOTES, '');
  if (w === '' || !HAS_LETTER.test(w)) return;
  if (w.length === 1 && !CJK.test(w)) return;
  out.push(w);
}

/** Word tokens of one text, in order, lower-cased. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  if (!text) return out;
  const t = text.normalize('NFKC');
  if (LATIN_ONLY.test(t)) {
    // Several times faster than the segmenter on English, with the same words (no Chinese, so no unit to drop).
    for (const m of t.matchAll(LATIN_WORD)) pushWord(out, m[0]);
    return out;
  }
  let afterNumber = false;
  for (const s of words().segment(t)) {
    if (s.segment.trim() === '') continue;
    const number = NUMBER.test(s.segment);
    const unit = afterNumber && s.segment.length === 1 && CJK.test(s.segment);
    afterNumber = number;
    if (!s.isWordLike || unit) continue;
    pushWord(out, s.segment);
  }
  return out;
}

/** Joins two tokens into a phrase: Chinese without a space, otherwise with one. */
export function joinPhrase(a: string, b: string): string {
  return isCjk(a) && isCjk(b) ? a + b : `${a} ${b}`;
}
