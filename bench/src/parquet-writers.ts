import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  computeFileStats,
  conformBatch,
  createLocalStorage,
  createParquetPool,
  type DeltaSchema,
  fromArrowSchema,
  shareBatches,
  toArrowSchema,
} from '@lakestream/delta';
import {
  clickbenchSchema,
  generateClickbench,
  generateNeowise,
  type LoadedSchema,
  neowiseSchema,
} from '@lakestream/testkit';
import { createParser } from '@lakestream/zeroparser';
import {
  type Data,
  DataType,
  Field,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Type,
  tableFromIPC,
  tableToIPC,
  Utf8,
} from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import {
  type AsNodeVariant,
  compareAsNode,
  nodeFile,
  type PoolDelta,
  poolAsNode,
} from './delta/encode-as-node.js';
import {
  duckdbVariant,
  NODE_PARQUET_OPTIONS,
  type ParquetWriterVariant,
  parquetWasmVariant,
  polarsVariant,
} from './delta/parquet-writer-variants.js';
import { median, quantile, sortedCopy } from './fanin/quantile.js';

/**
 * Parquet writers side by side on the same Arrow batches (the node's data files: zeroparser's batches conformed
 * to the table schema): parquet-wasm as the node configures it, nodejs-polars and DuckDB. Interleaved rounds
 * (round r starts at the r-th writer); per writer the process CPU (all threads: the native writers' pools
 * included) and wall time per file, output size, and checks that DuckDB reads every file back to the same rows
 * and that the Delta stats computed from the input equal those computed from each file read back.
 */

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '7' },
    dataset: { type: 'string', default: 'neowise,clickbench' },
    only: { type: 'string', default: 'parquet-wasm,parquet-wasm-stats,nodejs-polars,duckdb' },
    // The node's real path (`encodeFile` on shared-memory batches, a node-sized file), step by step.
    'as-node': { type: 'boolean', default: false },
    'file-mb': { type: 'string', default: '32' },
    variants: { type: 'string', default: 'node' },
    pool: { type: 'string', default: '0' },
    'pool-workers': { type: 'string', default: '2' },
    'pool-rounds': { type: 'string', default: '2' },
    'base-delta': { type: 'string' },
  },
});

interface DataFile {
  name: string;
  schema: DeltaSchema;
  batches: RecordBatch[];
  inputMB: number;
}

function dataFile(name: string, loaded: LoadedSchema, records: Uint8Array[], batch: number): DataFile {
  const parser = createParser(loaded.descriptorProto);
  const decoded: RecordBatch[] = [];
  for (let i = 0; i < records.length; i += batch)
    decoded.push(parser.decodeBatch(records.slice(i, i + batch)));
  const schema = fromArrowSchema(decoded[0]!.schema);
  const arrowSchema = toArrowSchema(schema);
  const batches = decoded.map((b) => conformBatch(b, arrowSchema));
  const inputMB = tableToIPC(new Table(batches), 'stream').byteLength / 1e6;
  return { name, schema, batches, inputMB };
}

interface Sample {
  wallMs: number;
  cpuMs: number;
  /** CPU ms of the writer proper (DuckDB's COPY, without loading the values), when measured apart. */
  writerCpuMs: number | undefined;
  bytes: number;
}

async function measure(variant: ParquetWriterVariant, file: DataFile): Promise<Sample & { out: Uint8Array }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const out = await variant.write(file.batches);
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    writerCpuMs: variant.lastWriterCpuMs,
    bytes: out.byteLength,
    out,
  };
}

/** 64-bit offsets (Polars writes LargeUtf8 and LargeList) as the 32-bit ones of the table's types. */
function narrowOffsets(data: Data): Data {
  const children = data.children.map(narrowOffsets);
  const wide = (t: DataType, narrow: DataType) =>
    makeData({
      type: narrow,
      offset: data.offset,
      length: data.length,
      nullCount: data.nullCount,
      nullBitmap: data.nullBitmap,
      valueOffsets: Int32Array.from(data.valueOffsets as unknown as BigInt64Array, Number),
      ...(t.typeId === Type.List ? { child: children[0] } : { data: data.values }),
    } as never) as Data;
  if (DataType.isLargeUtf8(data.type)) return wide(new List(new Field('x', new Utf8())), new Utf8());
  if (data.type.typeId === Type.LargeList) {
    const child = children[0]!;
    return wide(
      new List(new Field('element', child.type)),
      new List(new Field(data.type.children[0]!.name, child.type, true)),
    );
  }
  if (children.every((c, i) => c === data.children[i])) return data;
  return makeData({
    ...data,
    type: new Struct(children.map((c, i) => new Field(data.type.children[i]!.name, c.type, true))),
    children,
  } as never) as Data;
}

