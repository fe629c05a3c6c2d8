import { isUtf8 } from 'node:buffer';
import { parseArgs } from 'node:util';
import { clickbenchSchema, generateClickbench, generateClickbenchAsJson } from '@lakestream/testkit';
import { createJsonParser, createParser } from '@lakestream/zeroparser';
import { median } from './fanin/quantile.js';
import { fullGarbageCollection } from './full-gc.js';
import { medianRatio, timeInterleaved } from './interleaved-rounds.js';

/**
 * The node's decode step for ClickBench-like rows as JSON and as protobuf, the same rows (issue 17): zeroparser's
 * protobuf parser beside its JSON parser two ways, in requests of `--batch` records, interleaved rounds:
 *
 * - `JSON, text`: each record's bytes decoded to a string (strict UTF-8), then `decodeBatch` of the strings —
 *   the node's JSON path before the byte scanner (`JSON.parse` per record);
 * - `JSON, bytes`: each record's UTF-8 checked (`isUtf8`, the node's check), then `decodeBatchBytes` of the
 *   bytes — the node's JSON path now (the byte scanner, the text path for what it does not handle).
 *
 * The records are views into one buffer per request, as the node receives them. Rows per second of one
 * thread: the ceiling a node's main thread sets on JSON ingest before the WAL, the publisher and gRPC take
 * their share.
 */
const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '7' },
  },
});
const count = Number(args.records);
const batch = Number(args.batch);
const rounds = Number(args.rounds);

const schema = clickbenchSchema();
const proto = createParser(schema.descriptorProto);
const json = createJsonParser(proto.schema);
const binary = generateClickbench(count, 7);
const chunks = <T>(xs: T[]): T[][] =>
  Array.from({ length: Math.ceil(xs.length / batch) }, (_, i) => xs.slice(i * batch, (i + 1) * batch));
/** The records of a request as views into one buffer, as a request's records reach the parser. */
const request = (texts: string[]): Uint8Array[] => {
  const buffer = Buffer.from(texts.join(''));
  let at = 0;
  return texts.map((t) => {
    const length = Buffer.byteLength(t);
    at += length;
    return buffer.subarray(at - length, at);
  });
};
const protoBatches = chunks(binary);
const jsonBatches = chunks(generateClickbenchAsJson(count, 7)).map(request);
const protoBytes = binary.reduce((n, r) => n + r.length, 0);
const jsonBytes = jsonBatches.flat().reduce((n, r) => n + r.length, 0);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// The generators' garbage in the old generation would make every young collection of the runs dearer.
fullGarbageCollection()();

const times = timeInterleaved(
  {
    protobuf: () => {
      for (const b of protoBatches) proto.decodeBatch(b);
    },
    'JSON, text': () => {
      for (const b of jsonBatches) json.decodeBatch(b.map((r) => strictUtf8.decode(r)));
    },
    'JSON, bytes': () => {
      for (const b of jsonBatches) {
        for (const r of b) if (!isUtf8(r)) throw new Error('not UTF-8');
        json.decodeBatchBytes(b);
      }
    },
  },
  rounds,
);
const row = (name: string, bytes: number): string => {
  const t = median(times.get(name)!);
  const ratio = name === 'protobuf' ? 1 : medianRatio(times, 'protobuf', name);
  return `| ${name} | ${(bytes / count).toFixed(0)} | ${Math.round(count / t)} | ${((t / count) * 1e6).toFixed(1)} | ${(bytes / 1e6 / t).toFixed(1)} | ${ratio.toFixed(2)}× |`;
};
const { fast, fallback } = json.stats;
console.log(
  `ClickBench-like, ${count} records in requests of ${batch}, ${rounds} interleaved rounds (median):
| decode | bytes per record | rows/s (one thread) | µs per row | MB/s of records | time per row / protobuf's |
|---|---:|---:|---:|---:|---:|
${row('protobuf', protoBytes)}
${row('JSON, text', jsonBytes)}
${row('JSON, bytes', jsonBytes)}
JSON, bytes takes ${medianRatio(times, 'JSON, bytes', 'JSON, text').toFixed(2)}× less time per row than JSON, text (median of per-round ratios).
Records the byte scanner decoded: ${fast} fast, ${fallback} by the text path.`,
);
