/**
 * The fixed vocabulary of the synthetic CRM data: products, places, names,
 * channels, each with its English and Chinese label. Every list is drawn from
 * by index, so the English and Chinese data sets are the same data in two
 * languages.
 */

export interface Label {
  readonly en: string;
  readonly zh: string;
}

export interface Category extends Label {
  readonly key: string;
}

export const CATEGORIES = [
  { key: 'electronics', en: 'Electronics', zh: '数码电子' },
  { key: 'home', en: 'Home & Kitchen', zh: '家居厨房' },
  { key: 'apparel', en: 'Apparel', zh: '服装鞋帽' },
  { key: 'beauty', en: 'Beauty & Personal Care', zh: '美妆个护' },
  { key: 'grocery', en: 'Grocery', zh: '食品生鲜' },
  { key: 'baby', en: 'Baby & Kids', zh: '母婴玩具' },
  { key: 'sports', en: 'Sports & Outdoors', zh: '运动户外' },
  { key: 'books', en: 'Books & Stationery', zh: '图书文具' },
] as const satisfies readonly Category[];

export type CategoryKey = (typeof CATEGORIES)[number]['key'];

export interface Product extends Label {
  readonly key: string;
  readonly category: CategoryKey;
  /** List price in yuan at the start of the data. */
  readonly price: number;
  /** Relative popularity inside its category. */
  readonly weight: number;
  /** Bought by the handful (groceries, stationery) rather than one at a time. */
  readonly consumable?: boolean;
  /** Months (1–12) when it sells `boost` times better. */
  readonly season?: { readonly months: readonly number[]; readonly boost: number };
}

