/**
 * Suggest what a table is (customers, orders, …) and which column plays which
 * role, from header names in English and Chinese plus a look at the values.
 * Only a suggestion: the user confirms or changes it in the UI.
 *
 * For every kind, columns are matched to that kind's roles (exact synonym 1.0,
 * synonym inside a longer name 0.6, a bare `id` 0.5 for the kind's own id),
 * a failed value check drops the match, and each role takes its best free
 * column. The kind is then chosen by which roles were found.
 */
import type { ColumnInfo, Row } from '../db/types.ts';
import { ROLES_BY_KIND, type Role, type RoleMap, type TableKind } from './model.ts';

export interface RoleSuggestion {
  kind: TableKind;
  roles: RoleMap;
  confidence: {
    /** 0–1: how clearly the found roles point to `kind`. */
    kind: number;
    /** 0–1 per suggested role. */
    roles: Partial<Record<Role, number>>;
  };
}

/** Values read as "yes" in a churn-like column (compared lower-cased and trimmed). */
export const BINARY_TRUE: readonly string[] = ['yes', 'y', 'true', 't', '1', '1.0', 'churn', 'churned', '是', '流失', '已流失', '有'];
/** Values read as "no". */
export const BINARY_FALSE: readonly string[] = ['no', 'n', 'false', 'f', '0', '0.0', 'stay', 'stayed', 'retained', 'active', '否', '未流失', '留存', '无'];

type Check = 'date' | 'number' | 'numberish' | 'binary' | 'id' | 'category' | 'text' | 'any';

interface RoleSpec {
  check: Check;
  /** Header names, normalised (see `normalizeHeader`). */
  names: readonly string[];
}

