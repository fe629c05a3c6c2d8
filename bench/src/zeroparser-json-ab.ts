import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generateNeowiseAsJson, neowiseSchema } from '@lakestream/testkit';
import { median } from './fanin/quantile.js';
import { fullGarbageCollection } from './full-gc.js';
import { medianRatio, timeInterleaved } from './interleaved-rounds.js';

/**
 * CLI: `node bench/dist/zeroparser-json-ab.js --a DIR --b DIR [--reps N] [--records N]`. Two builds of
 * zeroparser's JSON parser side by side in one process (`DIR`: a build's `dist` directory), over the same
 * NEOWISE-like JSON records in batches of 8,192, in interleaved rounds (the first run rotates):
 *
 * - `strings`: int64 as decimal strings (`"cntr":"5000000017"`, protobuf's JSON mapping);
 * - `numbers`: the same int64 as bare JSON numbers below 2^53;
 * - `big` (B only, and A if it accepts them): `cntr` a bare number beyond 2^53 (`9007199254740993 + i`), what
 *   Python, Go and Java send for a large int64 — each such record is parsed a second time, exactly.
 *
 * Prints MB/s (median round) and B over A per dataset as the median of per-round ratios, and `big` over
 * `numbers` within B: the cost of the exact second parse.
 */
const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    reps: { type: 'string', default: '15' },
    records: { type: 'string', default: '50000' },
  },
});
if (!values.a || !values.b) throw new Error('--a and --b name two zeroparser builds (dist directories)');
const reps = Number(values.reps);
const count = Number(values.records);
if (!Number.isInteger(reps) || reps <= 0)
  throw new Error(`--reps must be a positive integer, got ${values.reps}`);
if (!Number.isInteger(count) || count <= 0)
  throw new Error(`--records must be a positive integer, got ${values.records}`);

type Zeroparser = typeof import('@lakestream/zeroparser');
const load = async (dir: string): Promise<Zeroparser> =>
  (await import(pathToFileURL(resolve(dir, 'index.js')).href)) as Zeroparser;
const [a, b] = await Promise.all([load(values.a), load(values.b)]);

const strings = generateNeowiseAsJson(count, 20_240_601);
const datasets: Record<string, string[]> = {
  strings,
  numbers: strings.map((r) => r.replace(/"cntr":"(\d+)"/, '"cntr":$1')),
  big: strings.map((r, i) => r.replace(/"cntr":"\d+"/, `"cntr":${9007199254740993n + BigInt(i)}`)),
};
const bytes = strings.reduce((sum, r) => sum + r.length, 0);
const batchesOf = (records: string[]) =>
  Array.from({ length: Math.ceil(records.length / 8192) }, (_, i) => records.slice(i * 8192, (i + 1) * 8192));

const runs: Record<string, () => void> = {};
for (const [name, zp] of [
  ['A', a],
  ['B', b],
] as const) {
  const parser = zp.createJsonParser(zp.createParser(neowiseSchema().descriptorProto).schema);
  for (const [dataset, records] of Object.entries(datasets)) {
    const batches = batchesOf(records);
    try {
      parser.decodeBatch(batches[0]!);
    } catch {
      continue; // this build refuses the dataset (A before the exact parse, on `big`)
    }
    runs[`${name} ${dataset}`] = () => {
      for (const batch of batches) parser.decodeBatch(batch);
    };
  }
}
fullGarbageCollection()();
const names = Object.keys(runs);
const times = timeInterleaved(runs, reps, 1);
const ratio = (of: string, over: string): number => medianRatio(times, of, over);
for (const name of names) {
  console.log(`${name.padEnd(10)} ${(bytes / 1e6 / median(times.get(name)!)).toFixed(0).padStart(5)} MB/s`);
}
for (const dataset of Object.keys(datasets)) {
  if (times.has(`A ${dataset}`) && times.has(`B ${dataset}`))
    console.log(`B/A ${dataset}: ${ratio(`B ${dataset}`, `A ${dataset}`).toFixed(3)}`);
}
if (times.has('B big')) console.log(`B big/numbers: ${ratio('B big', 'B numbers').toFixed(3)}`);
