/** What the workspace holds, what a change reports, and what it needs from its host (the UI, or a test). */
import type { Db } from '../db/types.ts';
import type { LogEntry } from '../ingest/log.ts';
import type { Fit, FitLimits } from '../ingest/memory-fit.ts';
import type { TableInfo } from '../ingest/model.ts';
import type { MappingTemplate } from './mapping.ts';
import type { SavedFile } from './persist.ts';
import type { TableLoad } from './restore.ts';
import type { WorkspaceStore } from './saved.ts';

export type { TableLoad } from './restore.ts';

export interface WorkspaceState {
  tables: TableInfo[];
  logs: LogEntry[];
  /** Per table: where it came from (format, sheet, encoding) and the rows that could not be read. */
  loads: Record<string, TableLoad>;
  isDemo: boolean;
  /** The user's files kept in this browser for the next visit; the demo is never saved. */
  savedFiles: SavedFile[];
  /** Bumped by every change. */
  version: number;
  /** Table name → the `version` of the last change that touched it. */
  tableVersions: Record<string, number>;
  /** Bumped when the workspace is replaced whole (demo, first file over the demo, restore, clear): views start unfiltered. */
  generation: number;
}

export interface Task {
  label: string;
  /** 0–1, or null while the amount of work is unknown. */
  progress: number | null;
  cancel?: () => void;
}

/** What a change has to say: notices (done, rejected rows) and every failure, one per file. */
/** A message as a key and its parameters: put in words when shown, so it follows a later change of language. */
export interface Notice {
  key: string;
  params?: Record<string, string | number>;
}

export interface Outcome {
  notices: Notice[];
  errors: string[];
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export interface WorkspaceHost {
  db(): Promise<Db>;
  t: Translate;
  /** Numbers and sizes in the user's language. */
  formatInt(n: number): string;
  formatBytes(n: number): string;
  describeError(e: unknown): string;
  templates(): readonly MappingTemplate[];
  task(task: Task | null): void;
  changed(state: WorkspaceState): void;
  store: WorkspaceStore;
  /** What the tab can hold (src/ingest/memory-fit.ts); without it no file is checked before loading. */
  memoryLimits?(): FitLimits;
  /** A file is estimated not to fit: true loads it anyway, false skips it. */
  confirmLarge?(file: File, fit: Fit): Promise<boolean>;
  /** Test hook: awaited after the demo's tables are dropped and before its new ones are in. */
  demoGap?: () => Promise<void>;
}