/** The stats of a Parquet file's rows read back (parquet-wasm's reader), conformed to the table schema. */
function statsOfFile(bytes: Uint8Array, schema: DeltaSchema): string {
  const arrowSchema = toArrowSchema(schema);
  const table = tableFromIPC(readParquet(bytes).intoIPCStream());
  return computeFileStats(
    table.batches.map((b) => {
      const data = narrowOffsets(b.data);
      return conformBatch(new RecordBatch(new Schema(data.type.children), data as Data<Struct>), arrowSchema);
    }),
    schema,
    { numIndexedCols: -1 },
  );
}

async function check(file: DataFile, outputs: Map<string, Uint8Array>, reference: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'parquet-writers-check-'));
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const lines: string[] = [];
  try {
    const expected = computeFileStats(file.batches, file.schema, { numIndexedCols: -1 });
    const rows = file.batches.reduce((n, b) => n + b.numRows, 0);
    const paths = new Map<string, string>();
    for (const [name, bytes] of outputs) {
      const path = join(dir, `${name}.parquet`);
      writeFileSync(path, bytes);
      paths.set(name, path);
    }
    const src = (name: string) => `read_parquet('${paths.get(name)}', file_row_number = true)`;
    for (const name of outputs.keys()) {
      const count = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${src(name)}`)).getRows()[0]![0]);
      let differing = 0;
      if (name !== reference) {
        const q = (a: string, b: string) =>
          `SELECT count(*) FROM (SELECT * FROM ${src(a)} EXCEPT ALL SELECT * FROM ${src(b)})`;
        differing =
          Number((await conn.runAndReadAll(q(name, reference))).getRows()[0]![0]) +
          Number((await conn.runAndReadAll(q(reference, name))).getRows()[0]![0]);
      }
      const statsSame = statsOfFile(outputs.get(name)!, file.schema) === expected;
      lines.push(
        `${file.name} ${name}: DuckDB reads ${count}/${rows} rows, ${differing} rows differ from ${reference}, Delta stats of the file ${statsSame ? '=' : '≠'} stats computed from the input`,
      );
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

/** The `--variants` of `--as-node`: the node's options, and one change to them each. */
const AS_NODE_VARIANTS: Record<string, AsNodeVariant> = {
  node: { name: 'node (snappy)', parquet: NODE_PARQUET_OPTIONS },
  none: { name: 'no compression', parquet: { ...NODE_PARQUET_OPTIONS, compression: 'none' } },
  zstd: { name: 'zstd', parquet: { ...NODE_PARQUET_OPTIONS, compression: 'zstd' } },
  'no-dictionary': { name: 'no dictionary', parquet: { ...NODE_PARQUET_OPTIONS, dictionary: 'none' } },
  plain: { name: 'plain floats', parquet: { ...NODE_PARQUET_OPTIONS, floatEncoding: 'plain' } },
  rg64k: { name: 'row groups of 64k rows', parquet: { ...NODE_PARQUET_OPTIONS, rowGroupRows: 65_536 } },
  rg16k: { name: 'row groups of 16k rows', parquet: { ...NODE_PARQUET_OPTIONS, rowGroupRows: 16_384 } },
};

/** `--as-node`: the node's `encodeFile` on a node-sized file of shared-memory batches, per step. */
async function asNode(): Promise<void> {
  const mb = Number(args['file-mb']);
  const batch = Number(args.batch);
  const loaded = neowiseSchema();
  // ~665 bytes of Arrow per NEOWISE-like record.
  const records = generateNeowise(Math.ceil((mb * 1e6) / 665 / batch) * batch, 17);
  const file = nodeFile(loaded, records, batch);
  const variants = args.variants!.split(',').map((v) => {
    const variant = AS_NODE_VARIANTS[v];
    if (variant === undefined)
      throw new Error(`--variants: one of ${Object.keys(AS_NODE_VARIANTS)}, not ${v}`);
    return variant;
  });
  console.log(
    `encodeFile as the node runs it: ${args.rounds} interleaved rounds, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const { lines, outputs } = await compareAsNode(file, variants, Number(args.rounds));
  for (const line of lines) console.log(line);
  const schema = fromArrowSchema(file.batches[0]!.schema);
  const arrowSchema = toArrowSchema(schema);
  const checked: DataFile = {
    name: 'neowise',
    schema,
    batches: file.batches.map((b) => conformBatch(b, arrowSchema)),
    inputMB: file.ipcMB,
  };
  for (const line of await check(checked, outputs, variants[0]!.name)) console.log(line);
  const files = Number(args.pool);
  if (files > 0) {
    // Before/after: another build of the delta package (its `dist/`), alternating with this workspace's.
    const base =
      args['base-delta'] === undefined
        ? undefined
        : ((await import(pathToFileURL(resolve(args['base-delta'], 'index.js')).href)) as PoolDelta);
    console.log(
      [
        '',
        `The pool: ${files} files at once on ${args['pool-workers']} encoder threads, ${args['pool-rounds']} rounds.`,
        '',
        '| run | CPU ms per MB of Arrow: main thread | encoder threads | other threads | all | encoders waiting for a core | MB/s |',
        '|---|---:|---:|---:|---:|---:|---:|',
      ].join('\n'),
    );
    const run = { files, workers: Number(args['pool-workers']), parquet: variants[0]!.parquet };
    for (let r = 0; r < Number(args['pool-rounds']); r++) {
      const order = base === undefined ? [undefined] : r % 2 === 0 ? [undefined, base] : [base, undefined];
      for (const delta of order)
        console.log(
          await poolAsNode(file, {
            ...run,
            delta: delta ?? { createLocalStorage, createParquetPool, shareBatches },
            label: delta === undefined ? 'this workspace' : `base (${args['base-delta']})`,
          }),
        );
    }
  }
}

async function main(): Promise<void> {
  if (args['as-node'] === true) return asNode();
  process.env.POLARS_MAX_THREADS ??= '1';
  const rows = Number(args.rows);
  const batch = Number(args.batch);
  const rounds = Number(args.rounds);
  const wanted = args.only!.split(',');
  const makers: Record<string, () => Promise<ParquetWriterVariant>> = {
    'parquet-wasm': async () => parquetWasmVariant(),
    // With footer statistics, as Polars and DuckDB write them: the same work per file.
    'parquet-wasm-stats': async () =>
      parquetWasmVariant('parquet-wasm-stats', { compression: 'snappy', statistics: 'chunk' }),
    'nodejs-polars': async () => polarsVariant(),
    duckdb: () => duckdbVariant(),
  };
  const variants = await Promise.all(wanted.map((n) => makers[n]!()));
  const files: DataFile[] = [];
  for (const name of args.dataset!.split(',')) {
    if (name === 'neowise') files.push(dataFile(name, neowiseSchema(), generateNeowise(rows, 17), batch));
    else files.push(dataFile(name, clickbenchSchema(), generateClickbench(rows, 17), batch));
  }
  console.log(
    `parquet writers: ${rows} rows per file in batches of ${batch}, ${rounds} interleaved rounds, POLARS_MAX_THREADS=${process.env.POLARS_MAX_THREADS}, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    '| data | writer | input MB | CPU ms/MB (median) | wall ms p50 | wall ms max | output MB | CPU/MB vs parquet-wasm (median of per-round ratios) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const checks: string[] = [];
  for (const file of files) {
    const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
    const outputs = new Map<string, Uint8Array>();
    for (const v of variants) outputs.set(v.name, (await measure(v, file)).out); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < variants.length; k++) {
        const v = variants[(k + r) % variants.length]!;
        const { out: _, ...s } = await measure(v, file);
        samples.get(v.name)!.push(s);
      }
    }
    const base = samples.get('parquet-wasm');
    for (const v of variants) {
      const s = samples.get(v.name)!;
      const walls = sortedCopy(s.map((x) => x.wallMs));
      const ratio = base === undefined ? Number.NaN : median(s.map((x, i) => x.cpuMs / base[i]!.cpuMs));
      const writer =
        s[0]!.writerCpuMs === undefined
          ? ''
          : ` (COPY alone ${(median(s.map((x) => x.writerCpuMs!)) / file.inputMB).toFixed(1)})`;
      console.log(
        `| ${file.name} | ${v.name} | ${file.inputMB.toFixed(1)} | ${(median(s.map((x) => x.cpuMs)) / file.inputMB).toFixed(1)}${writer} | ${quantile(walls, 0.5).toFixed(0)} | ${walls[walls.length - 1]!.toFixed(0)} | ${(s[0]!.bytes / 1e6).toFixed(2)} | ${ratio.toFixed(2)}× |`,
      );
    }
    checks.push(...(await check(file, outputs, variants[0]!.name)));
  }
  for (const line of checks) console.log(line);
  for (const v of variants) await v.close();
}

await main();
