/** Issue 11: lifetime value and value tiers: English and Simplified Chinese side by side; en.ts and zh-CN.ts spread these in. */
export const valueEn = {
  'value.title': 'Customer value: lifetime value and value tiers',
} as const;

export const valueZh: Record<keyof typeof valueEn, string> = {
  'value.title': '客户价值：生命周期价值与价值分层',
};
