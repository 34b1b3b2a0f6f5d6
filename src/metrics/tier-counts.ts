/** Customers per tier of a per-customer table (one row per customer, a tier column): how many, and their share. */
import { ident } from '../lib/sql.ts';

export function tierCountsSql(table: string, tierColumn: string): string {
  const tier = ident(tierColumn);
  return `SELECT CAST(${tier} AS VARCHAR) AS tier, count(*)::INTEGER AS customers, count(*) / sum(count(*)) OVER () AS share
FROM ${ident(table)}
WHERE ${tier} IS NOT NULL
GROUP BY 1
ORDER BY customers DESC, tier`;
}
