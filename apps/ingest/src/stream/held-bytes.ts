import type { Data, RecordBatch } from 'apache-arrow';

/**
 * Bytes of memory a decoded batch keeps alive: the sizes of the distinct `ArrayBuffer`s behind its columns
 * (each counted once, slack included). zeroparser decodes every batch into arenas of its own, so this is the
 * batch's footprint; a Flight batch is a view into its IPC bytes, so this is their size.
 */
export function heldBytes(batch: RecordBatch): number {
  const seen = new Set<ArrayBufferLike>();
  let total = 0;
  const visit = (data: Data): void => {
    for (const buffer of [data.valueOffsets, data.values, data.nullBitmap, data.typeIds]) {
      if (buffer === undefined || buffer === null || seen.has(buffer.buffer)) continue;
      seen.add(buffer.buffer);
      total += buffer.buffer.byteLength;
    }
    for (const child of data.children) visit(child);
    if (data.dictionary !== undefined) for (const d of data.dictionary.data) visit(d);
  };
  visit(batch.data);
  return total;
}