const SPECS: Record<Role, RoleSpec> = {
  customer_id: {
    check: 'id',
    names: [
      'customerid', 'custid', 'custno', 'custnumber', 'customerno', 'customernumber', 'customercode', 'customerkey', 'clientid', 'clientno',
      'userid', 'memberid', 'memberno', 'buyerid', 'accountid', 'accountno', 'cid',
      '客户id', '客户编号', '客户号', '客户代码', '客户编码', '会员号', '会员id', '会员编号', '会员卡号', '用户id', '用户编号', '买家id', '顾客id', '顾客编号',
    ],
  },
  name: { check: 'category', names: ['name', 'customername', 'fullname', 'clientname', '姓名', '客户名称', '客户姓名', '用户名', '会员姓名', '名称'] },
  gender: { check: 'category', names: ['gender', 'sex', '性别'] },
  birth_date: { check: 'date', names: ['birthdate', 'dateofbirth', 'dob', 'birthday', '出生日期', '生日'] },
  age: { check: 'number', names: ['age', '年龄'] },
  region: { check: 'category', names: ['region', 'province', 'state', 'area', 'country', '地区', '区域', '省份', '省', '大区', '国家'] },
  city: { check: 'category', names: ['city', 'town', '城市', '市'] },
  signup_date: {
    check: 'date',
    names: [
      'signupdate', 'signup', 'registrationdate', 'registerdate', 'registeredat', 'joindate', 'joinedat', 'datejoined', 'customersince',
      'dtcustomer', 'firstpurchasedate', '注册时间', '注册日期', '入会时间', '入会日期', '开户日期', '首次购买日期',
    ],
  },
  segment: { check: 'category', names: ['segment', 'customersegment', 'tier', 'customertier', 'membershiplevel', 'memberlevel', '客户分群', '分群', '客户等级', '会员等级', '客户类型', '客户分层'] },
  channel: { check: 'category', names: ['channel', 'contact', 'contacttype', 'contactchannel', 'contactmethod', 'acquisitionchannel', 'saleschannel', 'source', 'leadsource', 'origin', '渠道', '来源', '来源渠道', '获客渠道', '销售渠道'] },
  credit_limit: { check: 'number', names: ['creditlimit', 'limitbal', '信用额度', '授信额度'] },
  churn: { check: 'binary', names: ['churn', 'churned', 'ischurn', 'churnflag', 'attrition', 'exited', '流失', '是否流失', '已流失', '流失标记', '流失标志'] },
  tenure: { check: 'number', names: ['tenure', 'tenuremonths', 'monthsactive', '在网时长', '入网时长', '会员时长', '使用时长', '客户时长'] },
  response: {
    check: 'binary',
    // `y` is how the UCI bank-marketing data and many ML exports name the outcome.
    names: ['response', 'responded', 'campaignresponse', 'y', 'subscribed', 'converted', 'accepted', '响应', '是否响应', '营销响应', '是否转化'],
  },
  // Campaign spend and the revenue it brought (iFood's per-contact `Z_CostContact` and per-response `Z_Revenue`).
  cost: {
    check: 'number',
    names: ['cost', 'spend', 'campaigncost', 'campaignspend', 'marketingcost', 'costcontact', 'zcostcontact', 'contactcost', 'costpercontact', '成本', '费用', '营销费用', '营销成本', '活动费用', '推广费用', '投放费用'],
  },
  campaign_revenue: {
    check: 'number',
    names: ['campaignrevenue', 'zrevenue', 'responserevenue', 'revenueperresponse', '营销收入', '活动收入', '营销收益', '活动收益'],
  },
  monetary_total: {
    check: 'number',
    names: ['totalcharges', 'totalspent', 'totalspend', 'lifetimevalue', 'ltv', 'clv', 'monetary', 'totalpurchase', '累计消费', '消费总额', '总消费', '累计消费金额'],
  },
  order_id: {
    check: 'id',
    names: ['orderid', 'orderno', 'ordernumber', 'invoiceno', 'invoice', 'invoiceid', 'transactionid', 'transaction', 'txnid', 'receiptno', '订单号', '订单编号', '订单id', '单号', '交易号', '交易编号', '流水号'],
  },
  order_date: {
    check: 'date',
    names: [
      'orderdate', 'date', 'purchasedate', 'transactiondate', 'invoicedate', 'orderdatetime', 'ordertime', 'orderedat', 'purchasedat', 'paidat',
      '下单时间', '订单日期', '下单日期', '交易日期', '交易时间', '购买日期', '购买时间', '日期', '支付时间', '付款时间', '订单时间',
    ],
  },
  amount: {
    check: 'number',
    names: [
      'amount', 'total', 'sales', 'revenue', 'totalamount', 'ordervalue', 'orderamount', 'payment', 'paymentvalue', 'paidamount', 'dollarvalue', 'totalprice',
      '金额', '实付金额', '订单金额', '销售额', '支付金额', '实收金额', '总金额', '付款金额', '成交金额', '消费金额',
    ],
  },
  quantity: { check: 'number', names: ['quantity', 'qty', 'units', 'numberofitems', 'itemcount', 'numberofcds', '数量', '件数', '购买数量'] },
  unit_price: { check: 'number', names: ['unitprice', 'price', 'itemprice', '单价', '价格', '商品单价'] },
  product: {
    check: 'any',
    names: ['product', 'productname', 'item', 'itemname', 'itemdescription', 'description', 'productdescription', 'goods', 'goodsname', '商品', '商品名称', '产品', '产品名称', '品名', '商品名', '货品名称'],
  },
  sku: {
    check: 'any',
    names: ['sku', 'stockcode', 'productid', 'productcode', 'itemcode', 'itemid', 'itemno', 'skuid', 'articleno', 'barcode', '商品编码', '商品id', '商品编号', '货号', '产品编码', '产品编号', '条码', 'sku编码'],
  },
  order_status: {
    check: 'category',
    names: ['orderstatus', 'status', 'transactionstatus', 'returnstatus', 'returnflag', 'isreturn', 'cancelled', 'canceled', '订单状态', '状态', '交易状态', '退货状态', '是否退货'],
  },
  category: { check: 'category', names: ['category', 'productcategory', 'categoryname', '类别', '品类', '商品类别', '分类', '类目'] },
  discount: { check: 'number', names: ['discount', 'discountamount', '折扣', '优惠', '优惠金额'] },
  payment_status: { check: 'category', names: ['paymentstatus', 'paystatus', 'paid', '支付状态', '付款状态'] },
  due_date: { check: 'date', names: ['duedate', 'paymentduedate', '到期日', '应付日期', '到期日期'] },
  ticket_id: { check: 'id', names: ['ticketid', 'ticketno', 'ticketnumber', 'caseid', 'caseno', 'issueid', '工单号', '工单编号', '工单id', '工单'] },
  opened_at: { check: 'date', names: ['openedat', 'opendate', 'opened', 'createdat', 'createddate', 'submittedat', 'reportedat', '创建时间', '提交时间', '开单时间', '报修时间', '受理时间'] },
  first_response_at: { check: 'date', names: ['firstresponseat', 'firstresponse', 'firstresponsetime', 'respondedat', '首次响应时间', '响应时间'] },
  closed_at: { check: 'date', names: ['closedat', 'closedate', 'closeddate', 'resolvedat', 'resolveddate', '关闭时间', '解决时间', '结单时间', '完成时间'] },
  ticket_category: { check: 'category', names: ['ticketcategory', 'category', 'issuetype', 'issuecategory', 'casetype', 'tickettype', '问题类型', '工单类型', '问题分类'] },
  satisfaction: { check: 'number', names: ['satisfaction', 'csat', 'satisfactionscore', 'rating', 'score', '满意度', '评分', '满意度评分'] },
  status: { check: 'category', names: ['status', 'ticketstatus', 'state', '状态', '工单状态', '处理状态'] },
  lead_id: { check: 'id', names: ['leadid', 'mqlid', 'prospectid', 'opportunityid', 'dealid', '线索id', '线索编号', '商机id', '商机编号'] },
  created_at: { check: 'date', names: ['createdat', 'createddate', 'firstcontactdate', 'leaddate', 'createdon', '创建时间', '创建日期', '首次接触时间', '首次联系时间'] },
  stage: { check: 'category', names: ['stage', 'leadstage', 'dealstage', 'pipelinestage', 'salesstage', 'funnelstage', '阶段', '销售阶段', '线索阶段', '商机阶段'] },
  owner: { check: 'category', names: ['owner', 'salesrep', 'salesperson', 'assignedto', 'srid', 'sdrid', '负责人', '销售', '跟进人', '销售员', '归属人'] },
  won_at: { check: 'date', names: ['wonat', 'wondate', 'closedwondate', 'convertedat', 'convertdate', '成交时间', '赢单时间', '成交日期', '转化时间'] },
  value: { check: 'number', names: ['value', 'dealvalue', 'expectedvalue', 'opportunityvalue', 'amount', '商机金额', '预计金额', '金额'] },
  // Feedback (issue 14): reviews, comments, complaints, posts.
  feedback_text: {
    check: 'text',
    names: [
      'text', 'review', 'reviews', 'reviewtext', 'reviewbody', 'comment', 'comments', 'content', 'feedback', 'feedbacktext', 'message', 'body', 'description',
      'complaint', 'complainttext', 'post', 'remark', 'remarks', 'verbatim', 'opinion',
      '评论', '评论内容', '内容', '评价', '评价内容', '反馈', '反馈内容', '留言', '投诉内容', '描述', '问题描述', '文本', '意见', '帖子', '正文',
    ],
  },
  feedback_date: {
    check: 'date',
    names: ['date', 'reviewdate', 'commentdate', 'feedbackdate', 'postedat', 'postdate', 'createdat', 'submittedat', 'time', 'datetime', 'timestamp', '日期', '时间', '评论时间', '评价时间', '发布时间', '提交时间', '反馈时间'],
  },
  rating: { check: 'numberish', names: ['rating', 'score', 'stars', 'star', 'starrating', 'reviewscore', 'overallrating', 'reviewrating', '评分', '星级', '打分', '评星', '分数', '满意度'] },
  sentiment_label: { check: 'category', names: ['label', 'sentiment', 'polarity', 'sentimentlabel', 'tag', '情感', '情感标签', '标签', '情绪', '倾向', '极性', '情感倾向'] },
  topic: { check: 'category', names: ['topic', 'category', 'subject', 'theme', 'issuetype', '主题', '类别', '分类', '话题', '问题类型'] },
  // ---- surveys and events (issue 14): question text as headers, so most names also match inside a longer header.
  responded_at: {
    check: 'date',
    names: ['respondedat', 'responsedate', 'submittedat', 'submitdate', 'surveydate', 'completedat', 'completiondate', 'date', 'timestamp', '提交时间', '提交日期', '填写时间', '答题时间', '作答时间', '日期', '完成时间'],
  },
  overall: { check: 'any', names: ['overallsatisfaction', 'overall', 'satisfactionoverall', '总体满意度', '整体满意度', '总体满意', '整体满意', '总体评价', '总体而言', '整体而言', '总的来说', '总体上', '整体上'] },
  recommend: { check: 'any', names: ['nps', 'recommend', 'likelihoodtorecommend', '推荐', '推荐意愿', '净推荐值'] },
  effort: { check: 'any', names: ['ces', 'effort', 'customereffort', 'easy', '费力', '省力', '容易', '轻松', '便捷程度'] },
  repurchase: { check: 'any', names: ['repurchase', 'buyagain', 'purchaseagain', 'continuetouse', '再次购买', '回购', '复购', '继续购买', '再次光顾', '继续使用'] },
  event_at: {
    check: 'date',
    names: ['timestamp', 'eventtime', 'eventat', 'eventdate', 'eventtimestamp', 'time', 'datetime', 'visittime', 'occurredat', 'hittime', '访问时间', '事件时间', '时间', '时间戳', '发生时间', '浏览时间', '行为时间'],
  },
  touchpoint: { check: 'category', names: ['touchpoint', 'page', 'pagename', 'pageurl', 'url', 'pagepath', 'screen', 'screenname', '触点', '页面', '页面名称', '接触点', '访问页面', '页面路径'] },
  event_type: { check: 'category', names: ['eventtype', 'event', 'eventname', 'action', 'actiontype', 'behavior', 'behaviour', '事件', '事件类型', '行为', '行为类型', '事件名称'] },
  converted: { check: 'binary', names: ['converted', 'conversion', 'isconversion', 'purchased', 'ispurchase', '转化', '是否转化', '是否购买', '是否成交'] },
};

