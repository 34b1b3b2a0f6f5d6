/** Role mappings the user confirmed, kept in this browser and applied to later files with the same headers (report/mapping.ts). */
import type { TableInfo } from '../../ingest/model.ts';
import { readTemplates, removeTemplate, templateOf, upsertTemplate, writeTemplates, type MappingTemplate } from '../../report/mapping.ts';
import { browserStorage } from './storage.ts';

export class TemplatesState {
  list = $state.raw<MappingTemplate[]>(readTemplates(browserStorage()));

  /** Remember a table's mapping; false when storage is blocked (it still applies in this session). */
  remember(table: TableInfo, label: string): boolean {
    this.list = upsertTemplate(this.list, templateOf(table, label, Date.now()));
    return writeTemplates(browserStorage(), this.list);
  }

  forget(headerFingerprint: string): void {
    this.list = removeTemplate(this.list, headerFingerprint);
    // Where storage is blocked nothing was stored, so the in-memory list is all there is to change.
    writeTemplates(browserStorage(), this.list);
  }
}
