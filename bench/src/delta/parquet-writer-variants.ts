import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { buildWriterProperties, type ParquetWriteOptions } from '@lakestream/delta';
import { type DataType, type RecordBatch, Table, Type, tableToIPC, type Vector } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';

/** One way to turn a data file's Arrow batches into Parquet bytes. */
export interface ParquetWriterVariant {
  readonly name: string;
  write(batches: readonly RecordBatch[]): Promise<Uint8Array>;
  /** CPU ms of the last `write` spent in the writer proper, when it is a separate step (DuckDB's `COPY`). */
  readonly lastWriterCpuMs?: number;
  close(): Promise<void>;
}

/** The node's options today (`DEFAULT_DATA_FILE_OPTIONS`): snappy pages, no footer statistics. */
export const NODE_PARQUET_OPTIONS: ParquetWriteOptions = { compression: 'snappy', statistics: 'none' };

/** parquet-wasm as `encodeFile` drives it: Arrow IPC stream in, tuned writer properties. */
export function parquetWasmVariant(
  name = 'parquet-wasm',
  options: ParquetWriteOptions = NODE_PARQUET_OPTIONS,
): ParquetWriterVariant {
  return {
    name,
    async write(batches) {
      const ipc = tableToIPC(new Table(batches as RecordBatch[]), 'stream');
      return writeParquet(WasmTable.fromIPCStream(ipc), buildWriterProperties(batches[0], options));
    },
    async close() {},
  };
}

interface PolarsModule {
  readIPCStream(buf: Buffer): { writeParquet(options: { compression: string }): Buffer };
}

/**
 * nodejs-polars (Rust, native): the Arrow IPC stream read into a DataFrame, written with snappy (0.24 has no
 * option to leave out the footer statistics: it writes them). Polars' thread pool is sized by
 * `POLARS_MAX_THREADS`, read once when the module loads: the caller sets it before.
 */
export function polarsVariant(): ParquetWriterVariant {
  const pl = createRequire(import.meta.url)('nodejs-polars') as PolarsModule;
  return {
    name: 'nodejs-polars',
    async write(batches) {
      const ipc = tableToIPC(new Table(batches as RecordBatch[]), 'stream');
      const df = pl.readIPCStream(Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength));
      return df.writeParquet({ compression: 'snappy' });
    },
    async close() {},
  };
}

/** DuckDB's column type for an Arrow type (the types the NEOWISE-like and ClickBench batches hold). */
function duckType(type: DataType): string {
  switch (type.typeId) {
    case Type.Bool:
      return 'BOOLEAN';
    case Type.Int: {
      const t = type as unknown as { bitWidth: number; isSigned: boolean };
      const base = { 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' }[t.bitWidth];
      return t.isSigned ? base! : `U${base}`;
    }
    case Type.Float:
      return (type as unknown as { precision: number }).precision === 1 ? 'FLOAT' : 'DOUBLE';
    case Type.Utf8:
      return 'VARCHAR';
    case Type.Binary:
      return 'BLOB';
    case Type.Decimal: {
      const t = type as unknown as { precision: number; scale: number };
      return `DECIMAL(${t.precision}, ${t.scale})`;
    }
    case Type.List:
      return `${duckType(type.children[0]!.type)}[]`;
    case Type.Struct:
      return `STRUCT(${type.children.map((f) => `"${f.name}" ${duckType(f.type)}`).join(', ')})`;
    default:
      throw new Error(`no DuckDB type for Arrow ${type}`);
  }
}

/**
 * DuckDB (C++, native, through @duckdb/node-api): it has no Arrow import in the npm package (the `arrow`
 * extension is downloaded at run time), so the batches go in as values through an appender — that conversion
 * is part of the cost — then `COPY … (FORMAT parquet, COMPRESSION snappy)`. One thread (`SET threads = 1`).
 */
export async function duckdbVariant(): Promise<ParquetWriterVariant> {
  const duck = await import('@duckdb/node-api');
  const instance = await duck.DuckDBInstance.create(':memory:', { threads: '1' });
  const conn: DuckDBConnection = await instance.connect();
  const dir = mkdtempSync(join(tmpdir(), 'parquet-writers-duckdb-'));
  let n = 0;

  const toValue = (type: DataType, v: unknown): DuckDBValue => {
    if (v === null || v === undefined) return null;
    switch (type.typeId) {
      case Type.List: {
        const items: DuckDBValue[] = [];
        for (const x of v as Vector) items.push(toValue(type.children[0]!.type, x));
        return duck.listValue(items);
      }
      case Type.Struct: {
        const row = v as Record<string, unknown>;
        const entries: Record<string, DuckDBValue> = {};
        for (const f of type.children) entries[f.name] = toValue(f.type, row[f.name]);
        return duck.structValue(entries);
      }
      case Type.Binary:
        return duck.blobValue(v as Uint8Array);
      case Type.Decimal: {
        // Arrow's 128-bit decimal: four little-endian 32-bit words, two's complement.
        const words = v as Uint32Array;
        let n = 0n;
        for (let k = 3; k >= 0; k--) n = (n << 32n) | BigInt(words[k]!);
        if (n >= 1n << 127n) n -= 1n << 128n;
        const t = type as unknown as { precision: number; scale: number };
        return duck.decimalValue(n, t.precision, t.scale);
      }
      default:
        return v as DuckDBValue;
    }
  };

  const variant = {
    name: 'duckdb',
    lastWriterCpuMs: 0,
    async write(batches: readonly RecordBatch[]) {
      const schema = batches[0]!.schema;
      const table = `t${n++}`;
      await conn.run(
        `CREATE TABLE ${table} (${schema.fields.map((f) => `"${f.name}" ${duckType(f.type)}`).join(', ')})`,
      );
      const appender = await conn.createAppender(table);
      const types = schema.fields.map((_, c) => appender.columnType(c));
      for (const batch of batches) {
        for (let start = 0; start < batch.numRows; start += 2048) {
          const end = Math.min(batch.numRows, start + 2048);
          const chunk = duck.DuckDBDataChunk.create(types, end - start);
          schema.fields.forEach((f, c) => {
            const col = batch.getChildAt(c)!;
            const values: DuckDBValue[] = new Array(end - start);
            for (let i = start; i < end; i++) values[i - start] = toValue(f.type, col.get(i));
            chunk.setColumnValues(c, values);
          });
          appender.appendDataChunk(chunk);
        }
      }
      appender.closeSync();
      const path = join(dir, `${table}.parquet`);
      const cpu = process.cpuUsage();
      await conn.run(`COPY ${table} TO '${path}' (FORMAT parquet, COMPRESSION snappy)`);
      const used = process.cpuUsage(cpu);
      variant.lastWriterCpuMs = (used.user + used.system) / 1000;
      await conn.run(`DROP TABLE ${table}`);
      const bytes = readFileSync(path);
      rmSync(path);
      return bytes;
    },
    async close() {
      conn.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return variant;
}
