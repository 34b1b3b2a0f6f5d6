/**
 * The phrasebook the demo's feedback texts are composed from, in English and
 * Chinese: per topic, complaint sentences (with a follow-up), praise and
 * lukewarm sentences, and openers and closers shared by all. `{n}` is a number
 * of days (or minutes), `{item}` a product; feedback.ts fills them in.
 */

export const FEEDBACK_TOPICS = ['delivery', 'price', 'quality', 'service', 'app'] as const;
export type FeedbackTopic = (typeof FEEDBACK_TOPICS)[number];

export interface Phrasebook {
  items: readonly string[];
  /** Complaints per topic; `delivery` complaints are all about late parcels (the planted growing topic). */
  complaints: Record<FeedbackTopic, readonly string[]>;
  /** A second complaint sentence per topic, sometimes appended. */
  followUps: Record<FeedbackTopic, readonly string[]>;
  praise: Record<FeedbackTopic, readonly string[]>;
  lukewarm: readonly string[];
  openersNegative: readonly string[];
  closersNegative: readonly string[];
  closersPositive: readonly string[];
  /** How sentences join: a space in English, nothing in Chinese. */
  join: string;
}

const EN: Phrasebook = {
  items: ['jacket', 'phone case', 'blender', 'pair of shoes', 'desk lamp', 'backpack', 'kettle', 'headphones', 'cookbook', 'face cream', 'yoga mat', 'coffee maker'],
  complaints: {
    delivery: [
      'My delivery arrived {n} days late.',
      'The delivery was delayed again, {n} days after the promised date.',
      'Delivery is so slow lately, I waited {n} days for a {item}.',
      'Still waiting for my {item}, the delivery is {n} days late.',
      'The courier missed the delivery window twice, so the parcel came late.',
      'Delivery delays are getting worse every month.',
      'The parcel came {n} days late and nobody told me why the delivery was delayed.',
      'Late delivery again, the estimated delivery date means nothing.',
      'My {item} was delayed for {n} days in the courier depot.',
    ],
    price: [
      'Prices went up again, the {item} costs more than at other shops.',
      'Too expensive for what you get.',
      'The discount code did not work at checkout.',
      'The shipping fee is far too high for small orders.',
      'I was charged twice for the same {item}.',
      'The price dropped {n} days after I bought it and there is no price protection.',
    ],
    quality: [
      'The {item} broke after {n} days.',
      'Poor quality, the stitching came apart after one wash.',
      'The {item} looks nothing like the photos.',
      'It arrived damaged, the box was crushed and the {item} scratched.',
      'Cheap material, the {item} feels flimsy.',
      'The {item} stopped working within {n} days.',
    ],
    service: [
      'Customer service never replied to my email.',
      'The support agent was rude and hung up on me.',
      'I had to explain my problem to support three times.',
      'I waited on hold for {n} minutes before anyone answered.',
      'Support closed my ticket without solving anything.',
      'Nobody from customer service called me back as promised.',
    ],
    app: [
      'I cannot log in to the app, the verification code never arrives.',
      'The app crashes every time I open the checkout page.',
      'The password reset email never arrives.',
      'The website is slow and my cart empties itself.',
      'Login fails since the latest app update.',
      'The app logs me out every few minutes.',
    ],
  },
  followUps: {
    delivery: ['I stayed home all day for nothing.', 'The tracking page never updated.', 'It was a gift and came after the birthday.', 'Nobody could tell me where the parcel was.'],
    price: ['I found it cheaper elsewhere.', 'Support would not refund the difference.', 'That is not fair to loyal customers.'],
    quality: ['I want a replacement.', 'The return took ages too.', 'Expected much better for this price.'],
    service: ['This is really frustrating.', 'I still have no answer.', 'I will not contact support again.'],
    app: ['I had to order by phone instead.', 'Reinstalling did not help.', 'Please fix the login.'],
  },
  praise: {
    delivery: ['Fast delivery, the {item} arrived the next day.', 'The package arrived early and well packed.', 'Quick shipping and the courier was polite.'],
    price: ['Great value for money.', 'Good prices and the coupon worked.', 'Cheaper than the shop in town for the same {item}.'],
    quality: ['Excellent quality, the {item} feels solid.', 'Exactly as described, very happy with the {item}.', 'The {item} is well made and looks great.'],
    service: ['Customer service was friendly and solved my issue quickly.', 'The support agent was very helpful.', 'They replaced my {item} without any fuss.'],
    app: ['The app is easy to use and checkout is quick.', 'Ordering on the website was smooth.', 'Love the new app, finding a {item} takes seconds.'],
  },
  lukewarm: [
    'The {item} is okay, nothing special.',
    'Average experience overall.',
    'Decent {item}, but the price is a bit high.',
    'It does the job, packaging could be better.',
    'Fine, though the colour is slightly different from the photo.',
  ],
  openersNegative: ['Honestly, ', 'Second time this happened. ', 'Not impressed. ', 'Sorry but '],
  closersNegative: ['Very disappointed.', 'Please sort this out.', 'Not happy at all.', 'Thinking of shopping elsewhere.'],
  closersPositive: ['Thanks!', 'Will buy again.', 'Highly recommend.', 'Five stars from me.'],
  join: ' ',
};

