/**
 * Web visit events (customer, time, channel, page, event type), from their
 * own random stream. Each visit arrives through one channel and walks Home →
 * Search/Category → Product → Cart → Checkout → Purchase, leaving at each
 * step. Planted: email visits convert best (and carry the most conversions),
 * display ads least. From a stream of their own, 80 % of buyers come back (2 to 30 days)
 * after their purchase (member login, product, and for some a repeat
 * purchase), so the journey funnel's bottleneck is consideration → decision:
 * most customers who look at products never buy.
 */
import { Random } from '../lib/random.ts';
import type { CsvTable, CsvValue } from './csv.ts';
import { formatTs } from './format.ts';
import type { World } from './world.ts';

export const EVENT_CHANNELS = [
  { en: 'search', zh: '搜索引擎', weight: 30, convert: 0.15 },
  { en: 'social', zh: '社交媒体', weight: 25, convert: 0.05 },
  { en: 'email', zh: '邮件', weight: 20, convert: 0.35 },
  { en: 'display', zh: '展示广告', weight: 15, convert: 0.04 },
  { en: 'direct', zh: '直接访问', weight: 10, convert: 0.12 },
] as const;

const PAGES = {
  home: { en: 'Home', zh: '首页' },
  search: { en: 'Search', zh: '搜索' },
  category: { en: 'Category', zh: '品类页' },
  product: { en: 'Product', zh: '商品详情' },
  cart: { en: 'Cart', zh: '购物车' },
  checkout: { en: 'Checkout', zh: '结算' },
  purchase: { en: 'Purchase', zh: '支付成功' },
  login: { en: 'Login', zh: '会员登录' },
} as const;
type Page = keyof typeof PAGES;

export const EVENT_HEADERS = {
  en: ['customer_id', 'event_time', 'channel', 'page', 'event_type'],
  zh: ['客户编号', '事件时间', '渠道', '页面', '事件类型'],
} as const;

const WEIGHTS = EVENT_CHANNELS.map((c) => c.weight);

/** The pages of one visit: converting visits go all the way; the others leave on the way. */
function visitPages(r: Random, converts: boolean): Page[] {
  const pages: Page[] = r.bool(0.6) ? ['home'] : [];
  pages.push(r.bool(0.5) ? 'search' : 'category', 'product');
  if (r.bool(0.3)) pages.push('product');
  if (converts) return [...pages, 'cart', 'checkout', 'purchase'];
  const stop = r.float();
  if (stop < 0.45) return pages.slice(0, Math.max(1, pages.length - 1));
  if (stop < 0.8) return pages;
  if (stop < 0.93) return [...pages, 'cart'];
  return [...pages, 'cart', 'checkout'];
}

/** Pages of a buyer's visit after the purchase: a member login, a product, and for 40 % a repeat purchase. */
function returnPages(r: Random): Page[] {
  return r.bool(0.4) ? ['login', 'product', 'cart', 'checkout', 'purchase'] : ['login', 'product'];
}

export function eventsTable(w: World): CsvTable {
  const root = new Random(w.seed).fork('events');
  // Its own stream: the visits above draw exactly what they drew before return visits were added.
  const back = new Random(w.seed).fork('events-return');
  const lang = w.lang;
  const raw: { t: number; row: CsvValue[] }[] = [];
  for (let i = 0; i < w.n; i++) {
    const r = root.fork(i);
    const a = Math.max(w.signup[i]!, w.start);
    const b = w.lastActive[i]!;
    if (a > b || !r.bool(0.7)) continue;
    let t = r.int(a, b) * 86_400 + r.int(7 * 3600, 23 * 3600);
    const visits = 1 + Math.min(5, r.poisson(1.3));
    for (let v = 0; v < visits && t < (w.end + 1) * 86_400; v++) {
      const ch = EVENT_CHANNELS[r.weightedIndex(WEIGHTS)]!;
      const converts = r.bool(ch.convert);
      for (const page of visitPages(r, converts)) {
        raw.push({ t, row: [w.ids[i]!, formatTs(t), ch[lang], PAGES[page][lang], page === 'purchase' ? (lang === 'zh' ? '购买' : 'purchase') : lang === 'zh' ? '浏览' : 'page_view'] });
        t += r.int(10, 240);
      }
      if (converts) {
        const rb = back.fork(i);
        if (rb.bool(0.8)) {
          let tb = t + rb.int(2 * 86_400, 30 * 86_400);
          if (tb < (w.end + 1) * 86_400) {
            for (const page of returnPages(rb)) {
              raw.push({ t: tb, row: [w.ids[i]!, formatTs(tb), ch[lang], PAGES[page][lang], page === 'purchase' ? (lang === 'zh' ? '购买' : 'purchase') : lang === 'zh' ? '浏览' : 'page_view'] });
              tb += rb.int(10, 240);
            }
          }
        }
        break;
      }
      // The next visit comes hours to days later: never within the 30-minute session gap.
      t += r.int(2 * 3600, 10 * 86_400);
    }
  }
  raw.sort((x, y) => x.t - y.t || String(x.row[0]).localeCompare(String(y.row[0])));
  return { columns: [...EVENT_HEADERS[lang]], rows: raw.map((x) => x.row) };
}
