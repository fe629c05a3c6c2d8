import {
  clickbenchSchema,
  generateClickbench,
  generateNeowise,
  type LoadedSchema,
  neowiseSchema,
} from '@lakestream/testkit';
import { createBareWalkDecoder, createWalkShape, type WalkShape } from './decoders/bare-walk.js';
import { createBufbuildDecoder } from './decoders/bufbuild-decoder.js';
import { createProtobufjsDecoder } from './decoders/protobufjs-decoder.js';
import type { RecordDecoder } from './decoders/record-decoder.js';
import { fullGarbageCollection } from './full-gc.js';

/** Options of `runDecodeBench`; every field has a default. */
export interface DecodeBenchOptions {
  /** NEOWISE records (default 200,000); ClickBench gets half as many (default 100,000). */
  records?: number;
  /** Records per `decodeBatch` call of zeroparser (default 8,192). */
  batchSize?: number;
  /** Timed repetitions per decoder (default 11: the machines are shared); the median is reported. */
  reps?: number;
  /** Decoders to run (`zeroparser`, `zeroparser leased`, `protobufjs`, `bufbuild`, `bare walk`); default all. */
  only?: readonly string[];
}

/** One decoder's medians on one dataset. */
export interface DecoderResult {
  decoder: string;
  mbPerSec: number;
  recordsPerSec: number;
}

/** One dataset's results, with zeroparser's ratios when it ran. */
export interface DatasetResult {
  dataset: string;
  records: number;
  bytes: number;
  decoders: DecoderResult[];
  zeroparserVsProtobufjs?: number;
  zeroparserVsBareWalk?: number;
  leasedVsProtobufjs?: number;
  leasedVsBareWalk?: number;
}

const SEED = 20_240_601;
export const DECODER_NAMES = [
  'zeroparser',
  'zeroparser leased',
  'protobufjs',
  'bufbuild',
  'bare walk',
] as const;

/**
 * Decode throughput of zeroparser (RecordBatch built) against protobufjs, @bufbuild/protobuf (runtime
 * descriptor) and a bare wire walk, on seeded NEOWISE-like and ClickBench records, single-threaded. Each
 * decoder is warmed up, then the repetitions run round-robin, each decoder over all the records in turn
 * (rotating who goes first), so that machine noise hits all alike.
 * Reported: the median repetition in MB/s (10^6 bytes of wire data) and records/s, and each ratio as the
 * median over repetitions of the ratio within the repetition (robust to load that changes between
 * repetitions, where a ratio of medians is not). Prints a Markdown table and returns the figures.
 * zeroparser is imported only when selected, so the baselines run without its build.
 */
export async function runDecodeBench(options: DecodeBenchOptions = {}): Promise<DatasetResult[]> {
  const records = options.records ?? 200_000;
  const batchSize = options.batchSize ?? 8192;
  const reps = options.reps ?? 11;
  const only = new Set<string>(options.only ?? DECODER_NAMES);
  const datasets: { name: string; schema: LoadedSchema; records: Uint8Array[]; shape: WalkShape }[] = [
    {
      name: 'NEOWISE',
      schema: neowiseSchema(),
      records: generateNeowise(records, SEED),
      shape: createWalkShape({ 63: createWalkShape() }),
    },
    {
      name: 'ClickBench',
      schema: clickbenchSchema(),
      records: generateClickbench(Math.max(1, Math.round(records / 2)), SEED),
      shape: createWalkShape(),
    },
  ];
  const results: DatasetResult[] = [];
  const collectGarbage = fullGarbageCollection();
  for (const ds of datasets) {
    const decoders = await createDecoders(ds.schema, ds.shape, batchSize, only);
    // Generating the records left hundreds of MB of garbage in the old generation; until a full collection
    // clears it, every young-generation collection of the decoders that allocate costs ~5× more (measured:
    // zeroparser 850 → 960 MB/s, the bare walk unchanged). Start every dataset from a collected heap.
    collectGarbage();
    const bytes = ds.records.reduce((sum, r) => sum + r.length, 0);
    const times = new Map<string, number[]>(decoders.map((d) => [d.name, []]));
    for (const d of decoders) {
      d.decodeAll(ds.records);
      d.decodeAll(ds.records);
    }
    for (let rep = 0; rep < reps; rep++) {
      for (let k = 0; k < decoders.length; k++) {
        const d = decoders[(k + rep) % decoders.length]!;
        const start = process.hrtime.bigint();
        d.decodeAll(ds.records);
        times.get(d.name)!.push(Number(process.hrtime.bigint() - start) / 1e9);
      }
    }
    const rows = decoders.map((d): DecoderResult => {
      const seconds = median(times.get(d.name)!);
      return { decoder: d.name, mbPerSec: bytes / 1e6 / seconds, recordsPerSec: ds.records.length / seconds };
    });
    results.push(withRatios({ dataset: ds.name, records: ds.records.length, bytes, decoders: rows }, times));
  }
  console.log(toMarkdown(results));
  return results;
}

