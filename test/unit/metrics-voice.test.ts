/** The Voice page's rows SQL on real DuckDB-WASM: blanks left out, months, ratings as text, labels, ticket join for handling time. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import { suggestRoles } from '../../src/ingest/roles.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { feedbackRowsSql, textTables } from '../../src/metrics/voice.ts';
import { loadTextInput } from '../../src/report/voice.ts';
import { run } from './metrics-helpers.ts';

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

async function load(name: string, csv: string): Promise<TableInfo> {
  const { table } = await loadDelimited(db, { fileName: `${name}.csv`, bytes: new TextEncoder().encode(csv), tableName: name });
  const sample = (await db.query(`SELECT * FROM "${name}" LIMIT 100`)).rows;
  const s = suggestRoles(table.columns, sample);
  return { ...table, kind: s.kind, roles: s.roles };
}

describe('feedback tables', () => {
  it('a Chinese export is read as feedback: 评论内容, 评分, 情感, 日期, 客户ID, 工单号', async () => {
    const fb = await load(
      'fb_zh',
      '客户ID,日期,评论内容,评分,情感,工单号\n1.0,2025-01-03,"送货太慢了，客服也不回复",1,负面,T1\n2.0,2025-01-20,"质量很好, love it",5,正面,T2\n3.0,2025-02-02,   ,3,,T3\n4.0,2025-02-10,"退款一直没有到账",x,负面,T9\n5.0,2025-02-11,"还行",4,,T9\n6.0,2025-02-12,"一般般吧",3,,T9\n7.0,2025-02-13,"很不错的体验",5,,\n',
    );
    expect(fb.kind).toBe('feedback');
    expect(fb.roles).toMatchObject({ feedback_text: '评论内容', rating: '评分', sentiment_label: '情感', feedback_date: '日期', customer_id: '客户ID', ticket_id: '工单号' });
    const tickets = await load('tk', 'ticket_id,opened_at,closed_at,category\nT1,2025-01-03 08:00,2025-01-04 08:00,delivery\nT2,2025-01-20 10:00,,quality\nT2,2025-01-20 10:00,,quality\n');
    expect(tickets.kind).toBe('tickets');
    const rows = await run(db, feedbackRowsSql({ table: fb, tickets }));
    // The blank text is left out; T2's duplicate ticket row does not double its text; T9 has no ticket.
    expect(rows.map((r) => [r.text, r.month, r.label, r.hours, r.closed])).toEqual([
      ['送货太慢了，客服也不回复', '2025-01', '负面', 24, true],
      ['质量很好, love it', '2025-01', '正面', null, false],
      ['退款一直没有到账', '2025-02', '负面', null, null],
      ['还行', '2025-02', null, null, null],
      ['一般般吧', '2025-02', null, null, null],
      ['很不错的体验', '2025-02', null, null, null],
    ]);
    const input = await loadTextInput(db, fb, [fb, tickets]);
    expect(input.ratings).toEqual([1, 5, null, 4, 3, 5]);
    expect(input.hours).toEqual([24, null, null, null, null, null]);
  });

  it('a tickets table with a description: the text, its opening month, satisfaction and hours on the same row', async () => {
    const tickets = await load(
      'tk_desc',
      'ticket_id,opened_at,closed_at,satisfaction,description\nA1,2025-03-01 09:00,2025-03-01 21:00,2,"App crashes when I pay, very annoying"\nA2,2025-03-05 09:00,,4,"Thanks, the agent solved my billing issue"\n',
    );
    expect(tickets.kind).toBe('tickets');
    expect(tickets.roles.feedback_text).toBe('description');
    expect(textTables([tickets]).map((t) => t.name)).toEqual(['tk_desc']);
    const rows = await run(db, feedbackRowsSql({ table: tickets }));
    expect(rows.map((r) => [r.month, r.rating, r.hours, r.closed])).toEqual([
      ['2025-03', 2, 12, true],
      ['2025-03', 4, null, false],
    ]);
  });

  it('English review headers: Review Text and Rating; a short code column is not text', async () => {
    const fb = await load('fb_en', 'Clothing ID,Review Text,Rating,Title\n767,"Absolutely wonderful - silky and comfortable",4,Nice\n1080,"Runs small, had to return it",2,No\n');
    expect(fb.kind).toBe('feedback');
    expect(fb.roles).toMatchObject({ feedback_text: 'Review Text', rating: 'Rating' });
    const codes = await load('codes', 'sku,comment\nA1,ok\nB2,no\n');
    expect(codes.roles.feedback_text).toBeUndefined();
  });
});
