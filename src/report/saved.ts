/**
 * The workspace's side of persistence: keep a loaded file's bytes, write the
 * manifest after each change, forget it all on Clear. Storage writes run one
 * after another, and a storage failure becomes a sentence in the change's
 * outcome, never a lost table.
 */
import type { LoadResult } from '../ingest/index.ts';
import type { LogEntry } from '../ingest/log.ts';
import type { TableInfo } from '../ingest/model.ts';
import { errorMessage } from '../lib/errors.ts';
import * as persist from './persist.ts';
import type { Manifest, ManifestRead, SavedFile } from './persist.ts';
import { SerialQueue } from './queue.ts';
import type { TableLoad } from './restore.ts';

/** Where saved workspaces live: the browser's OPFS/IndexedDB (persist.ts), or another store with the same calls. */
export interface WorkspaceStore {
  readManifest(): Promise<ManifestRead>;
  writeManifest(m: Manifest): Promise<void>;
  saveFileBytes(id: string, blob: Blob): Promise<persist.FileStore>;
  readFileBytes(f: Pick<SavedFile, 'id' | 'store'>): Promise<Blob | null>;
  clearSaved(): Promise<void>;
  requestPersistenceOnce(): Promise<void>;
}

export const browserStore: WorkspaceStore = persist;

type T = (key: string, params?: Record<string, string | number>) => string;

export class SavedWorkspace {
  readonly #store: WorkspaceStore;
  readonly #t: T;
  readonly #queue = new SerialQueue();

  constructor(store: WorkspaceStore, t: T) {
    this.#store = store;
    this.#t = t;
  }

  /** The saved manifest, or why there is none to restore. */
  async read(): Promise<{ manifest?: Manifest; problem?: string; unsupported?: boolean }> {
    let read: ManifestRead;
    try {
      read = await this.#store.readManifest();
    } catch (e) {
      return { problem: this.reason(e) };
    }
    if (read.status === 'ok') return read.manifest.files.length > 0 ? { manifest: read.manifest } : {};
    if (read.status === 'corrupt') return { problem: read.reason };
    // Nothing saved (a first visit): the demo, without a word about other versions.
    if (read.status === 'none') return {};
    return { unsupported: true };
  }

  readBytes(f: SavedFile): Promise<Blob | null> {
    return this.#store.readFileBytes(f);
  }

  /** Keep a loaded file's bytes for the next visit. A failure leaves the table loaded and says it will not come back. */
  async saveFile(file: File, res: LoadResult, out: { errors: string[] }): Promise<SavedFile | null> {
    const id = persist.newFileId();
    try {
      const store = await this.#queue.run(() => this.#store.saveFileBytes(id, file));
      void this.#store.requestPersistenceOnce();
      return { id, fileName: file.name, table: res.table.name, size: file.size, store, options: persist.loadOptions(res.source), kind: res.table.kind, roles: res.table.roles };
    } catch (e) {
      out.errors.push(this.#t('persist.saveFailed', { file: file.name, reason: this.reason(e) }));
      return null;
    }
  }

  /** Write what is saved as it stands now; returns the files the manifest still names. */
  async writeManifest(
    files: SavedFile[],
    tables: readonly TableInfo[],
    logs: readonly LogEntry[],
    loads: Readonly<Record<string, TableLoad>>,
    out: { errors: string[] },
  ): Promise<SavedFile[]> {
    const m = persist.buildManifest(files, tables, logs, loads);
    try {
      await this.#queue.run(() => this.#store.writeManifest(m));
    } catch (e) {
      out.errors.push(this.#t('persist.manifestFailed', { reason: this.reason(e) }));
    }
    return m.files;
  }

  async clear(out: { errors: string[] }): Promise<void> {
    try {
      await this.#queue.run(() => this.#store.clearSaved());
    } catch (e) {
      out.errors.push(this.#t('persist.clearFailed', { reason: this.reason(e) }));
    }
  }

  reason(e: unknown, describe: (e: unknown) => string = errorMessage): string {
    return persist.isQuotaError(e) ? this.#t('persist.quota') : describe(e);
  }
}
