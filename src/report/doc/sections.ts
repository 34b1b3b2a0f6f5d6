/**
 * Where an item goes in the exported report: RFM and value tiers and clusters
 * under customer segmentation; the churn model's scores beside its baselines,
 * its drivers and its customers at risk by tier under churn risk; everything
 * else (charts, cross-sell rules, other tables) under analysis.
 */
import type { ReportItem, TableRole } from './types.ts';

export type ItemSection = 'analysis' | 'segmentation' | 'churn';

const BY_ROLE: Record<TableRole, ItemSection> = {
  rfmTiers: 'segmentation',
  valueTiers: 'segmentation',
  clusters: 'segmentation',
  churnScores: 'churn',
  churnDrivers: 'churn',
  churnTiers: 'churn',
  rules: 'analysis',
};

export function sectionOf(item: ReportItem): ItemSection {
  return item.body.kind === 'table' && item.body.role ? BY_ROLE[item.body.role] : 'analysis';
}