/** Kinds suggested from header names. `baskets` is never guessed: only a basket file makes one. */
const KINDS = ['orders', 'tickets', 'leads', 'customers', 'feedback', 'surveys', 'events'] as const;

/** Names that mean "this table's own id" whatever the table is. */
const BARE_ID = new Set(['id', 'no', 'code', 'key', '编号', '序号id', 'id号']);
type NamedKind = (typeof KINDS)[number];

const PRIMARY_ID: Partial<Record<NamedKind, Role>> = {
  customers: 'customer_id',
  orders: 'order_id',
  tickets: 'ticket_id',
  leads: 'lead_id',
};

/** `Customer Id`, `customer_id`, `CUSTOMERID`, `ＣｕｓｔｏｍｅｒＩＤ` → `customerid`. */
export function normalizeHeader(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.:/\\()[\]{}（）【】#'"`]+/g, '');
}

const CJK = /[\u3400-\u9fff]/;

const ID_ROLES: readonly Role[] = ['customer_id', 'order_id', 'ticket_id', 'lead_id', 'sku'];

/**
 * Whether a header names an id (of a customer, order, ticket, lead or
 * product), e.g. `CustomerID`, `cust_id`, `会员编号`, `Invoice`: such a column
 * holds codes, never measurements, whatever type the file gave it.
 */
