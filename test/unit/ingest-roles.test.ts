import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { ColumnInfo, Db, Row } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import { ROLES_BY_KIND, type Role } from '../../src/ingest/model.ts';
import { normalizeHeader, suggestRoles } from '../../src/ingest/roles.ts';
import { toCsv } from '../../src/demo/csv.ts';
import { COLUMNS, CRM_TABLES, generateCrm } from '../../src/demo/generate.ts';

const cols = (spec: Record<string, string>): ColumnInfo[] => Object.entries(spec).map(([name, type]) => ({ name, type }));

const TELCO_COLUMNS = cols({
  customerID: 'VARCHAR', gender: 'VARCHAR', SeniorCitizen: 'BIGINT', Partner: 'BOOLEAN', Dependents: 'BOOLEAN', tenure: 'BIGINT',
  PhoneService: 'BOOLEAN', MultipleLines: 'VARCHAR', InternetService: 'VARCHAR', OnlineSecurity: 'VARCHAR', OnlineBackup: 'VARCHAR',
  DeviceProtection: 'VARCHAR', TechSupport: 'VARCHAR', StreamingTV: 'VARCHAR', StreamingMovies: 'VARCHAR', Contract: 'VARCHAR',
  PaperlessBilling: 'BOOLEAN', PaymentMethod: 'VARCHAR', MonthlyCharges: 'DOUBLE', TotalCharges: 'DOUBLE', Churn: 'BOOLEAN',
});
const TELCO_SAMPLE: Row[] = [
  { customerID: '7590-VHVEG', gender: 'Female', SeniorCitizen: 0, tenure: 1, Contract: 'Month-to-month', TotalCharges: 29.85, Churn: false },
  { customerID: '3668-QPYBK', gender: 'Male', SeniorCitizen: 0, tenure: 2, Contract: 'Month-to-month', TotalCharges: 108.15, Churn: true },
];

