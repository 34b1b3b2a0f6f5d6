/**
 * Compact stop-word lists (function words, pronouns, particles) for English and
 * Simplified Chinese, plus negators and degree words (`not`, `不`, `很`):
 * they carry sentiment but no topic, so term counts drop them while the
 * sentiment model and lexicon still see every word.
 */
const EN = `a about above after again against all also am an and any are as at be because been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers herself him himself his how i if in
into is it its itself just me more most my myself now of off on once only or other our ours ourselves out over own same she should so some
such than that the their theirs them themselves then there these they this those through to too under until up very was we were what when
where which while who whom why will with would you your yours yourself yourselves im ive id its it's i'm i've i'd you're they're we're
that's there's he's she's let's get got also really one would much even still well though since just bit lot way thing things
ll ve re s t d m dont don't didn't doesn't isn't wasn't aren't weren't won't can't cannot couldn't wouldn't shouldn't no not never nor`;

const ZH = `的 了 和 是 就 都 而 及 与 着 或 一个 没有 我们 你们 他们 她们 它们 我 你 他 她 它 这 那 这个 那个 这些 那些 这里 那里 之 也 在 有 对 把 被
让 给 从 到 向 于 以 为 因为 所以 但是 但 如果 虽然 然后 还是 还 又 再 就是 只 吧 呢 啊 哦 嗯 呀 啦 么 吗 嘛 哈 呵 个 些 上 下 里 中 后 前
等 等等 自己 什么 怎么 怎样 这样 那样 一下 一点 一些 已经 可以 会 能 要 想 去 来 说 做 过 得 地 又是 而且 并且 并 其 其他 各 每 该 此 之后
之前 时候 时 次 我家 还有 一次 以后 以前 现在 今天 昨天 真的 真是 就是说 不是 也是 都是 一直 已 啥 咋 被 比 比较 就要
不 没 很 太 非常 挺 超 特别 真 更 最 好像 还行 有点 一样 两 点 才 就 都 又 再 很多 好多`;

export const STOP_WORDS: ReadonlySet<string> = new Set([...EN.split(/\s+/), ...ZH.split(/\s+/)].filter((w) => w !== ''));

/** Words a term count leaves out. The sentiment features keep every word, stop words included. */
export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}