// Names with commas and quotes are deliberate: they make every CSV exercise quoting.
export const PRODUCTS: readonly Product[] = [
  { key: 'smartphone', category: 'electronics', en: 'Smartphone', zh: '智能手机', price: 3999, weight: 5 },
  { key: 'laptop', category: 'electronics', en: 'Laptop', zh: '笔记本电脑', price: 5999, weight: 2 },
  { key: 'tablet', category: 'electronics', en: 'Tablet', zh: '平板电脑', price: 2999, weight: 2 },
  { key: 'earbuds', category: 'electronics', en: 'Wireless earbuds', zh: '无线耳机', price: 799, weight: 4 },
  { key: 'smartwatch', category: 'electronics', en: 'Smartwatch', zh: '智能手表', price: 1299, weight: 2 },
  { key: 'phone_case', category: 'electronics', en: 'Phone case', zh: '手机壳', price: 59, weight: 4 },
  { key: 'screen_protector', category: 'electronics', en: 'Screen protector', zh: '钢化膜', price: 29, weight: 3 },
  { key: 'power_bank', category: 'electronics', en: 'Power bank', zh: '充电宝', price: 149, weight: 3 },
  { key: 'charger', category: 'electronics', en: 'USB-C charger', zh: '快充充电器', price: 99, weight: 3 },
  { key: 'tv', category: 'electronics', en: 'TV 55" 4K', zh: '55英寸"4K"电视', price: 3499, weight: 1 },

  { key: 'coffee_machine', category: 'home', en: 'Coffee machine', zh: '咖啡机', price: 1599, weight: 2 },
  { key: 'air_fryer', category: 'home', en: 'Air fryer', zh: '空气炸锅', price: 399, weight: 4 },
  { key: 'rice_cooker', category: 'home', en: 'Rice cooker', zh: '电饭煲', price: 499, weight: 3 },
  { key: 'vacuum', category: 'home', en: 'Vacuum cleaner', zh: '吸尘器', price: 1299, weight: 2 },
  { key: 'sofa', category: 'home', en: 'Sofa, 3-seat', zh: '三人沙发, 布艺', price: 3299, weight: 1 },
  { key: 'bedding', category: 'home', en: 'Bedding set', zh: '床上四件套', price: 299, weight: 3 },
  { key: 'storage_box', category: 'home', en: 'Storage box', zh: '收纳箱', price: 49, weight: 4, consumable: true },
  { key: 'table_lamp', category: 'home', en: 'Table lamp', zh: '台灯', price: 159, weight: 2 },

  { key: 'tshirt', category: 'apparel', en: 'T-shirt', zh: 'T恤', price: 99, weight: 5, season: { months: [5, 6, 7, 8], boost: 2 } },
  { key: 'jeans', category: 'apparel', en: 'Jeans', zh: '牛仔裤', price: 299, weight: 4 },
  { key: 'down_jacket', category: 'apparel', en: 'Down jacket', zh: '羽绒服', price: 899, weight: 2, season: { months: [10, 11, 12, 1], boost: 4 } },
  { key: 'running_shoes', category: 'apparel', en: 'Running shoes', zh: '跑步鞋', price: 599, weight: 3 },
  { key: 'dress', category: 'apparel', en: 'Dress', zh: '连衣裙', price: 399, weight: 3, season: { months: [4, 5, 6, 7], boost: 2 } },
  { key: 'socks', category: 'apparel', en: 'Socks (5 pairs)', zh: '袜子(5双)', price: 39, weight: 4, consumable: true },
  { key: 'sweater', category: 'apparel', en: 'Sweater', zh: '毛衣', price: 349, weight: 2, season: { months: [10, 11, 12, 1, 2], boost: 3 } },
  { key: 'cap', category: 'apparel', en: 'Cap', zh: '棒球帽', price: 79, weight: 2 },

  { key: 'face_cream', category: 'beauty', en: 'Face cream', zh: '面霜', price: 399, weight: 4 },
  { key: 'lipstick', category: 'beauty', en: 'Lipstick', zh: '口红', price: 259, weight: 3 },
  { key: 'shampoo', category: 'beauty', en: 'Shampoo', zh: '洗发水', price: 69, weight: 5, consumable: true },
  { key: 'sunscreen', category: 'beauty', en: 'Sunscreen', zh: '防晒霜', price: 129, weight: 2, season: { months: [5, 6, 7, 8], boost: 4 } },
  { key: 'toothbrush', category: 'beauty', en: 'Electric toothbrush', zh: '电动牙刷', price: 299, weight: 2 },
  { key: 'brush_heads', category: 'beauty', en: 'Toothbrush heads', zh: '牙刷头', price: 89, weight: 2, consumable: true },
  { key: 'perfume', category: 'beauty', en: 'Perfume', zh: '香水', price: 699, weight: 1 },
  { key: 'face_mask', category: 'beauty', en: 'Face mask (10 pcs)', zh: '面膜(10片)', price: 99, weight: 3, consumable: true },

  { key: 'coffee_beans', category: 'grocery', en: 'Coffee beans', zh: '咖啡豆', price: 89, weight: 3, consumable: true },
  { key: 'green_tea', category: 'grocery', en: 'Green tea', zh: '绿茶', price: 129, weight: 3, consumable: true },
  { key: 'rice', category: 'grocery', en: 'Rice 5kg', zh: '大米5kg', price: 59, weight: 5, consumable: true },
  { key: 'cooking_oil', category: 'grocery', en: 'Cooking oil', zh: '食用油', price: 79, weight: 4, consumable: true },
  { key: 'snack_box', category: 'grocery', en: 'Snack box', zh: '零食礼盒', price: 99, weight: 4, consumable: true, season: { months: [1, 2], boost: 3 } },
  { key: 'milk', category: 'grocery', en: 'Milk (12-pack)', zh: '牛奶(12盒)', price: 69, weight: 5, consumable: true },
  { key: 'mooncakes', category: 'grocery', en: 'Mooncakes gift box', zh: '月饼礼盒', price: 199, weight: 1, season: { months: [9], boost: 12 } },
  { key: 'fruit_box', category: 'grocery', en: 'Fresh fruit box', zh: '水果礼盒', price: 129, weight: 3 },

  { key: 'diapers', category: 'baby', en: 'Diapers', zh: '纸尿裤', price: 149, weight: 5, consumable: true },
  { key: 'formula', category: 'baby', en: 'Infant formula', zh: '婴儿奶粉', price: 299, weight: 4, consumable: true },
  { key: 'wipes', category: 'baby', en: 'Baby wipes', zh: '婴儿湿巾', price: 39, weight: 4, consumable: true },
  { key: 'stroller', category: 'baby', en: 'Stroller', zh: '婴儿推车', price: 1299, weight: 1 },
  { key: 'blocks', category: 'baby', en: 'Toy blocks', zh: '积木玩具', price: 199, weight: 3 },
  { key: 'kids_backpack', category: 'baby', en: "Kids' backpack", zh: '儿童书包', price: 159, weight: 2, season: { months: [8, 9], boost: 4 } },

  { key: 'yoga_mat', category: 'sports', en: 'Yoga mat', zh: '瑜伽垫', price: 129, weight: 3 },
  { key: 'dumbbells', category: 'sports', en: 'Dumbbells', zh: '哑铃', price: 199, weight: 2 },
  { key: 'tent', category: 'sports', en: 'Tent', zh: '帐篷', price: 599, weight: 1, season: { months: [4, 5, 9, 10], boost: 3 } },
  { key: 'bicycle', category: 'sports', en: 'Bicycle', zh: '自行车', price: 1599, weight: 1, season: { months: [3, 4, 5], boost: 2 } },
  { key: 'fitness_tracker', category: 'sports', en: 'Fitness tracker', zh: '运动手环', price: 249, weight: 3 },
  { key: 'sports_bottle', category: 'sports', en: 'Sports bottle', zh: '运动水壶', price: 59, weight: 3 },
  { key: 'badminton', category: 'sports', en: 'Badminton racket', zh: '羽毛球拍', price: 229, weight: 2 },

  { key: 'novel', category: 'books', en: 'Novel', zh: '小说', price: 49, weight: 4 },
  { key: 'notebook', category: 'books', en: 'Notebook', zh: '笔记本', price: 19, weight: 4, consumable: true },
  { key: 'pen_set', category: 'books', en: 'Pen set', zh: '中性笔套装', price: 29, weight: 4, consumable: true },
  { key: 'printer', category: 'books', en: 'Printer', zh: '打印机', price: 899, weight: 1 },
  { key: 'paper', category: 'books', en: 'Printer paper A4', zh: 'A4打印纸', price: 39, weight: 2, consumable: true },
  { key: 'picture_books', category: 'books', en: "Children's books", zh: '儿童绘本', price: 69, weight: 3, season: { months: [6, 7, 8], boost: 2 } },
  { key: 'desk_organizer', category: 'books', en: 'Desk organizer', zh: '桌面收纳', price: 59, weight: 2 },
];

