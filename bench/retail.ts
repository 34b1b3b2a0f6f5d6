/**
 * A retail line-item export shaped like the UCI "Online Retail" file, with its
 * awkward features: `CustomerID` written as floats (`17850.0`) and blank on
 * about a quarter of the invoices, cancellations as `C`-prefixed invoices with
 * negative quantities, descriptions padded with spaces. Deterministic (seeded)
 * and streamed, so half a million lines take a second or two.
 *
 *   npm run gen -- --shape retail --rows 541909 --out bench/data/retail.csv
 *
 * `writeRetailCsv` also returns the figures the app should show, counted while
 * writing (amounts in cents, so sums are exact).
 */
import fs from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../src/lib/random.ts';

export interface RetailOptions {
  /** Order lines to write (about; the last invoice is never cut short, so a few more may come). */
  rows: number;
  seed?: number;
  /** `zh`: Chinese headers (订单号, 商品编码, 商品名称, 数量, 下单时间, 单价, 会员编号, 国家). */
  headers?: 'en' | 'zh';
}

export interface RetailFigures {
  file: string;
  lines: number;
  /** Distinct invoices that are not cancellations. */
  orders: number;
  /** Distinct customer ids on sales lines. */
  customers: number;
  /** Lines with a blank customer id. */
  noCustomerLines: number;
  returnLines: number;
  /** Sums of quantity × unit price, in cents. */
  grossCents: number;
  returnCents: number;
  netCents: number;
  bytes: number;
}

const HEADERS = {
  en: 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
  zh: '订单号,商品编码,商品名称,数量,下单时间,单价,会员编号,国家',
};

const THEMES = [
  ['WHITE HANGING HEART T-LIGHT HOLDER', 'WHITE METAL LANTERN', 'CREAM CUPID HEARTS COAT HANGER', 'GLASS STAR FROSTED T-LIGHT HOLDER', 'RED WOOLLY HOTTIE WHITE HEART'],
  ['JUMBO BAG RED RETROSPOT', 'JUMBO BAG PINK POLKADOT', 'JUMBO STORAGE BAG SUKI', 'JUMBO SHOPPER VINTAGE RED PAISLEY', 'LUNCH BAG RED RETROSPOT'],
  ['PARTY BUNTING', 'PAPER CHAIN KIT 50S CHRISTMAS', 'PAPER CHAIN KIT VINTAGE CHRISTMAS', 'SPOTTY BUNTING', 'CHRISTMAS LIGHTS 10 REINDEER'],
  ['REGENCY CAKESTAND 3 TIER', 'ROSES REGENCY TEACUP AND SAUCER', 'GREEN REGENCY TEACUP AND SAUCER', 'PINK REGENCY TEACUP AND SAUCER', 'REGENCY TEA PLATE ROSES'],
  ['ALARM CLOCK BAKELIKE RED', 'ALARM CLOCK BAKELIKE GREEN', 'ALARM CLOCK BAKELIKE PINK', 'ALARM CLOCK BAKELIKE IVORY', 'ALARM CLOCK BAKELIKE ORANGE'],
  ['PACK OF 72 RETROSPOT CAKE CASES', '60 TEATIME FAIRY CAKE CASES', 'SET OF 3 CAKE TINS PANTRY DESIGN', 'BAKING SET 9 PIECE RETROSPOT', 'RECIPE BOX PANTRY YELLOW DESIGN'],
  ['HAND WARMER UNION JACK', 'HAND WARMER RED POLKA DOT', 'HAND WARMER OWL DESIGN', 'HAND WARMER SCOTTY DOG DESIGN', 'HAND WARMER BIRD DESIGN'],
  ['LUNCH BOX WITH CUTLERY RETROSPOT', 'LUNCH BOX I LOVE LONDON', 'DOLLY GIRL LUNCH BOX', 'SPACEBOY LUNCH BOX', 'CIRCUS PARADE LUNCH BOX'],
] as const;

const COUNTRIES = ['United Kingdom', 'United Kingdom', 'United Kingdom', 'United Kingdom', 'United Kingdom', 'United Kingdom', 'Germany', 'France', 'EIRE', 'Spain'];
const FIRST_INVOICE = 536365;
const START = Date.UTC(2010, 11, 1);
const DAYS = 373;

interface Product {
  code: string;
  name: string;
  cents: number;
}

function catalogue(random: () => number): Product[] {
  return THEMES.flatMap((names, t) =>
    names.map((name, i) => ({
      code: `${84000 + t * 100 + i * 7}${random() < 0.4 ? String.fromCharCode(65 + Math.floor(random() * 4)) : ''}`,
      name,
      cents: 39 + Math.floor(random() * 800),
    })),
  );
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Stream the export to `file`, returning what the app should show for it. */
export function writeRetailCsv(file: string, opts: RetailOptions): RetailFigures {
  const random = mulberry32(opts.seed ?? 1);
  const int = (n: number) => Math.floor(random() * n);
  const products = catalogue(random);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  const fd = fs.openSync(tmp, 'w');
  const customers = new Set<number>();
  const f = { lines: 0, orders: 0, noCustomerLines: 0, returnLines: 0, grossCents: 0, returnCents: 0, bytes: 0 };
  let chunk: string[] = [`${HEADERS[opts.headers ?? 'en']}\n`];
  const flush = () => {
    f.bytes += fs.writeSync(fd, chunk.join(''));
    chunk = [];
  };
  const nInvoices = Math.max(1, Math.round(opts.rows / 10.5));
  try {
    for (let inv = 0; f.lines < opts.rows; inv++) {
      const cancelled = random() < 0.02;
      const blank = !cancelled && random() < 0.25;
      const customer = blank ? null : 12346 + int(4000);
      const t = START + Math.floor(((inv % nInvoices) / nInvoices) * DAYS) * 86_400_000 + (8 + int(10)) * 3_600_000 + int(60) * 60_000;
      const d = new Date(t);
      const date = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:00`;
      const invoice = `${cancelled ? 'C' : ''}${FIRST_INVOICE + inv}`;
      const country = COUNTRIES[int(COUNTRIES.length)]!;
      const theme = int(THEMES.length);
      const n = cancelled ? 1 + int(2) : 1 + int(20);
      for (let k = 0; k < n; k++) {
        const p = products[random() < 0.85 ? theme * 5 + int(5) : int(products.length)]!;
        const qty = (1 + int(12)) * (cancelled ? -1 : 1);
        const description = random() < 0.1 ? ` ${p.name} ` : p.name;
        chunk.push(`${invoice},${p.code},${description},${qty},${date},${(p.cents / 100).toFixed(2)},${customer === null ? '' : `${customer}.0`},${country}\n`);
        const cents = qty * p.cents;
        f.lines++;
        if (customer === null) f.noCustomerLines++;
        if (cancelled) {
          f.returnLines++;
          f.returnCents += cents;
        } else {
          f.grossCents += cents;
          if (customer !== null) customers.add(customer);
        }
      }
      if (!cancelled) f.orders++;
      if (chunk.length >= 20_000) flush();
    }
    flush();
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  return { file, ...f, customers: customers.size, netCents: f.grossCents + f.returnCents };
}
