/**
 * Mapping templates: a role mapping the user confirmed, remembered by the
 * file's header list so the next file with the same headers gets it instead of
 * the suggestion. Pure: storage is passed in, nothing here touches Svelte.
 */
import { ROLES_BY_KIND, type Role, type RoleMap, type TableInfo, type TableKind } from '../ingest/model.ts';
import { normalizeHeader } from '../ingest/roles.ts';

export interface MappingTemplate {
  /** `headerFingerprint` of the columns the mapping was made on. */
  headerFingerprint: string;
  kind: TableKind;
  /** Role → column name as the file had it. Applied by normalised name, so `Customer ID` fits `customer_id`. */
  roles: RoleMap;
  /** The file it was saved from, to name it in the list. */
  label: string;
  /** ISO time it was saved; newest first in the list. */
  savedAt: string;
}

export const TEMPLATES_KEY = 'crm-lens.mapping-templates';

const KINDS = Object.keys(ROLES_BY_KIND) as TableKind[];
/** Between headers in a fingerprint: a control character no header keeps after normalising. */
const SEP = '\u001f';

/** Normalised, sorted header list: the same headers in any order, case or spacing give the same fingerprint. */
export function headerFingerprint(columns: readonly string[]): string {
  return columns
    .map(normalizeHeader)
    .sort()
    .join(SEP);
}

/** How many columns the template was made on. */
export function templateColumnCount(template: Pick<MappingTemplate, 'headerFingerprint'>): number {
  return template.headerFingerprint.split(SEP).length;
}

/** The roles a kind has, in `ROLES_BY_KIND` order. */
export function rolesOfKind(kind: TableKind): readonly Role[] {
  return ROLES_BY_KIND[kind];
}

/** Keep only the kind's roles whose column the table has. */
export function cleanRoles(kind: TableKind, roles: RoleMap, columns: readonly string[]): RoleMap {
  const out: RoleMap = {};
  for (const role of rolesOfKind(kind)) {
    const col = roles[role];
    if (col !== undefined && columns.includes(col)) out[role] = col;
  }
  return out;
}

export function findTemplate(templates: readonly MappingTemplate[], table: Pick<TableInfo, 'columns'>): MappingTemplate | undefined {
  const fp = headerFingerprint(table.columns.map((c) => c.name));
  return templates.find((t) => t.headerFingerprint === fp);
}

/**
 * The table with the template's kind and roles, each role's column found by
 * normalised name among the table's columns. Roles whose column is not there
 * are dropped (cannot happen when the fingerprints match).
 */
export function applyTemplate(table: TableInfo, template: MappingTemplate): TableInfo {
  const byNorm = new Map<string, string>();
  for (const c of table.columns) if (!byNorm.has(normalizeHeader(c.name))) byNorm.set(normalizeHeader(c.name), c.name);
  const roles: RoleMap = {};
  for (const role of rolesOfKind(template.kind)) {
    const col = template.roles[role];
    const found = col === undefined ? undefined : byNorm.get(normalizeHeader(col));
    if (found !== undefined) roles[role] = found;
  }
  return { ...table, kind: template.kind, roles };
}

/** A template for the table as it is now; `now` in epoch milliseconds. */
export function templateOf(table: TableInfo, label: string, now: number): MappingTemplate {
  return {
    headerFingerprint: headerFingerprint(table.columns.map((c) => c.name)),
    kind: table.kind,
    roles: cleanRoles(table.kind, table.roles, table.columns.map((c) => c.name)),
    label,
    savedAt: new Date(now).toISOString(),
  };
}

/** The list with `template` in front, replacing one with the same fingerprint. */
export function upsertTemplate(templates: readonly MappingTemplate[], template: MappingTemplate): MappingTemplate[] {
  return [template, ...templates.filter((t) => t.headerFingerprint !== template.headerFingerprint)];
}

export function removeTemplate(templates: readonly MappingTemplate[], headerFingerprint: string): MappingTemplate[] {
  return templates.filter((t) => t.headerFingerprint !== headerFingerprint);
}

function isTemplate(v: unknown): v is MappingTemplate {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Record<string, unknown>;
  return (
    typeof t.headerFingerprint === 'string' &&
    typeof t.kind === 'string' &&
    (KINDS as string[]).includes(t.kind) &&
    typeof t.roles === 'object' &&
    t.roles !== null &&
    Object.values(t.roles).every((c) => typeof c === 'string') &&
    typeof t.label === 'string' &&
    typeof t.savedAt === 'string'
  );
}

/** Templates from stored JSON; anything unreadable is left out rather than breaking the app. */
export function parseTemplates(json: string | null): MappingTemplate[] {
  if (!json) return [];
  try {
    const data: unknown = JSON.parse(json);
    return Array.isArray(data) ? data.filter(isTemplate) : [];
  } catch {
    return [];
  }
}

/** Read from storage; blocked storage (private mode, sandboxed frame) reads as none. */
export function readTemplates(storage: Pick<Storage, 'getItem'> | undefined): MappingTemplate[] {
  try {
    return parseTemplates(storage?.getItem(TEMPLATES_KEY) ?? null);
  } catch {
    return [];
  }
}

/** Write to storage; false when storage is blocked or full (the mapping still applies to this session). */
export function writeTemplates(storage: Pick<Storage, 'setItem'> | undefined, templates: readonly MappingTemplate[]): boolean {
  try {
    if (!storage) return false;
    storage.setItem(TEMPLATES_KEY, JSON.stringify(templates));
    return true;
  } catch {
    return false;
  }
}