const ZH: Phrasebook = {
  items: ['外套', '手机壳', '榨汁机', '运动鞋', '台灯', '双肩包', '电水壶', '耳机', '菜谱', '面霜', '瑜伽垫', '咖啡机'],
  complaints: {
    delivery: [
      '配送延迟了{n}天，等得太久了。',
      '快递又延迟了，比承诺的时间晚了{n}天才配送到。',
      '配送太慢了，买的{item}等了{n}天才送到。',
      '物流{n}天没有更新，配送一直延迟。',
      '快递员两次没有按时配送，又延迟了。',
      '最近配送越来越慢，每次都延迟。',
      '包裹配送晚了{n}天，也没有人解释延迟的原因。',
      '又是配送延迟，预计送达时间根本不准。',
      '{item}在快递站压了{n}天，配送严重延迟。',
    ],
    price: [
      '价格又涨了，{item}比别家贵不少。',
      '太贵了，性价比很低。',
      '优惠券结算的时候用不了。',
      '小件商品运费太高了。',
      '同一件{item}被扣了两次钱。',
      '买了{n}天就降价了，也不给保价。',
    ],
    quality: [
      '{item}用了{n}天就坏了。',
      '质量很差，做工粗糙，洗一次就开线。',
      '{item}和图片完全不一样。',
      '收到时箱子被压坏了，{item}有划痕。',
      '材质很廉价，{item}手感很差。',
      '{item}不到{n}天就不能用了。',
    ],
    service: [
      '客服一直不回复我的消息。',
      '客服态度很差，直接挂了电话。',
      '同一个问题要跟客服解释三遍。',
      '电话排队等了{n}分钟才有人接。',
      '工单没有解决就被关闭了。',
      '说好回电话，客服一直没有联系我。',
    ],
    app: [
      'App登录不上，验证码一直收不到。',
      '一打开结算页面App就闪退。',
      '重置密码的邮件一直收不到。',
      '网站很卡，购物车里的东西会自己消失。',
      '更新App之后就无法登录了。',
      'App每隔几分钟就自动退出登录。',
    ],
  },
  followUps: {
    delivery: ['在家白白等了一天。', '物流页面一直不更新。', '本来是送人的礼物，生日都过了才到。', '问了也没人知道包裹在哪里。'],
    price: ['别家便宜多了。', '客服也不给退差价。', '对老客户太不公平了。'],
    quality: ['要求换货。', '退货也很麻烦。', '这个价格不应该是这种质量。'],
    service: ['真的很让人恼火。', '到现在还没有答复。', '再也不想找客服了。'],
    app: ['最后只能打电话下单。', '重装了也没用。', '请尽快修复登录问题。'],
  },
  praise: {
    delivery: ['配送很快，{item}第二天就到了。', '包裹提前送达，包装也很好。', '发货迅速，快递员很有礼貌。'],
    price: ['性价比很高。', '价格实惠，优惠券也能用。', '同样的{item}比实体店便宜。'],
    quality: ['质量很好，{item}做工扎实。', '和描述的一样，{item}非常满意。', '{item}做工精细，颜值很高。'],
    service: ['客服态度很好，很快就解决了问题。', '售后非常耐心，给个好评。', '{item}有问题直接给换了，很省心。'],
    app: ['App很好用，下单很方便。', '网站购物流程很顺畅。', '新版App很好用，几秒就能找到{item}。'],
  },
  lukewarm: ['{item}一般般，没什么特别的。', '整体还行吧。', '{item}还可以，就是价格稍微有点贵。', '东西能用，包装简单了点。', '还行，颜色和图片略有差别。'],
  openersNegative: ['说实话，', '已经第二次这样了。', '不太满意。', '抱歉，'],
  closersNegative: ['非常失望。', '希望尽快改进。', '很不满意。', '考虑换别家了。'],
  closersPositive: ['谢谢！', '还会再来买。', '推荐购买。', '五星好评。'],
  join: '',
};

export const PHRASEBOOKS: Record<'en' | 'zh', Phrasebook> = { en: EN, zh: ZH };