async function createDecoders(
  schema: LoadedSchema,
  shape: WalkShape,
  batchSize: number,
  only: ReadonlySet<string>,
): Promise<RecordDecoder[]> {
  const decoders: RecordDecoder[] = [];
  if (only.has('zeroparser') || only.has('zeroparser leased')) {
    const { createZeroparserDecoder } = await import('./decoders/zeroparser-decoder.js');
    const source =
      schema.syntax === 'proto2'
        ? { descriptorProto: schema.descriptorProto }
        : { fileDescriptorSet: schema.fileDescriptorSet, messageName: schema.messageName };
    if (only.has('zeroparser')) decoders.push(createZeroparserDecoder(source, batchSize));
    if (only.has('zeroparser leased')) decoders.push(createZeroparserDecoder(source, batchSize, true));
  }
  if (only.has('protobufjs')) decoders.push(createProtobufjsDecoder(schema.type));
  if (only.has('bufbuild'))
    decoders.push(createBufbuildDecoder(schema.fileDescriptorSet, schema.messageName));
  if (only.has('bare walk')) decoders.push(createBareWalkDecoder(shape));
  return decoders;
}

/** Speed ratios (`a` over `b`): the median over repetitions of b's time over a's in the same repetition. */
function withRatios(result: DatasetResult, times: ReadonlyMap<string, number[]>): DatasetResult {
  const ratio = (a: string, b: string): number | undefined => {
    const ta = times.get(a);
    const tb = times.get(b);
    return ta && tb ? median(ta.map((t, i) => tb[i]! / t)) : undefined;
  };
  const ratios = {
    zeroparserVsProtobufjs: ratio('zeroparser', 'protobufjs'),
    zeroparserVsBareWalk: ratio('zeroparser', 'bare walk'),
    leasedVsProtobufjs: ratio('zeroparser leased', 'protobufjs'),
    leasedVsBareWalk: ratio('zeroparser leased', 'bare walk'),
  };
  for (const [key, value] of Object.entries(ratios)) {
    if (value !== undefined) result[key as keyof typeof ratios] = value;
  }
  return result;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The results as a Markdown table (one row per dataset and decoder) plus the ratio lines. */
export function toMarkdown(results: readonly DatasetResult[]): string {
  const lines = ['| dataset | decoder | MB/s | records/s |', '|---|---|---:|---:|'];
  for (const r of results) {
    for (const d of r.decoders) {
      lines.push(
        `| ${r.dataset} (${r.records.toLocaleString('en-US')} rec, ${(r.bytes / 1e6).toFixed(1)} MB) | ${d.decoder} | ` +
          `${d.mbPerSec.toFixed(0)} | ${Math.round(d.recordsPerSec).toLocaleString('en-US')} |`,
      );
    }
  }
  for (const r of results) {
    const ratios: [string, number | undefined][] = [
      ['zeroparser / protobufjs', r.zeroparserVsProtobufjs],
      ['zeroparser / bare walk', r.zeroparserVsBareWalk],
      ['zeroparser leased / protobufjs', r.leasedVsProtobufjs],
      ['zeroparser leased / bare walk', r.leasedVsBareWalk],
    ];
    lines.push('');
    for (const [what, ratio] of ratios) {
      if (ratio !== undefined) lines.push(`${r.dataset}: ${what} = ${ratio.toFixed(2)}×`);
    }
  }
  return lines.join('\n');
}
