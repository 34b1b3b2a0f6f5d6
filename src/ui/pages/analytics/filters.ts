/** Setting one global filter from the filter bar or a cross-filter click; an empty value clears it. */
import { app } from '../../state.svelte.ts';
import type { DimensionFilter } from '../../../metrics/filters.ts';

export function setDim(dim: DimensionFilter | 'risk' | 'valueTier', value: string): void {
  const next = { ...app.filters };
  if (value === '') delete next[dim];
  else next[dim] = [value];
  app.filters = next;
}

export function setDate(key: 'from' | 'to', value: string): void {
  const next = { ...app.filters };
  if (value === '') delete next[key];
  else next[key] = value;
  app.filters = next;
}
