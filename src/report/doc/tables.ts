/**
 * Report tables from results the app already has: the model lab's search
 * (cross-validated scores beside the baselines, permutation-importance
 * drivers, scored customers by risk tier), the mined cross-sell rules (by
 * lift) and the customer clusters. Numbers stay numbers; each numeric column
 * says how it is written (numbers.ts), so the report's language decides.
 * Column order is fixed here: table-findings.ts reads these tables back.
 */
import type { LeaderboardRow, SearchResult } from '../../ml/protocol.ts';
import type { Clusters, RuleRow } from '../patterns/compute.ts';
import type { Cell, NumberKind, TableRole } from './types.ts';
import type { TierSummaryRow } from '../../metrics/tiers.ts';

import type { MessageKey, Params } from '../../i18n/index.ts';

type T = (key: MessageKey, params?: Params) => string;

export interface BuiltTable {
  title: string;
  columns: string[];
  rows: Cell[][];
  formats: (NumberKind | null)[];
  role: TableRole;
}

/** Models shown beside the baselines (the chosen one first). */
const MODELS_SHOWN = 5;
const DRIVERS_SHOWN = 10;
const RULES_SHOWN = 15;

export type ChurnSearch = Pick<SearchResult, 'leaderboard' | 'baselines' | 'best' | 'importance'> & { final: { scored: readonly { tier: 'high' | 'medium' | 'low' }[] } };

/** Cross-validated scores (mean, std over folds) of the chosen model, the next best, and the baselines on the same folds. */
export function churnScoresTable(r: ChurnSearch, labelOf: (row: LeaderboardRow) => string, t: T): BuiltTable {
  const models = [r.best, ...r.leaderboard.filter((m) => m.configId !== r.best.configId)].slice(0, MODELS_SHOWN);
  const row = (m: LeaderboardRow, kind: string): Cell[] => [labelOf(m), m.scores.auc.mean, m.scores.auc.std, m.scores.prAuc.mean, m.scores.f1.mean, m.scores.accuracy.mean, kind];
  return {
    title: t('report.churnScoresTitle'),
    columns: [t('report.colModel'), 'ROC AUC', t('report.colSd'), 'PR AUC', 'F1', t('churn.accuracy'), t('report.colKind')],
    rows: [
      ...models.map((m) => row(m, t(m.configId === r.best.configId ? 'report.kindBest' : 'report.kindModel'))),
      ...r.baselines.map((b) => row(b, b.notes.length ? `${t('report.kindBaseline')}: ${b.notes.join(', ')}` : t('report.kindBaseline'))),
    ],
    formats: [null, 'number3', 'number3', 'number3', 'number3', 'percent', null],
    role: 'churnScores',
  };
}

/** Columns by how much the held-out ROC AUC drops when each is shuffled. */
export function churnDriversTable(r: ChurnSearch, t: T): BuiltTable {
  return {
    title: t('report.churnDriversTitle'),
    columns: [t('report.colColumn'), t('report.colAucDrop'), t('report.colSd')],
    rows: [...r.importance].sort((a, b) => b.mean - a.mean).slice(0, DRIVERS_SHOWN).map((i) => [i.column, i.mean, i.std]),
    formats: [null, 'number4', 'number4'],
    role: 'churnDrivers',
  };
}

/** The scored customers per risk tier, high first. */
export function churnTiersTable(r: ChurnSearch, t: T): BuiltTable {
  const n = { high: 0, medium: 0, low: 0 };
  for (const s of r.final.scored) n[s.tier]++;
  const total = r.final.scored.length;
  return {
    title: t('report.churnTiersTitle'),
    columns: [t('report.colTier'), t('report.colCustomers'), t('report.colShare')],
    rows: (['high', 'medium', 'low'] as const).map((k) => [t(`report.tier.${k}`), n[k], total ? n[k] / total : null]),
    formats: [null, 'int', 'percent'],
    role: 'churnTiers',
  };
}

/** The mined rules, highest lift first. */
export function rulesTable(rules: readonly RuleRow[], t: T): BuiltTable {
  return {
    title: t('report.rulesTitle'),
    columns: [t('report.colRule'), t('report.colSupport'), t('report.colConfidence'), t('report.colLift')],
    rows: [...rules].sort((a, b) => b.lift - a.lift || b.support - a.support).slice(0, RULES_SHOWN).map((r) => [`${r.lhs.join(' + ')} → ${r.rhs}`, r.support, r.confidence, r.lift]),
    formats: [null, 'percent', 'percent', 'number2'],
    role: 'rules',
  };
}

/** `locale`: the language of the profiles (the one the clusters were described in when absent). */
export function clustersTable(c: Pick<Clusters, 'clusters'>, t: T, locale?: 'en' | 'zh-CN'): BuiltTable {
  return {
    title: t('report.clustersTitle'),
    columns: [t('report.colCluster'), t('report.colCustomers'), t('report.colShare'), t('report.colProfile')],
    rows: c.clusters.map((k) => [String(k.cluster + 1), k.size, k.share, locale ? (k.descriptions?.[locale === 'zh-CN' ? 'zh' : 'en'] ?? k.description) : k.description]),
    formats: [null, 'int', 'percent', null],
    role: 'clusters',
  };
}

/** RFM value tiers (the tiers measure's rows): customers, share of revenue and the action each tier calls for. */
export function tiersTable(rows: readonly TierSummaryRow[], t: T): BuiltTable {
  return {
    title: t('an.sec.tiers'),
    columns: [t('an.tier'), t('an.customers'), t('an.revenueShare'), t('an.action')],
    rows: rows.map((r) => [t(`an.tier.${r.tier}`), r.customers, r.revenue_share, t(`an.act.${r.action}` as MessageKey)]),
    formats: [null, 'int', 'percent', null],
    role: 'rfmTiers',
  };
}