/** Product → products bought with it in the same order, with the chance of each. */
export const COMPANIONS: Readonly<Record<string, readonly (readonly [string, number])[]>> = {
  smartphone: [['phone_case', 0.55], ['screen_protector', 0.45], ['charger', 0.2]],
  tablet: [['screen_protector', 0.35], ['charger', 0.15]],
  laptop: [['power_bank', 0.12], ['earbuds', 0.12]],
  coffee_machine: [['coffee_beans', 0.7]],
  printer: [['paper', 0.75], ['desk_organizer', 0.15]],
  toothbrush: [['brush_heads', 0.55]],
  diapers: [['wipes', 0.55], ['formula', 0.25]],
  stroller: [['blocks', 0.2]],
  tent: [['sports_bottle', 0.3], ['yoga_mat', 0.1]],
  running_shoes: [['socks', 0.35], ['fitness_tracker', 0.15]],
  bicycle: [['sports_bottle', 0.35]],
  face_cream: [['face_mask', 0.3], ['sunscreen', 0.15]],
  rice: [['cooking_oil', 0.4]],
  air_fryer: [['cooking_oil', 0.3]],
  down_jacket: [['sweater', 0.2]],
};

/** How likely an extra line of an order comes from each category, given the order's first category. */
export const CATEGORY_AFFINITY: Readonly<Record<CategoryKey, Partial<Record<CategoryKey, number>>>> = {
  electronics: { electronics: 3, books: 1 },
  home: { home: 3, grocery: 1.5 },
  apparel: { apparel: 3, beauty: 1.5, sports: 1.2 },
  beauty: { beauty: 3, apparel: 1.5, baby: 0.6 },
  grocery: { grocery: 3, home: 1.5, baby: 0.8 },
  baby: { baby: 3, grocery: 1.5, beauty: 0.8 },
  sports: { sports: 3, apparel: 1.2, grocery: 0.5 },
  books: { books: 3, electronics: 1, baby: 0.6 },
};
export const AFFINITY_FLOOR = 0.25;

/** Overall category popularity. */
export const CATEGORY_WEIGHTS: Readonly<Record<CategoryKey, number>> = {
  electronics: 1.3, home: 1.1, apparel: 1.4, beauty: 1.1, grocery: 1.6, baby: 0.7, sports: 0.7, books: 0.8,
};

export interface Region extends Label {
  readonly weight: number;
  readonly cities: readonly Label[];
}

