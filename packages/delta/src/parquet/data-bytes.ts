import type { Data } from 'apache-arrow';

/** Bytes held by an Arrow column (its buffers and its children's), to size data files and row groups. */
export function dataBytes(data: Data): number {
  let n =
    (data.values?.byteLength ?? 0) +
    (data.valueOffsets?.byteLength ?? 0) +
    (data.nullBitmap?.byteLength ?? 0);
  for (const c of data.children) n += dataBytes(c);
  return n;
}
