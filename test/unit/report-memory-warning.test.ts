/**
 * The workspace asks before loading a file estimated too large for the tab
 * (src/ingest/memory-fit.ts): declined, the file is skipped with a notice and
 * the next file still loads; accepted, it loads. The estimate is the real one;
 * only the budget is set small, as the e2e hook does.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { translate, type MessageKey, type Params } from '../../src/i18n/index.ts';
import type { Fit } from '../../src/ingest/memory-fit.ts';
import type { WorkspaceStore } from '../../src/report/saved.ts';
import { Workspace } from '../../src/report/workspace.ts';

const store: WorkspaceStore = {
  readManifest: async () => ({ status: 'none' }),
  writeManifest: async () => undefined,
  saveFileBytes: async () => 'idb' as const,
  readFileBytes: async () => null,
  clearSaved: async () => undefined,
  requestPersistenceOnce: async () => undefined,
};

const BIG = `订单编号,客户,日期,金额\n${Array.from({ length: 2000 }, (_, i) => `O${i},C${i % 50},2024-01-${String((i % 28) + 1).padStart(2, '0')},${(i % 7) - 2.5}`).join('\n')}\n`;
const SMALL = 'customer_id,segment\nC1,A\nC2,\n';

let db: Db;
let asked: { file: string; fit: Fit }[];

function workspace(answer: boolean, budgetBytes: number): Workspace {
  return new Workspace({
    db: async () => db,
    t: (key, params) => translate('en', key as MessageKey, params as Params),
    formatInt: (n) => String(n),
    formatBytes: (n) => `${n} B`,
    describeError: (e) => (e instanceof Error ? e.message : String(e)),
    templates: () => [],
    task: () => undefined,
    changed: () => undefined,
    store,
    memoryLimits: () => ({ budgetBytes }),
    confirmLarge: async (file, fit) => {
      asked.push({ file: file.name, fit });
      return answer;
    },
  });
}

beforeEach(async () => {
  db = await openNodeDb();
  asked = [];
});
afterEach(async () => db.close());

describe('memory warning before a load', () => {
  it('declined: the big file is skipped with a notice, the small one loads', async () => {
    const budget = 200_000;
    const ws = workspace(false, budget);
    const out = await ws.loadFiles([new File([BIG], '大订单.csv'), new File([SMALL], 'customers.csv')]);
    expect(asked.map((a) => a.file)).toEqual(['大订单.csv']);
    expect(asked[0]!.fit.budgetBytes).toBe(budget);
    expect(asked[0]!.fit.estimateBytes).toBeGreaterThan(budget);
    expect(out.notices).toContainEqual({ key: 'memory.skipped', params: { file: '大订单.csv' } });
    expect(ws.state.tables.map((t) => t.name)).toEqual(['customers']);
    expect(translate('zh-CN', 'memory.skipped', { file: '大订单.csv' })).toContain('大订单.csv');
  });
  it('accepted: the big file loads; with room for it nobody is asked', async () => {
    const ws = workspace(true, 200_000);
    await ws.loadFiles([new File([BIG], 'orders.csv')]);
    expect(asked).toHaveLength(1);
    expect(ws.state.tables[0]!.rowCount).toBe(2000);
    asked = [];
    await workspace(false, 1e9).loadFiles([new File([BIG], 'orders2.csv')]);
    expect(asked).toHaveLength(0);
  });
});