export const REGIONS: readonly Region[] = [
  { en: 'Guangdong', zh: '广东', weight: 12, cities: [{ en: 'Guangzhou', zh: '广州' }, { en: 'Shenzhen', zh: '深圳' }, { en: 'Dongguan', zh: '东莞' }, { en: 'Foshan', zh: '佛山' }] },
  { en: 'Jiangsu', zh: '江苏', weight: 9, cities: [{ en: 'Nanjing', zh: '南京' }, { en: 'Suzhou', zh: '苏州' }, { en: 'Wuxi', zh: '无锡' }] },
  { en: 'Zhejiang', zh: '浙江', weight: 8, cities: [{ en: 'Hangzhou', zh: '杭州' }, { en: 'Ningbo', zh: '宁波' }, { en: 'Wenzhou', zh: '温州' }] },
  { en: 'Shanghai', zh: '上海', weight: 7, cities: [{ en: 'Shanghai', zh: '上海' }] },
  { en: 'Beijing', zh: '北京', weight: 6, cities: [{ en: 'Beijing', zh: '北京' }] },
  { en: 'Shandong', zh: '山东', weight: 7, cities: [{ en: 'Jinan', zh: '济南' }, { en: 'Qingdao', zh: '青岛' }, { en: 'Yantai', zh: '烟台' }] },
  { en: 'Sichuan', zh: '四川', weight: 6, cities: [{ en: 'Chengdu', zh: '成都' }, { en: 'Mianyang', zh: '绵阳' }] },
  { en: 'Hubei', zh: '湖北', weight: 4, cities: [{ en: 'Wuhan', zh: '武汉' }, { en: 'Yichang', zh: '宜昌' }] },
  { en: 'Henan', zh: '河南', weight: 5, cities: [{ en: 'Zhengzhou', zh: '郑州' }, { en: 'Luoyang', zh: '洛阳' }] },
  { en: 'Fujian', zh: '福建', weight: 4, cities: [{ en: 'Fuzhou', zh: '福州' }, { en: 'Xiamen', zh: '厦门' }, { en: 'Quanzhou', zh: '泉州' }] },
  { en: 'Hunan', zh: '湖南', weight: 3, cities: [{ en: 'Changsha', zh: '长沙' }] },
  { en: 'Shaanxi', zh: '陕西', weight: 3, cities: [{ en: "Xi'an", zh: '西安' }] },
  { en: 'Chongqing', zh: '重庆', weight: 3, cities: [{ en: 'Chongqing', zh: '重庆' }] },
  { en: 'Tianjin', zh: '天津', weight: 2, cities: [{ en: 'Tianjin', zh: '天津' }] },
  { en: 'Liaoning', zh: '辽宁', weight: 3, cities: [{ en: 'Shenyang', zh: '沈阳' }, { en: 'Dalian', zh: '大连' }] },
];

export const GENDERS = [
  { key: 'female', en: 'Female', zh: '女' },
  { key: 'male', en: 'Male', zh: '男' },
] as const;

/** How a customer first came to us. */
export const SIGNUP_CHANNELS = [
  { key: 'web', en: 'web', zh: '官网', weight: 30 },
  { key: 'app', en: 'app', zh: 'App', weight: 25 },
  { key: 'store', en: 'store', zh: '门店', weight: 20 },
  { key: 'marketplace', en: 'marketplace', zh: '电商平台', weight: 12 },
  { key: 'referral', en: 'referral', zh: '老客推荐', weight: 8 },
  { key: 'social', en: 'social', zh: '社交媒体', weight: 5 },
] as const;

/** Where an order was placed. Index-aligned with the first four signup channels. */
export const ORDER_CHANNELS = [
  { key: 'web', en: 'web', zh: '官网' },
  { key: 'app', en: 'app', zh: 'App' },
  { key: 'store', en: 'store', zh: '门店' },
  { key: 'marketplace', en: 'marketplace', zh: '电商平台' },
] as const;

export const SEGMENTS = [
  { key: 'consumer', en: 'Consumer', zh: '个人消费者', weight: 75, rate: 1, qty: 1 },
  { key: 'small_business', en: 'Small business', zh: '小微企业', weight: 17, rate: 1.4, qty: 2 },
  { key: 'corporate', en: 'Corporate', zh: '企业客户', weight: 8, rate: 1.8, qty: 4 },
] as const;

export const TICKET_CATEGORIES = [
  { key: 'delivery', en: 'delivery', zh: '物流配送', weight: 30 },
  { key: 'product_quality', en: 'product quality', zh: '产品质量', weight: 22 },
  { key: 'returns', en: 'returns & refunds', zh: '退换货', weight: 18 },
  { key: 'billing', en: 'billing', zh: '账单支付', weight: 14 },
  { key: 'account', en: 'account', zh: '账户问题', weight: 9 },
  { key: 'technical', en: 'technical support', zh: '技术支持', weight: 7 },
] as const;

export const TICKET_STATUS = {
  closed: { en: 'closed', zh: '已关闭' },
  open: { en: 'open', zh: '处理中' },
} as const;

export const LEAD_CHANNELS = [
  { key: 'search', en: 'search', zh: '搜索引擎', weight: 30 },
  { key: 'social', en: 'social', zh: '社交媒体', weight: 25 },
  { key: 'ads', en: 'display ads', zh: '信息流广告', weight: 18 },
  { key: 'email', en: 'email', zh: '邮件营销', weight: 12 },
  { key: 'event', en: 'event', zh: '展会活动', weight: 8 },
  { key: 'referral', en: 'referral', zh: '客户推荐', weight: 7 },
] as const;

