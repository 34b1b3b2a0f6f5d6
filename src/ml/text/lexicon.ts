/**
 * Lexicon sentiment for texts without labels, in both languages. Chinese
 * tokens are matched longest-first against the lexicons (so `不错` is
 * positive before `错` is negative, and `太慢` finds `慢`); a negator
 * (`不`, `没有`, `not`, `didn't`) flips the next sentiment word within three
 * units.
 */
import { NEGATIVE_WORDS, NEGATORS_SET, POSITIVE_WORDS } from './lexicon-words.ts';
import { isCjk } from './tokenize.ts';

const MAX_LEN = 4;

function known(w: string): boolean {
  return POSITIVE_WORDS.has(w) || NEGATIVE_WORDS.has(w) || NEGATORS_SET.has(w);
}

/** A Chinese token cut into lexicon words (longest match first) and leftover characters. */
function cjkUnits(token: string): string[] {
  if (known(token)) return [token];
  const out: string[] = [];
  let i = 0;
  while (i < token.length) {
    let len = Math.min(MAX_LEN, token.length - i);
    while (len > 1 && !known(token.slice(i, i + len))) len--;
    out.push(token.slice(i, i + len));
    i += len;
  }
  return out;
}

const WINDOW = 3;

/** Positive minus negative hits (negation applied), and the number of hits. */
export function lexiconCounts(tokens: readonly string[]): { score: number; hits: number } {
  let score = 0;
  let hits = 0;
  let negateLeft = 0;
  for (const token of tokens) {
    for (const u of isCjk(token) ? cjkUnits(token) : [token]) {
      if (NEGATORS_SET.has(u)) {
        negateLeft = WINDOW;
        continue;
      }
      const polarity = POSITIVE_WORDS.has(u) ? 1 : NEGATIVE_WORDS.has(u) ? -1 : 0;
      if (polarity !== 0) {
        score += negateLeft > 0 ? -polarity : polarity;
        hits++;
        negateLeft = 0;
      } else if (negateLeft > 0) negateLeft--;
    }
  }
  return { score, hits };
}

/** A 0–1 score (0.5 neutral) from the lexicon, comparable with a model's probability. */
export function lexiconScore(tokens: readonly string[]): number {
  const { score } = lexiconCounts(tokens);
  return 0.5 + 0.5 * Math.tanh(score / 2);
}
