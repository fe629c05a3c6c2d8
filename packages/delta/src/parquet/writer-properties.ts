import { type RecordBatch, Type } from 'apache-arrow';
import { Compression, EnabledStatistics, type WriterProperties, WriterPropertiesBuilder } from 'parquet-wasm';

/** How data files are encoded. Every field has a default tuned for streaming ingest. */
export interface ParquetWriteOptions {
  /** Page compression: `zstd` (default, level 1: small files, fast) or `snappy` (faster, larger), or `none`. */
  compression?: 'zstd' | 'snappy' | 'none';
  /**
   * Dictionary encoding: `auto` (default) enables it only on top-level string/binary columns whose sampled
   * values repeat (distinct ≤ half of the sample) — where it pays; `all` is parquet-wasm's default; `none`.
   */
  dictionary?: 'auto' | 'all' | 'none';
  /** Maximum rows per row group (default 1,048,576, parquet's). */
  rowGroupRows?: number;
  /** Target data page size in bytes (default 1 MiB, parquet's). */
  dataPageBytes?: number;
}

const SAMPLE = 1024;
const CODECS = {
  zstd: Compression.ZSTD,
  snappy: Compression.SNAPPY,
  none: Compression.UNCOMPRESSED,
} as const;

/** True when a sample of a string/binary column repeats enough for a dictionary to pay off. */
function dictionaryPays(batch: RecordBatch, index: number): boolean {
  const data = batch.data.children[index];
  if (data === undefined || (data.typeId !== Type.Utf8 && data.typeId !== Type.Binary)) return false;
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const n = Math.min(SAMPLE, data.length);
  if (n === 0) return false;
  const seen = new Set<string>();
  // Latin-1 view of the bytes is a cheap, injective key for equality.
  for (let i = 0; i < n; i++) seen.add(String.fromCharCode(...bytes.subarray(offsets[i]!, offsets[i + 1]!)));
  return seen.size * 2 <= n;
}

/**
 * parquet-wasm writer properties for one data file. Column statistics are kept per column chunk (what query
 * engines prune with), not per page (cheaper to write). `sample` is the first batch of the file, used by the
 * `auto` dictionary rule.
 */
export function buildWriterProperties(
  sample: RecordBatch | undefined,
  options: ParquetWriteOptions = {},
): WriterProperties {
  const dictionary = options.dictionary ?? 'auto';
  let builder = new WriterPropertiesBuilder()
    .setCompression(CODECS[options.compression ?? 'zstd'])
    .setCreatedBy('lakestream-delta (parquet-wasm 0.8)')
    .setStatisticsEnabled(EnabledStatistics.Chunk)
    .setDictionaryEnabled(dictionary === 'all');
  if (options.rowGroupRows !== undefined) builder = builder.setMaxRowGroupSize(options.rowGroupRows);
  if (options.dataPageBytes !== undefined) builder = builder.setDataPageSizeLimit(options.dataPageBytes);
  if (dictionary === 'auto' && sample !== undefined) {
    sample.schema.fields.forEach((field, i) => {
      if (dictionaryPays(sample, i)) builder = builder.setColumnDictionaryEnabled(field.name, true);
    });
  }
  return builder.build();
}
