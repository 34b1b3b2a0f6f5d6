/**
 * The order a reader expects categories in. Labels that all belong to one
 * ordered scale go in that order: durations (Month-to-month < One year < Two
 * year, 1 month < 3 months < 1 year, 月 < 季 < 年), ordinal words (Low <
 * Medium < High, 低 < 中 < 高, Bronze < Silver < Gold < Platinum, small <
 * medium < large) and number ranges ("<5", "5-10", "10+", "18–24岁"). Anything
 * else goes by value, largest first, so no chart shows categories in the order
 * a query or a hash map happened to return them.
 */

/** Labels that mean "no value" or "the rest": they never decide the scale and always go last. */
const TRAILING = new Set(['', '—', '-', 'null', 'none', 'n/a', 'na', 'unknown', 'other', 'others', '(blank)', '其他', '其它', '未知', '无', '空']);

/** Ordinal scales, lowest first; each step lists the words that mean it (lower case). */
const SCALES: readonly (readonly (readonly string[])[])[] = [
  [['very low', 'lowest', '很低', '极低', '非常低'], ['low', '低', '较低', '偏低'], ['medium', 'mid', 'middle', 'moderate', 'average', 'normal', '中', '中等', '一般', '适中'], ['high', '高', '较高', '偏高'], ['very high', 'highest', '很高', '极高', '非常高']],
  [['xxs'], ['xs', 'extra small', 'x-small'], ['s', 'small', 'sm', '小', '小型'], ['m', 'medium', 'mid', 'md', '中', '中型'], ['l', 'large', 'lg', '大', '大型'], ['xl', 'extra large', 'x-large'], ['xxl', '2xl'], ['xxxl', '3xl']],
  [['bronze', '青铜', '铜', '铜牌'], ['silver', '白银', '银', '银牌'], ['gold', '黄金', '金', '金牌'], ['platinum', '铂金', '白金'], ['diamond', '钻石']],
  [['very poor', 'terrible', '很差'], ['poor', 'bad', '差', '较差'], ['fair', 'ok', 'okay', 'average', '一般', '中'], ['good', '良', '良好', '好'], ['very good', '很好'], ['excellent', 'outstanding', '优', '优秀']],
  [['never', '从不'], ['rarely', 'seldom', '很少'], ['sometimes', 'occasionally', '有时'], ['often', 'frequently', '经常'], ['always', '总是']],
  [['free', '免费'], ['basic', 'starter', 'lite', '基础', '基础版'], ['standard', 'plus', '标准', '标准版'], ['premium', 'pro', 'professional', '高级', '高级版', '专业版'], ['enterprise', 'business', '企业', '企业版'], ['ultimate', '旗舰版']],
  [['low', '低'], ['medium', '中'], ['high', '高'], ['urgent', 'critical', '紧急']],
  [['strongly disagree', '非常不同意'], ['disagree', '不同意'], ['neutral', 'neither', '中立'], ['agree', '同意'], ['strongly agree', '非常同意']],
  [['new', '新客', '新客户', '新'], ['active', '活跃'], ['at risk', 'dormant', '沉睡', '风险'], ['churned', 'lost', '流失']],
];

const WORD_NUMBERS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 半: 0.5,
};

/** Days per unit word; a label is a duration when it is a (number and) unit, or a known period word. */
const UNITS: readonly [RegExp, number][] = [
  [/^(days?|d|天|日)$/, 1],
  [/^(weeks?|wks?|w|周|星期)$/, 7],
  [/^(months?|mos?|mths?|个月|月)$/, 30.44],
  [/^(quarters?|qtrs?|季度?|个季度)$/, 91.31],
  [/^(years?|yrs?|y|年)$/, 365.25],
];

const PERIOD_WORDS: readonly [RegExp, number][] = [
  [/^(daily|每天|每日|日付|按天)$/, 1],
  [/^(weekly|每周|周付|按周)$/, 7],
  [/^(month-to-month|month to month|monthly|月付|包月|按月|月度|月)$/, 30.44],
  [/^(quarterly|季付|包季|按季|季度|季)$/, 91.31],
  [/^(half-yearly|semi-annual|semiannual|半年付|半年)$/, 182.6],
  [/^(yearly|annual|annually|年付|包年|按年|年度|年)$/, 365.25],
  [/^(biennial|两年付)$/, 730.5],
];

function normalize(label: string): string {
  return label.trim().toLowerCase().replace(/\s+/g, ' ');
}

function durationDays(label: string): number | undefined {
  const s = normalize(label).replace(/[_]/g, ' ');
  for (const [re, days] of PERIOD_WORDS) if (re.test(s)) return days;
  const m = /^(\d+(?:\.\d+)?|[a-z]+|[一两二三四五六七八九十半])\s*-?\s*(.+?)(?:\s*contract|\s*plan|\s*合同|\s*期)?$/.exec(s);
  if (!m) return undefined;
  const n = /^\d/.test(m[1]!) ? Number(m[1]) : WORD_NUMBERS[m[1]!];
  if (n === undefined) return undefined;
  const unit = UNITS.find(([re]) => re.test(m[2]!.trim()));
  return unit ? n * unit[1] : undefined;
}