export function isIdHeader(header: string): boolean {
  const h = normalizeHeader(header);
  if (h === '') return false;
  // `CustomerID`, `customerId`, `cust_id`, `客户ID` end in a separate "id" (`Paid`, `valid` do not).
  const endsInId = /(^|[\s_\-.]|[^A-Z\s_\-.])(ID|Id)$|(^|[\s_\-.])id$/.test(header.trim());
  return BARE_ID.has(h) || endsInId || /(编号|编码)$/.test(h) || ID_ROLES.some((r) => SPECS[r].names.includes(h));
}

function nameScore(header: string, role: Role, kind: NamedKind): number {
  const h = normalizeHeader(header);
  if (h === '') return 0;
  const names = SPECS[role].names;
  if (names.includes(h)) return 1;
  if (PRIMARY_ID[kind] === role && BARE_ID.has(h)) return 0.5;
  const inside = names.some((s) => (CJK.test(s) ? s.length >= 2 : s.length >= 4) && h.includes(s));
  return inside ? 0.6 : 0;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL(\(\d+,\s*\d+\))?)$/i;
const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/i;
const TEMPORAL = /^(DATE|TIMESTAMP.*)$/i;

export function isNumericType(type: string): boolean {
  return NUMERIC.test(type);
}
export function isIntegerType(type: string): boolean {
  return INTEGER.test(type);
}
export function isTemporalType(type: string): boolean {
  return TEMPORAL.test(type);
}

