/** Issue 11: the supervised value model: English and Simplified Chinese side by side; en.ts and zh-CN.ts spread these in. */
export const valueModelEn = {
  'valueModel.title': 'Value model: predicted spend, grid search with cross-validation',
} as const;

export const valueModelZh: Record<keyof typeof valueModelEn, string> = {
  'valueModel.title': '价值模型：预测消费额，网格搜索与交叉验证',
};
