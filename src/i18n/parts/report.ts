/** Issue 12: the report builder and its exports: English and Simplified Chinese side by side; en.ts and zh-CN.ts spread these in. */
export const reportEn = {
  'report.title': 'Report',
} as const;

export const reportZh: Record<keyof typeof reportEn, string> = {
  'report.title': '分析报告',
};
