/**
 * Small general-purpose sentiment lexicons in English and Simplified Chinese:
 * words of service, quality, speed, price and feeling that hold across
 * domains (retail, hotels, telecom, delivery), none tied to one trade.
 */
const POSITIVE = `good great love loved loves lovely like liked excellent amazing perfect perfectly nice happy beautiful comfortable recommend recommended
best awesome fantastic wonderful pleasant helpful friendly fast quick quickly easy satisfied pleased glad cute gorgeous soft flattering enjoy enjoyed
worth favorite favourite impressed reliable clean polite professional thanks thank superb outstanding fabulous smooth convenient efficient
affordable fresh delighted gorgeous stylish elegant fine correct solved resolved responsive patient prompt
好 不错 满意 喜欢 棒 赞 快 优秀 完美 推荐 值得 划算 热情 周到 方便 干净 新鲜 实惠 好评 舒服 舒适 漂亮 专业 耐心 及时 感谢 谢谢 给力 满分 超值
放心 贴心 惊喜 开心 精致 准时 高效 好用 满足 优质 认真 礼貌 负责 迅速 快捷 清晰 稳定 靠谱 完好 喜爱 愉快 高兴 优惠 便宜 解决 好看`;

const NEGATIVE = `bad poor terrible awful horrible worst disappointed disappointing disappointment hate hated slow late broken rude dirty wrong problem problems
issue issues unhappy refund complaint complain complained waste wasted useless difficult uncomfortable unfortunately ugly expensive overpriced delay delayed
fail failed failure error annoying frustrating frustrated mess sadly sloppy defective damaged worse mediocre boring cancel cancelled canceled unacceptable
ridiculous cheaply missing lost never-again unreliable noisy confusing disappointing returned return returning
差 慢 糟糕 失望 垃圾 差评 投诉 退款 不满 恶心 坑 骗 后悔 问题 错 坏 贵 冷淡 敷衍 拖延 延迟 晚 脏 破 烂 无语 生气 难用 故障 麻烦 不行 退货 漏 少
久 太久 一般 难 难受 粗糙 失误 错误 欺骗 差劲 不好 不满意 慢死 服了 醉了 恼火 气人 态度差 损坏 丢 缺 忘 卡顿 退钱 骗人 糊弄 太贵 不值`;

const NEGATORS = `not no never none nothing nobody neither nor hardly without cannot can't don't didn't doesn't isn't wasn't aren't weren't won't couldn't wouldn't shouldn't dont didnt doesnt isnt wasnt
不 没 没有 别 无 未 不太 不是 并不 不怎么 毫无 从不 从没 不够`;

const split = (s: string): string[] => s.split(/\s+/).filter((w) => w !== '');

export const POSITIVE_WORDS: ReadonlySet<string> = new Set(split(POSITIVE));
export const NEGATIVE_WORDS: ReadonlySet<string> = new Set(split(NEGATIVE));
export const NEGATORS_SET: ReadonlySet<string> = new Set(split(NEGATORS));
