/**
 * A Parquet worker, one of up to four (parquet-client.ts): it reads the row
 * groups it is given from the file (only their bytes: a Blob read by range)
 * and turns each into CSV lines as `parquetCsvParts` writes them in the
 * page's thread, sending each back as it is done. The page puts the parts
 * in order.
 */
import { serializeError, type SerializedError } from '../lib/errors.ts';
import type { ForcedType } from './load.ts';
import { rowGroupCsv } from './parquet.ts';

export interface ParquetRequest {
  file: Blob;
  /** Row group indices, ascending. */
  groups: number[];
  /** Each column's type, in the file's order. */
  order: ForcedType[];
}

/** `unavailable`: the worker cannot read Parquet at all (its reader's code did not load); the page reads the groups itself. */
export type ParquetResponse =
  | { type: 'part'; group: number; bytes: Uint8Array }
  | { type: 'error'; error: SerializedError }
  | { type: 'unavailable'; error: SerializedError };

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<ParquetRequest>) => {
  const { file, groups, order } = event.data;
  let hyparquet: typeof import('hyparquet');
  try {
    hyparquet = await import('hyparquet');
  } catch (e) {
    scope.postMessage({ type: 'unavailable', error: serializeError(e) } satisfies ParquetResponse);
    return;
  }
  try {
    const { parquetMetadataAsync } = hyparquet;
    // Only the footer and the given row groups' bytes are read.
    const buffer = { byteLength: file.size, slice: (start: number, end?: number) => file.slice(start, end).arrayBuffer() };
    const metadata = await parquetMetadataAsync(buffer);
    const starts = [0];
    for (const g of metadata.row_groups) starts.push(starts.at(-1)! + Number(g.num_rows));
    const encoder = new TextEncoder();
    for (const group of groups) {
      const rowStart = starts[group]!;
      const rowEnd = starts[group + 1]!;
      const bytes = encoder.encode(rowEnd > rowStart ? await rowGroupCsv(buffer, metadata, rowStart, rowEnd, order) : '');
      scope.postMessage({ type: 'part', group, bytes } satisfies ParquetResponse, [bytes.buffer]);
    }
  } catch (e) {
    scope.postMessage({ type: 'error', error: serializeError(e) } satisfies ParquetResponse);
  }
};
