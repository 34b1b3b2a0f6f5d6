/** Issue 14: the Voice page's rising-topic finding, English and Simplified Chinese side by side; en.ts and zh-CN.ts spread these in. */
export const voiceRisingEn = {
  'voiceRising.found':
    'Rising topic: {name}. Its share of each month’s texts grew from {from} ({first}) to {to} ({last}), {slope} percentage points a month over {months} months (the bold line in “Topics over time”).',
  'voiceRising.none': 'No topic’s share of the monthly texts rose clearly over these {months} months.',
  'voiceRising.chart': 'Rising topic {name}: share of each month’s texts',
  'voiceRising.share': 'Share of texts',
  'voiceRising.trend': 'Fitted trend',
};

export const voiceRisingZh: Record<keyof typeof voiceRisingEn, string> = {
  'voiceRising.found': '上升主题：{name}。它占每月文本的比例从 {from}（{first}）升至 {to}（{last}），{months} 个月里每月上升 {slope} 个百分点（“主题随时间变化”图中加粗的线）。',
  'voiceRising.none': '在这 {months} 个月里，没有哪个主题占每月文本的比例明显上升。',
  'voiceRising.chart': '上升主题 {name}：占每月文本的比例',
  'voiceRising.share': '文本占比',
  'voiceRising.trend': '拟合趋势',
};
