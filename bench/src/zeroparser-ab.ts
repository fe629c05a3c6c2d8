import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  clickbenchSchema,
  generateClickbench,
  generateNeowise,
  type LoadedSchema,
  neowiseSchema,
} from '@lakestream/testkit';
import { createBareWalkDecoder, createWalkShape } from './decoders/bare-walk.js';
import { median } from './fanin/quantile.js';
import { fullGarbageCollection } from './full-gc.js';
import { medianRatio, timeInterleaved } from './interleaved-rounds.js';

/**
 * CLI: `node bench/dist/zeroparser-ab.js --a DIR --b DIR [--reps N] [--dataset neowise|clickbench]
 * [--layout contiguous|own]`.
 * Two builds of zeroparser side by side in one process (`DIR`: a build's `dist` directory, e.g. a copy of
 * `packages/zeroparser/dist` made before a change), each in both modes (`decodeBatch`, `decodeBatchLeased`),
 * with the bare walk, in interleaved rounds over the same records (batches of 8,192; the first decoder
 * rotates). Prints MB/s (median round), each against the walk, and B over A per mode as the median of the
 * per-round ratios: how a change is measured on a shared, noisy machine (two identical builds read
 * 0.98–1.02). `--layout own`: every record in an ArrayBuffer of its own, exactly its size (single-record
 * requests, or records that are not back to back), instead of views of one buffer (the default).
 */
const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    reps: { type: 'string', default: '25' },
    dataset: { type: 'string', default: 'neowise' },
    layout: { type: 'string', default: 'contiguous' },
  },
});
if (!values.a || !values.b) throw new Error('--a and --b name two zeroparser builds (dist directories)');
if (values.dataset !== 'neowise' && values.dataset !== 'clickbench')
  throw new Error(`--dataset must be neowise or clickbench, got ${values.dataset}`);
if (values.layout !== 'contiguous' && values.layout !== 'own')
  throw new Error(`--layout must be contiguous or own, got ${values.layout}`);
const reps = Number(values.reps);
if (!Number.isInteger(reps) || reps <= 0)
  throw new Error(`--reps must be a positive integer, got ${values.reps}`);

type Zeroparser = typeof import('@lakestream/zeroparser');
const load = async (dir: string): Promise<Zeroparser> =>
  (await import(pathToFileURL(resolve(dir, 'index.js')).href)) as Zeroparser;
const [a, b] = await Promise.all([load(values.a), load(values.b)]);

const neowise = values.dataset === 'neowise';
const schema: LoadedSchema = neowise ? neowiseSchema() : clickbenchSchema();
const generated = neowise ? generateNeowise(200_000, 20_240_601) : generateClickbench(100_000, 20_240_601);
const records = values.layout === 'own' ? generated.map((r) => r.slice()) : generated;
const bytes = records.reduce((sum, r) => sum + r.length, 0);
const batches: Uint8Array[][] = [];
for (let i = 0; i < records.length; i += 8192) batches.push(records.slice(i, i + 8192));
const source =
  schema.syntax === 'proto2'
    ? schema.descriptorProto
    : { fileDescriptorSet: schema.fileDescriptorSet, messageName: schema.messageName };
const walk = createBareWalkDecoder(neowise ? createWalkShape({ 63: createWalkShape() }) : createWalkShape());

const runs: Record<string, () => void> = { walk: () => walk.decodeAll(records) };
for (const [name, zp] of [
  ['A', a],
  ['B', b],
] as const) {
  const parser = zp.createParser(source);
  runs[`${name} plain`] = () => {
    for (const batch of batches) parser.decodeBatch(batch);
  };
  runs[`${name} leased`] = () => {
    for (const batch of batches) parser.decodeBatchLeased(batch).release();
  };
}
fullGarbageCollection()();
const names = Object.keys(runs);
const times = timeInterleaved(runs, reps, 2);
const ratio = (of: string, over: string): number => medianRatio(times, of, over);
for (const name of names) {
  const mbs = bytes / 1e6 / median(times.get(name)!);
  console.log(
    `${name.padEnd(9)} ${mbs.toFixed(0).padStart(5)} MB/s  ${ratio(name, 'walk').toFixed(3)}× the walk`,
  );
}
for (const mode of ['plain', 'leased'])
  console.log(`B/A ${mode}: ${ratio(`B ${mode}`, `A ${mode}`).toFixed(3)}`);
