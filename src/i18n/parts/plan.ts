/** Issue 15: KPIs the plan names and on-screen fixes: English and Simplified Chinese side by side; en.ts and zh-CN.ts spread these in. */
export const planEn = {
  'plan.targets.title': 'Targets',
} as const;

export const planZh: Record<keyof typeof planEn, string> = {
  'plan.targets.title': '目标',
};
