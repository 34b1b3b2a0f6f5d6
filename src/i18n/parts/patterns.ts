/** Issue 10: the pattern analyses (rules, clusters, forecast) in their worker: progress and cancel. English and Simplified Chinese side by side. */
export const patternsEn = {
  'patterns.status': 'Pattern analyses',
  'patterns.running.rules': 'Mining cross-selling rules…',
  'patterns.running.clusters': 'Clustering customers (k = 2…8)…',
  'patterns.running.forecast': 'Forecasting revenue…',
  'patterns.cancel': 'Cancel',
  'patterns.cancelled': '{what}: cancelled. The section keeps its previous result, if any.',
  'patterns.rerun': 'Run again',
};

export const patternsZh: Record<keyof typeof patternsEn, string> = {
  'patterns.status': '模式分析',
  'patterns.running.rules': '正在挖掘交叉销售规则…',
  'patterns.running.clusters': '正在对客户聚类（k = 2…8）…',
  'patterns.running.forecast': '正在预测收入…',
  'patterns.cancel': '取消',
  'patterns.cancelled': '{what}：已取消。该部分保留上一次的结果（如有）。',
  'patterns.rerun': '重新运行',
};
