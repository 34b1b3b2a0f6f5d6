/**
 * The rating items the user confirmed or changed, per surveys table (by name);
 * a table without an entry uses the detected ones. Lives for the session, so
 * leaving the page and coming back keeps the choice.
 */
import type { ScaleItem, ScaleKind } from '../../../metrics/surveys.ts';

class SurveyItemChoices {
  byTable = $state<Record<string, ScaleItem[]>>({});

  /** `columns` in table order; `scale` '' leaves the column out. */
  set(table: string, columns: readonly string[], current: readonly ScaleItem[], column: string, scale: ScaleKind | ''): void {
    const scaleOf = (c: string): ScaleKind | undefined => (c === column ? scale || undefined : current.find((i) => i.column === c)?.scale);
    this.byTable = { ...this.byTable, [table]: columns.flatMap((c) => { const s = scaleOf(c); return s ? [{ column: c, scale: s }] : []; }) };
  }
}

export const surveyChoices = new SurveyItemChoices();