const DATE_TEXT = [
  /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/,
  /^\d{1,2}[-/.]\d{1,2}[-/.](\d{2}|\d{4})( \d{1,2}:\d{2}(:\d{2})?)?$/,
  /^\d{4}年\d{1,2}月\d{1,2}日/,
];

/** `20240131` read as a date, as CDNOW and many exports store them. */
function isCompactDate(v: number | string | boolean): boolean {
  const s = String(v);
  if (!/^\d{8}$/.test(s)) return false;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(4, 6));
  const d = Number(s.slice(6, 8));
  return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

function isBinaryText(v: string): boolean {
  const s = v.trim().toLowerCase();
  return BINARY_TRUE.includes(s) || BINARY_FALSE.includes(s);
}

/** Does the column's type and sample fit the role's check? An empty sample passes on type alone. */
function valuesFit(check: Check, column: ColumnInfo, values: readonly Exclude<Row[string], null>[]): boolean {
  const type = column.type.toUpperCase();
  switch (check) {
    case 'any':
      return true;
    case 'numberish':
      // A score column with the odd `N/A` or `x` in it is still a score (read with TRY_CAST).
      return NUMERIC.test(type) || (type === 'VARCHAR' && values.length > 0 && share(values, (v) => Number.isFinite(Number(String(v).trim())) && String(v).trim() !== '') >= 0.8);
    case 'text':
      // Free text: words, not codes; a sample's values average at least six characters.
      return type === 'VARCHAR' && (values.length === 0 || values.reduce<number>((a, v) => a + String(v).length, 0) / values.length >= 6);
    case 'id':
      // `17850.0`: an id written as a float (blanks made the column numeric) is still an id when every value is whole.
      if (/^(DOUBLE|FLOAT|REAL|DECIMAL.*)$/.test(type)) return values.every((v) => typeof v === 'number' && Number.isInteger(v));
      return !TEMPORAL.test(type) && type !== 'BOOLEAN';
    case 'category':
      return !TEMPORAL.test(type) && !/^(DOUBLE|FLOAT|REAL|DECIMAL.*)$/.test(type);
    case 'number':
      return NUMERIC.test(type);
    case 'date':
      if (TEMPORAL.test(type)) return true;
      if (INTEGER.test(type)) return values.every(isCompactDate);
      if (type !== 'VARCHAR') return false;
      return share(values, (v) => typeof v === 'string' && (DATE_TEXT.some((re) => re.test(v.trim())) || isCompactDate(v.trim()))) >= 0.8;
    case 'binary':
      if (type === 'BOOLEAN') return true;
      if (NUMERIC.test(type)) return values.every((v) => v === 0 || v === 1);
      if (type !== 'VARCHAR') return false;
      return values.every((v) => typeof v === 'string' && isBinaryText(v)) && new Set(values.map((v) => String(v).trim().toLowerCase())).size <= 2;
  }
}

