import { type RecordBatch, Type } from 'apache-arrow';
import {
  Compression,
  EnabledStatistics,
  Encoding,
  type WriterProperties,
  WriterPropertiesBuilder,
} from 'parquet-wasm';

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
  /**
   * Arrow bytes per row group at most (default {@link DEFAULT_ROW_GROUP_BYTES}; 0: a file is one row group of
   * up to `rowGroupRows`, encoded at once). A larger file is encoded a row group at a time, so the encoder's
   * memory — parquet-wasm's, which grows to the most it ever held and never shrinks — is bounded by a row
   * group, not by the file.
   */
  rowGroupBytes?: number;
  /** Target data page size in bytes (default 1 MiB, parquet's). */
  dataPageBytes?: number;
  /**
   * Encoding of top-level float/double columns: `byte-stream-split` (default: splits the bytes of each value
   * into streams, so the codec finds the repetitive exponent bytes — smaller files and faster zstd; readable by
   * Spark 3.2+, DuckDB 0.10+, arrow-rs, pyarrow) or `plain` for old readers.
   */
  floatEncoding?: 'byte-stream-split' | 'plain';
  /**
   * Column statistics in the Parquet footer: `chunk` (default: min/max/null count per column chunk, what
   * readers of the bare files prune row groups with) or `none`. The Delta log's `add.stats` are written
   * either way (they are what Delta readers skip files with); `none` saves ~30% of the encoding CPU.
   */
  statistics?: 'chunk' | 'none';
}

/** Arrow bytes per row group unless `rowGroupBytes` says otherwise: 8 MiB. */
export const DEFAULT_ROW_GROUP_BYTES = 8 * 1024 * 1024;

const SAMPLE = 256;
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
  // A Latin-1 view of the bytes is a cheap, injective key for equality.
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) seen.add(buf.toString('latin1', offsets[i]!, offsets[i + 1]!));
  return seen.size * 2 <= n;
}

/**
 * parquet-wasm writer properties for one data file. Column statistics, unless turned off, are kept per column
 * chunk (what query engines prune with), not per page (cheaper to write). `sample` is the first batch of the file: it names the
 * columns for the `auto` dictionary rule and the float encoding (parquet-wasm can only address top-level
 * columns; nested ones keep plain encoding without a dictionary).
 */
export function buildWriterProperties(
  sample: RecordBatch | undefined,
  options: ParquetWriteOptions = {},
): WriterProperties {
  const dictionary = options.dictionary ?? 'auto';
  let builder = new WriterPropertiesBuilder()
    .setCompression(CODECS[options.compression ?? 'zstd'])
    .setCreatedBy('lakestream-delta (parquet-wasm 0.8)')
    .setStatisticsEnabled(options.statistics === 'none' ? EnabledStatistics.None : EnabledStatistics.Chunk)
    .setDictionaryEnabled(dictionary === 'all');
  if (options.rowGroupRows !== undefined) builder = builder.setMaxRowGroupSize(options.rowGroupRows);
  if (options.dataPageBytes !== undefined) builder = builder.setDataPageSizeLimit(options.dataPageBytes);
  const split =
    (options.floatEncoding ?? 'byte-stream-split') === 'byte-stream-split' && dictionary !== 'all';
  sample?.schema.fields.forEach((field, i) => {
    if (dictionary === 'auto' && dictionaryPays(sample, i))
      builder = builder.setColumnDictionaryEnabled(field.name, true);
    if (split && field.type.typeId === Type.Float)
      builder = builder.setColumnEncoding(field.name, Encoding.BYTE_STREAM_SPLIT);
  });
  return builder.build();
}