/** Text that may sit around the numbers of a range label ("$1k – $5k", "65 and over", "18-24岁", "< 5 items"). */
const RANGE_WORDS = /^(?:[\s\-–—~～至到,+<>≤≥=$¥€£%()[\]]|to|and|or|up|under|below|less|than|over|above|more|plus|at|least|most|less than|以上|以下|以内|及以上|及以下|小于|大于|不足|超过|岁|元|万|千|百|k|m|件|个|次|天|days?|years?|yrs?|months?|items?|orders?|times?|points?)*$/;

/** A sort key for a range label: its first number, nudged down for "<5"/"under 5" and up for "5+"/"over 5"; then its second number. */
function rangeKey(label: string): [number, number] | undefined {
  const s = normalize(label);
  const nums = [...s.matchAll(/\d+(?:[.,]\d+)*(?:\.\d+)?/g)];
  if (nums.length === 0 || nums.length > 2) return undefined;
  const rest = s.replace(/\d+(?:[.,]\d+)*(?:\.\d+)?/g, ' ');
  if (!RANGE_WORDS.test(rest)) return undefined;
  const value = (i: number): number => {
    let v = Number(nums[i]![0].replace(/,/g, ''));
    const after = s.slice(nums[i]!.index + nums[i]![0].length, nums[i]!.index + nums[i]![0].length + 1);
    if (after === 'k') v *= 1e3;
    else if (after === 'm') v *= 1e6;
    else if (after === '万') v *= 1e4;
    return v;
  };
  const first = value(0);
  const second = nums.length === 2 ? value(1) : first;
  if (nums.length === 1) {
    if (/^\s*(<|≤|under|below|less than|up to)|(以下|以内|不足)|^\s*小于/.test(s)) return [first - 0.5, first];
    if (/^\s*(>|≥|over|above|more than)|\+|(以上|及以上)|or more|and (over|above|up)|^\s*(大于|超过)/.test(s)) return [first + 0.5, Infinity];
  }
  return [first, second];
}

function scaleKeys(labels: readonly string[]): number[] | undefined {
  const norm = labels.map(normalize);
  for (const scale of SCALES) {
    const keys = norm.map((l) => scale.findIndex((step) => step.includes(l)));
    if (keys.every((k) => k >= 0)) return keys;
  }
  return undefined;
}

/**
 * Sort keys putting `labels` in their natural order, or undefined when they do
 * not all belong to one recognised scale (or fewer than two do). Missing and
 * "other" labels are left out of the decision and sorted last.
 */
export function naturalKeys(labels: readonly string[]): number[][] | undefined {
  const known = labels.filter((l) => !TRAILING.has(normalize(l)));
  if (new Set(known).size < 2) return undefined;
  const last = (keys: (l: string) => number[]) => labels.map((l) => (TRAILING.has(normalize(l)) ? [Infinity, Infinity] : keys(l)));
  const durations = known.map(durationDays);
  if (durations.every((d) => d !== undefined)) return last((l) => [durationDays(l)!, 0]);
  const scale = scaleKeys(known);
  if (scale) {
    const byLabel = new Map(known.map((l, i) => [l, scale[i]!]));
    return last((l) => [byLabel.get(l)!, 0]);
  }
  const ranges = known.map(rangeKey);
  if (ranges.every((r) => r !== undefined)) return last((l) => rangeKey(l)!);
  return undefined;
}

/** `labels` in natural order, or undefined when they have none (see `naturalKeys`). */
export function naturalOrder(labels: readonly string[]): string[] | undefined {
  return orderByKeys(labels, (l) => l);
}

function orderByKeys<T>(items: readonly T[], label: (t: T) => string): T[] | undefined {
  const keys = naturalKeys(items.map(label));
  if (!keys) return undefined;
  return items
    .map((item, i) => ({ item, key: keys[i]!, i }))
    .sort((a, b) => a.key[0]! - b.key[0]! || a.key[1]! - b.key[1]! || a.i - b.i)
    .map((x) => x.item);
}

/**
 * Items in the natural order of their labels when there is one; otherwise by
 * `value`, largest first (ties and missing values by label), or, without
 * `value`, as given (for lists whose order is already the point, e.g. a
 * ranking or a time line).
 */
export function orderCategories<T>(items: readonly T[], label: (t: T) => string, value?: (t: T) => number | null): T[] {
  const natural = orderByKeys(items, label);
  if (natural) return natural;
  if (!value) return [...items];
  const v = (t: T) => value(t) ?? -Infinity;
  return [...items].sort((a, b) => {
    const ta = TRAILING.has(normalize(label(a)));
    const tb = TRAILING.has(normalize(label(b)));
    if (ta !== tb) return ta ? 1 : -1;
    return v(b) - v(a) || label(a).localeCompare(label(b));
  });
}