function share<T>(values: readonly T[], ok: (v: T) => boolean): number {
  if (values.length === 0) return 1;
  return values.filter(ok).length / values.length;
}

type FoundRoles = Partial<Record<Role, number>>;

/** How strongly the roles found point to a kind (0 when they do not). */
function kindScore(kind: NamedKind, f: FoundRoles): number {
  const has = (r: Role) => f[r] !== undefined;
  // A lone clue only counts when the header names it: a bare `ID` or `Score` says little.
  const named = (r: Role) => (f[r] ?? 0) >= 0.6;
  const exact = (r: Role) => f[r] === 1;
  switch (kind) {
    case 'orders':
      if (has('order_date') && has('amount')) return 0.9;
      if (has('order_id') && (has('order_date') || has('amount'))) return 0.7;
      if (named('order_id') && has('customer_id')) return 0.5;
      return 0;
    case 'tickets':
      // Texts with a ticket number but no opening time are feedback about tickets, not the tickets.
      if (named('ticket_id')) return has('feedback_text') && !has('opened_at') ? 0.6 : 0.9;
      if (has('opened_at') && (has('satisfaction') || has('closed_at') || has('first_response_at') || has('ticket_category'))) return 0.8;
      if (exact('satisfaction')) return 0.6;
      return 0;
    case 'leads':
      if (has('lead_id') && (has('stage') || has('created_at') || has('won_at'))) return 0.9;
      if (exact('stage')) return 0.8;
      if (named('lead_id')) return 0.6;
      return 0;
    case 'customers':
      if (has('customer_id') && (has('churn') || has('tenure') || has('signup_date'))) return 0.9;
      if (has('customer_id') && (has('gender') || has('birth_date') || has('age') || has('segment') || has('name') || has('credit_limit'))) return 0.7;
      if (has('churn') && (has('tenure') || has('gender') || has('age'))) return 0.5;
      if (exact('response') && (has('age') || has('gender') || has('segment') || has('channel'))) return 0.5;
      if (named('customer_id')) return 0.4;
      if (has('customer_id')) return 0.2;
      return 0;
    case 'feedback':
      // A rating or a label makes texts reviews; a date and a customer alone are also what an order line has
      // (a retail export's `Description` is a product name, not feedback), so those weigh less than orders.
      if (has('feedback_text') && (has('rating') || has('sentiment_label'))) return 0.85;
      if (has('feedback_text') && (has('feedback_date') || has('customer_id') || has('topic'))) return 0.6;
      if (exact('feedback_text')) return 0.6;
      return 0;
    case 'surveys': {
      const items = (['overall', 'recommend', 'effort', 'repurchase'] as const).filter(named).length;
      if (items >= 3) return 0.95;
      if (items >= 2) return 0.9;
      if (items === 1 && (has('responded_at') || has('customer_id'))) return 0.85;
      return 0;
    }
    case 'events':
      if (has('event_at') && has('touchpoint')) return 0.9;
      if (has('event_at') && has('customer_id') && (has('event_type') || has('converted'))) return 0.7;
      return 0;
  }
}

/** Greedy one-to-one assignment of a kind's roles to columns, best matches first. */
function assign(kind: NamedKind, columns: readonly ColumnInfo[], values: readonly (readonly Exclude<Row[string], null>[])[]): { roles: RoleMap; scores: FoundRoles } {
  const candidates: { role: Role; col: number; score: number; order: number }[] = [];
  const roles = ROLES_BY_KIND[kind] as readonly Role[];
  roles.forEach((role, roleOrder) => {
    columns.forEach((column, col) => {
      const score = nameScore(column.name, role, kind);
      if (score > 0 && valuesFit(SPECS[role].check, column, values[col] ?? [])) {
        candidates.push({ role, col, score, order: col * 100 + roleOrder });
      }
    });
  });
  candidates.sort((a, b) => b.score - a.score || a.order - b.order);
  const out: RoleMap = {};
  const scores: FoundRoles = {};
  const usedColumns = new Set<number>();
  for (const c of candidates) {
    if (out[c.role] !== undefined || usedColumns.has(c.col)) continue;
    out[c.role] = columns[c.col]!.name;
    scores[c.role] = c.score;
    usedColumns.add(c.col);
  }
  return { roles: out, scores };
}