/** Funnel stages in order; a lead's `stage` is the furthest it reached. */
export const LEAD_STAGES = [
  { key: 'lead', en: 'lead', zh: '线索' },
  { key: 'mql', en: 'MQL', zh: '市场认可线索' },
  { key: 'sql', en: 'SQL', zh: '销售认可线索' },
  { key: 'opportunity', en: 'opportunity', zh: '商机' },
  { key: 'won', en: 'won', zh: '赢单' },
] as const;

export const SALES_OWNERS: readonly Label[] = [
  { en: 'Alice Chen', zh: '陈晓雯' },
  { en: 'Brian Wu', zh: '吴浩然' },
  { en: 'Carmen Li', zh: '李嘉欣' },
  { en: 'David Zhang', zh: '张伟' },
  { en: 'Emma Liu', zh: '刘思琪' },
  { en: 'Frank Zhao', zh: '赵志强' },
  { en: 'Grace Huang', zh: '黄雅婷' },
  { en: 'Henry Sun', zh: '孙建国' },
];

export const EN_FIRST_FEMALE = [
  'Olivia', 'Emma', 'Ava', 'Sophia', 'Isabella', 'Mia', 'Amelia', 'Harper', 'Evelyn', 'Abigail', 'Emily', 'Ella',
  'Grace', 'Chloe', 'Lily', 'Hannah', 'Zoe', 'Nora', 'Lucy', 'Anna', 'Sarah', 'Laura', 'Rachel', 'Megan',
];
export const EN_FIRST_MALE = [
  'Liam', 'Noah', 'Oliver', 'James', 'Elijah', 'William', 'Henry', 'Lucas', 'Benjamin', 'Theodore', 'Jack', 'Daniel',
  'Samuel', 'David', 'Joseph', 'Thomas', 'Andrew', 'Ryan', 'Nathan', 'Adam', 'Mark', 'Paul', 'Peter', 'Michael',
];
export const EN_LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor',
  'Thomas', 'Moore', 'Martin', 'Jackson', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker',
  'Young', 'Allen', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Hill', 'Campbell', 'Mitchell',
  "O'Brien", "O'Connor", 'Chen', 'Wang', 'Li', 'Nguyen', 'Patel', 'Kim',
];

/** Common surnames with rough frequency weights. */
export const ZH_SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 7.2], ['李', 7.0], ['张', 6.7], ['刘', 5.4], ['陈', 4.5], ['杨', 3.1], ['黄', 2.4], ['赵', 2.3], ['吴', 2.0],
  ['周', 1.9], ['徐', 1.5], ['孙', 1.5], ['马', 1.4], ['朱', 1.3], ['胡', 1.3], ['郭', 1.1], ['何', 1.1], ['高', 1.0],
  ['林', 1.0], ['罗', 0.9], ['郑', 0.9], ['梁', 0.9], ['谢', 0.8], ['宋', 0.8], ['唐', 0.8], ['许', 0.7], ['韩', 0.7],
  ['冯', 0.7], ['邓', 0.7], ['曹', 0.7], ['彭', 0.6], ['曾', 0.6], ['肖', 0.6], ['田', 0.6], ['董', 0.5], ['欧阳', 0.1],
];
export const ZH_GIVEN_FEMALE = '婷雪丽静敏燕艳娟霞芳娜琳欣怡晓雨梦佳悦诗涵璐颖倩月'.split('');
export const ZH_GIVEN_MALE = '伟强磊军洋勇杰涛明超刚平辉鹏华飞浩宇轩博文俊峰志睿'.split('');

/** Retail volume by month (January = index 0): a Spring Festival dip, 618 and Double-11 peaks. */
export const MONTH_FACTOR = [0.95, 0.75, 0.95, 0.95, 1.0, 1.15, 0.95, 0.95, 1.0, 1.05, 1.35, 1.3];
/** By weekday, Sunday = index 0. */
export const WEEKDAY_FACTOR = [1.1, 0.9, 0.92, 0.95, 1.0, 1.08, 1.15];
/** Shopping festivals: [month, day, volume factor, share of orders with a discount]. */
export const PROMO_DAYS: readonly (readonly [number, number, number, number])[] = [
  [11, 11, 4.0, 0.75], [11, 10, 1.8, 0.5], [11, 12, 1.6, 0.5], [6, 18, 2.5, 0.65], [6, 17, 1.4, 0.4], [12, 12, 1.8, 0.5],
];