describe('suggestRoles', () => {
  it('finds a campaign response (UCI bank `y`, iFood `Response`) and calls such a table customers', () => {
    const bank = suggestRoles(cols({ age: 'BIGINT', job: 'VARCHAR', contact: 'VARCHAR', duration: 'BIGINT', y: 'BOOLEAN' }), [{ age: 30, y: false }, { age: 41, y: true }]);
    expect(bank.kind).toBe('customers');
    // `contact` (cellular / telephone) is how the bank reached the client: its channel.
    expect(bank.roles).toEqual({ age: 'age', channel: 'contact', response: 'y' });
    // `y` that is not yes/no is not a response.
    expect(suggestRoles(cols({ x: 'DOUBLE', y: 'DOUBLE' }), [{ x: 1.5, y: 2.5 }]).kind).toBe('other');
  });

  it('guesses a purchase log from values when the file had no header', () => {
    const columns = cols({ column1: 'VARCHAR', column2: 'VARCHAR', column3: 'DATE', column4: 'BIGINT', column5: 'DOUBLE' });
    const sample: Row[] = [
      { column1: '00004', column2: '0001', column3: '1997-01-01', column4: 2, column5: 29.33 },
      { column1: '00004', column2: '0001', column3: '1997-01-18', column4: 2, column5: 29.73 },
      { column1: '00021', column2: '0002', column3: '1997-01-01', column4: 3, column5: 63.34 },
    ];
    const s = suggestRoles(columns, sample);
    expect(s.kind).toBe('orders');
    expect(s.roles).toEqual({ order_date: 'column3', amount: 'column5', customer_id: 'column1', quantity: 'column4' });
    expect(s.confidence.kind).toBeLessThan(0.5);
    expect(suggestRoles(cols({ column1: 'VARCHAR', column2: 'BIGINT' }), [{ column1: 'a', column2: 1 }]).kind).toBe('other');
  });

  it('normalises headers: case, spaces, underscores, full-width', () => {
    for (const h of ['customerID', 'Customer Id', 'customer_id', 'CUSTOMER-ID', 'ＣｕｓｔｏｍｅｒＩＤ', ' customer.id ']) {
      expect(normalizeHeader(h)).toBe('customerid');
    }
  });

  it('reads Telco as customers: id, gender, tenure, churn; Contract is not claimed as segment', () => {
    const s = suggestRoles(TELCO_COLUMNS, TELCO_SAMPLE);
    expect(s.kind).toBe('customers');
    expect(s.roles).toEqual({ customer_id: 'customerID', gender: 'gender', tenure: 'tenure', churn: 'Churn', monetary_total: 'TotalCharges' });
    expect(s.confidence.kind).toBeGreaterThanOrEqual(0.8);
    expect(s.confidence.roles.customer_id).toBe(1);
  });

  it('reads Telco the same when Churn is still text (Yes/No)', () => {
    const columns = TELCO_COLUMNS.map((c) => (c.name === 'Churn' ? { ...c, type: 'VARCHAR' } : c));
    const sample = TELCO_SAMPLE.map((r) => ({ ...r, Churn: r.Churn ? 'Yes' : 'No' }));
    expect(suggestRoles(columns, sample).roles.churn).toBe('Churn');
  });

  it('matches id spellings in English and Chinese', () => {
    for (const h of ['cust_id', 'Customer Id', 'client_id', 'user_id', '客户ID', '客户编号', '会员号', '用户ID']) {
      const s = suggestRoles(cols({ [h]: 'VARCHAR', churn: 'BOOLEAN' }), []);
      expect(s.roles.customer_id, h).toBe(h);
      expect(s.kind, h).toBe('customers');
    }
  });

  it('reads a Chinese orders export', () => {
    const columns = cols({ 订单号: 'VARCHAR', 客户ID: 'VARCHAR', 下单时间: 'TIMESTAMP', 实付金额: 'DOUBLE', 数量: 'BIGINT', 商品名称: 'VARCHAR' });
    const s = suggestRoles(columns, [{ 订单号: 'D1', 客户ID: 'C1', 下单时间: '2024-01-02 10:00:00', 实付金额: 12.5, 数量: 1, 商品名称: '茶' }]);
    expect(s.kind).toBe('orders');
    expect(s.roles).toEqual({ order_id: '订单号', customer_id: '客户ID', order_date: '下单时间', amount: '实付金额', quantity: '数量', product: '商品名称' });
  });

  it('takes dates that are still text when they parse, and refuses those that do not', () => {
    const columns = cols({ 订单日期: 'VARCHAR', 金额: 'DOUBLE' });
    const ok = suggestRoles(columns, [{ 订单日期: '2024/01/02', 金额: 1 }, { 订单日期: '2024年1月3日', 金额: 2 }]);
    expect(ok.roles.order_date).toBe('订单日期');
    const bad = suggestRoles(columns, [{ 订单日期: 'soon', 金额: 1 }, { 订单日期: 'later', 金额: 2 }]);
    expect(bad.roles.order_date).toBeUndefined();
    expect(bad.kind).not.toBe('orders');
  });

  it('only takes a churn column whose values are yes/no', () => {
    const columns = cols({ customer_id: 'VARCHAR', 是否流失: 'VARCHAR' });
    expect(suggestRoles(columns, [{ customer_id: 'a', 是否流失: '是' }, { customer_id: 'b', 是否流失: '否' }]).roles.churn).toBe('是否流失');
    expect(suggestRoles(columns, [{ customer_id: 'a', 是否流失: 'maybe' }]).roles.churn).toBeUndefined();
    const numeric = cols({ customer_id: 'VARCHAR', churned: 'BIGINT' });
    expect(suggestRoles(numeric, [{ customer_id: 'a', churned: 1 }, { customer_id: 'b', churned: 0 }]).roles.churn).toBe('churned');
    expect(suggestRoles(numeric, [{ customer_id: 'a', churned: 3 }]).roles.churn).toBeUndefined();
  });

  it('needs numbers for amounts', () => {
    const s = suggestRoles(cols({ order_date: 'DATE', amount: 'VARCHAR' }), [{ order_date: '2024-01-01', amount: '¥1,200' }]);
    expect(s.roles.amount).toBeUndefined();
  });

  it('recognises tickets and leads', () => {
    expect(suggestRoles(cols({ 工单号: 'VARCHAR', 创建时间: 'TIMESTAMP', 满意度: 'BIGINT' }), []).kind).toBe('tickets');
    expect(suggestRoles(cols({ id: 'BIGINT', opened_at: 'TIMESTAMP', satisfaction: 'BIGINT' }), []).roles).toEqual({ ticket_id: 'id', opened_at: 'opened_at', satisfaction: 'satisfaction' });
    expect(suggestRoles(cols({ lead: 'VARCHAR', Stage: 'VARCHAR' }), []).kind).toBe('leads');
  });

  it('does not let a bare ID decide the kind', () => {
    const s = suggestRoles(cols({ ID: 'BIGINT', frequency: 'BIGINT', recency: 'DOUBLE', T: 'DOUBLE' }), []);
    expect(s.kind).toBe('customers');
    expect(s.roles).toEqual({ customer_id: 'ID' });
    expect(s.confidence.kind).toBeLessThan(0.5);
  });

  it('says other when nothing fits', () => {
    expect(suggestRoles(cols({ a: 'VARCHAR', b: 'DOUBLE' }), [])).toEqual({ kind: 'other', roles: {}, confidence: { kind: 0, roles: {} } });
  });
});

describe('suggestRoles on the demo generator, through loadDelimited', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openNodeDb();
  });
  afterAll(async () => db.close());

  /** The demo's canonical keys are role names, except these. */
  const KEY_TO_ROLE: Record<string, Record<string, Role | null>> = {
    customers: { churned: 'churn' },
    tickets: { category: 'ticket_category' },
    leads: { mql_at: null, sql_at: null, opportunity_at: null },
  };

  for (const headers of ['en', 'zh'] as const) {
    it(`maps every role of the ${headers} demo tables`, async () => {
      const data = generateCrm({ seed: 7, customers: 120, headers });
      for (const name of CRM_TABLES) {
        const t = data[name];
        const { table } = await loadDelimited(db, { fileName: `demo_${headers}_${name}.csv`, bytes: new TextEncoder().encode(toCsv(t)) });
        const expected: Record<string, string> = {};
        COLUMNS[name].forEach((key, i) => {
          const role = KEY_TO_ROLE[name]?.[key] === undefined ? key : KEY_TO_ROLE[name][key];
          if (role && (ROLES_BY_KIND[name] as readonly string[]).includes(role)) expected[role] = t.columns[i]!;
        });
        expect(table.kind, `${headers} ${name}`).toBe(name);
        expect(table.roles, `${headers} ${name}`).toEqual(expected);
      }
    });
  }
});
