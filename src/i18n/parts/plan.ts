/** Issue 15: KPIs the plan names and on-screen fixes: English and Simplified Chinese side by side; en.ts and zh-CN.ts spread these in. */
export const planEn = {
  'plan.targets.title': 'Targets',
  // Churn: a warning list of customers still active; importance by source column.
  'plan.warning.scope':
    'Scores {active} customers not yet lost ({negative} or unknown), by the model refitted on all labelled history. The {lost} already churned ({positive}) are left out here and from the export and saved table; their held-out scores are the evaluation above.',
  'plan.churn.importanceHint': 'Hold-out AUC lost when one column is shuffled (a column’s categories together, so correlated dummies do not split it).',
  'plan.churn.direction': 'Effect',
  'plan.churn.raises': 'higher → more churn',
  'plan.churn.lowers': 'higher → less churn',
  // Funnel steps in words; the column stays in the tooltip.
  'plan.funnel.column': 'Column',
  'plan.funnel.step.created': 'Lead created',
  'plan.funnel.step.contacted': 'Contacted',
  'plan.funnel.step.mql': 'Marketing qualified',
  'plan.funnel.step.sql': 'Sales qualified',
  'plan.funnel.step.opportunity': 'Opportunity',
  'plan.funnel.step.proposal': 'Proposal',
  'plan.funnel.step.won': 'Won',
  'plan.funnel.step.lost': 'Lost',
} as const;

export const planZh: Record<keyof typeof planEn, string> = {
  'plan.targets.title': '目标',
  'plan.warning.scope':
    '为 {active} 位尚未流失的客户（{negative} 或未知）评分，模型用全部有标签的历史数据重新训练。已流失的 {lost} 位（{positive}）不在此列，也不在导出和保存的表中；他们的留出评分用于上方的评估。',
  'plan.churn.importanceHint': '在留出集上打乱某一列后 AUC 的下降（同一列的各类别一起打乱，相关的哑变量不会被拆散）。',
  'plan.churn.direction': '影响',
  'plan.churn.raises': '越高 → 越易流失',
  'plan.churn.lowers': '越高 → 越不易流失',
  'plan.funnel.column': '列',
  'plan.funnel.step.created': '新线索',
  'plan.funnel.step.contacted': '已联系',
  'plan.funnel.step.mql': '营销认可线索（MQL）',
  'plan.funnel.step.sql': '销售认可线索（SQL）',
  'plan.funnel.step.opportunity': '商机',
  'plan.funnel.step.proposal': '方案报价',
  'plan.funnel.step.won': '成交',
  'plan.funnel.step.lost': '丢单',
};
