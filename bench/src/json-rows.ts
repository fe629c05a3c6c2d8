import { parseArgs } from 'node:util';
import { clickbenchSchema, generateClickbench, generateClickbenchAsJson } from '@lakestream/testkit';
import { createJsonParser, createParser } from '@lakestream/zeroparser';
import { median } from './fanin/quantile.js';
import { timeInterleaved } from './interleaved-rounds.js';

/**
 * The node's decode step for ClickBench-like rows as JSON and as protobuf, the same rows (issue 17): zeroparser's
 * JSON parser (`decodeBatch` of the records' strings, what a JSON stream's request carries) beside its protobuf
 * parser, in requests of `--batch` records, interleaved rounds. Rows per second of one thread: the ceiling a
 * node's main thread sets on JSON ingest before the WAL, the publisher and gRPC take their share.
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
const text = generateClickbenchAsJson(count, 7);
const chunks = <T>(xs: T[]): T[][] =>
  Array.from({ length: Math.ceil(xs.length / batch) }, (_, i) => xs.slice(i * batch, (i + 1) * batch));
const protoBatches = chunks(binary);
const jsonBatches = chunks(text);
const protoBytes = binary.reduce((n, r) => n + r.length, 0);
const jsonBytes = text.reduce((n, r) => n + Buffer.byteLength(r), 0);

const times = timeInterleaved(
  {
    protobuf: () => {
      for (const b of protoBatches) proto.decodeBatch(b);
    },
    json: () => {
      for (const b of jsonBatches) json.decodeBatch(b);
    },
  },
  rounds,
);
const p = median(times.get('protobuf')!);
const j = median(times.get('json')!);
console.log(
  `ClickBench-like, ${count} records in requests of ${batch}, ${rounds} interleaved rounds (median):
| format | bytes per record | rows/s (one thread) | MB/s of records |
|---|---:|---:|---:|
| protobuf | ${(protoBytes / count).toFixed(0)} | ${Math.round(count / p)} | ${(protoBytes / 1e6 / p).toFixed(1)} |
| JSON | ${(jsonBytes / count).toFixed(0)} | ${Math.round(count / j)} | ${(jsonBytes / 1e6 / j).toFixed(1)} |
JSON takes ${median(times.get('json')!.map((t, i) => t / times.get('protobuf')![i]!)).toFixed(2)}× protobuf's time per row (median of per-round ratios).`,
);