/**
 * Suggest the table kind and role → column map. `sample` is a few hundred
 * rows as `Db.query` returns them (dates as ISO strings).
 */
export function suggestRoles(columns: readonly ColumnInfo[], sample: readonly Row[]): RoleSuggestion {
  const values = columns.map((c) => {
    const out: Exclude<Row[string], null>[] = [];
    for (const row of sample) {
      const v = row[c.name];
      if (v !== null && v !== undefined) out.push(v);
    }
    return out;
  });

  if (columns.length > 0 && columns.every((c) => GENERIC_NAME.test(c.name))) return suggestFromValues(columns, values);

  let best: RoleSuggestion = { kind: 'other', roles: {}, confidence: { kind: 0, roles: {} } };
  for (const kind of KINDS) {
    const { roles, scores } = assign(kind, columns, values);
    const score = kindScore(kind, scores);
    if (score === 0) continue;
    const found = Object.values(scores);
    const meanRole = found.reduce((a, b) => a + b, 0) / found.length;
    const confidence = round2(score * Math.min(1, meanRole + 0.1));
    if (confidence > best.confidence.kind) best = { kind, roles, confidence: { kind: confidence, roles: scores } };
  }
  return best;
}

/** The names ingest gives the columns of a file without a header. */
const GENERIC_NAME = /^column\d+$/;
/** Confidence of a guess made from values alone. */
const VALUE_GUESS = 0.4;

/**
 * A file without a header (CDNOW_sample.txt): names say nothing, so guess a
 * purchase log from the values. A date and a decimal amount make it orders;
 * the first text or whole-number column before the date whose values repeat is
 * the customer; a small whole number between date and amount is the quantity.
 */
function suggestFromValues(columns: readonly ColumnInfo[], values: readonly (readonly Exclude<Row[string], null>[])[]): RoleSuggestion {
  const other: RoleSuggestion = { kind: 'other', roles: {}, confidence: { kind: 0, roles: {} } };
  const date = columns.findIndex((c) => TEMPORAL.test(c.type));
  const decimal = (i: number) => /^(DOUBLE|FLOAT|REAL|DECIMAL.*)$/i.test(columns[i]!.type) && (values[i] ?? []).some((v) => typeof v === 'number' && !Number.isInteger(v));
  const amount = columns.map((_, i) => i).filter((i) => i > date && decimal(i)).pop();
  if (date < 0 || amount === undefined) return other;
  const roles: RoleMap = { order_date: columns[date]!.name, amount: columns[amount]!.name };
  const repeats = (i: number) => new Set((values[i] ?? []).map(String)).size < (values[i] ?? []).length;
  const customer = columns.findIndex((c, i) => i < date && (c.type === 'VARCHAR' || INTEGER.test(c.type)) && repeats(i));
  if (customer >= 0) roles.customer_id = columns[customer]!.name;
  const small = (i: number) => INTEGER.test(columns[i]!.type) && (values[i] ?? []).every((v) => typeof v === 'number' && v >= 0 && v <= 1000);
  const quantity = columns.findIndex((_, i) => i > date && i < amount && small(i));
  if (quantity >= 0) roles.quantity = columns[quantity]!.name;
  const scores: FoundRoles = Object.fromEntries(Object.keys(roles).map((r) => [r, VALUE_GUESS]));
  return { kind: 'orders', roles, confidence: { kind: VALUE_GUESS, roles: scores } };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
