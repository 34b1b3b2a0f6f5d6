/**
 * Which route the Analytics measures take: the cubes where they answer
 * exactly (report/cube.ts), or every measure on the base tables. `?route=base`
 * in the address starts on the base tables; `window.crmLens.route('base' |
 * 'cube')` switches at run time, and `window.crmLens.current()` hands back the
 * routed measures of the run under the current filters and route, once it has
 * finished (the end-to-end test compares the two routes with these).
 * `window.crmLens.indexFirstRows(n)` builds the lines index before the first
 * Analytics run from `n` order lines on (default 2M), so the end-to-end test
 * sees the page say why that run waits without a 2M-line file.
 */
import type { Analytics, MeasureId } from '../report/analytics.ts';
import type { Route, RouteOptions } from '../report/cube.ts';
import { lastBuildMs } from '../report/cube.ts';
import { lastIndexBuildMs } from '../report/memory/route.ts';
import { app } from './state.svelte.ts';

export interface RoutedMeasures {
  forceBase: boolean;
  measures: Partial<Record<MeasureId, { route: Route; rows: readonly unknown[]; ms: number | null }>>;
}

class RouteSetting {
  forceBase = $state(false);
  /** From this many order lines on, the index is built before the first run (undefined: the default). */
  indexFirstRows: number | undefined = undefined;
  readonly #runs = new Map<string, RoutedMeasures>();

  /** A finished run's routed measures, by the workspace version and filters it ran under (`version#filters JSON`) and the route setting. */
  record(filtersKey: string, forceBase: boolean, data: Analytics): void {
    const measures: RoutedMeasures['measures'] = {};
    for (const [id, m] of Object.entries(data)) {
      if (m && typeof m === 'object' && 'route' in m && m.route) measures[id as MeasureId] = { route: m.route as Route, rows: m.rows as readonly unknown[], ms: typeof m.ms === 'number' ? m.ms : null };
    }
    this.#runs.delete(`${filtersKey}#${forceBase}`);
    this.#runs.set(`${filtersKey}#${forceBase}`, { forceBase, measures });
    // Only recent runs are asked for; the oldest go.
    for (const k of this.#runs.keys()) if (this.#runs.size > 20) this.#runs.delete(k);
  }

  measures(filtersKey: string, forceBase: boolean): RoutedMeasures | null {
    return this.#runs.get(`${filtersKey}#${forceBase}`) ?? null;
  }
}

export const routeSetting = new RouteSetting();

/** The route the Analytics page's measures and its breakdowns take: the cubes and lines index of this orders and customers version, unless forced to the base tables. */
export const routeOptions = (): RouteOptions => ({ key: app.versionOfKinds(['orders', 'customers']), forceBase: routeSetting.forceBase });

if (typeof window !== 'undefined') {
  routeSetting.forceBase = new URLSearchParams(window.location.search).get('route') === 'base';
  Object.assign(window, {
    crmLens: {
      ...((window as unknown as { crmLens?: object }).crmLens ?? {}),
      route: (r: 'base' | 'cube') => {
        routeSetting.forceBase = r === 'base';
      },
      indexFirstRows: (n: number) => {
        routeSetting.indexFirstRows = n;
      },
      current: () => {
        const filtersKey = JSON.stringify(app.filters);
        const run = routeSetting.measures(`${app.versionOfAll()}#${filtersKey}`, routeSetting.forceBase);
        return { filtersKey, forceBase: routeSetting.forceBase, buildMs: lastBuildMs, indexMs: lastIndexBuildMs, run };
      },
    },
  });
}
