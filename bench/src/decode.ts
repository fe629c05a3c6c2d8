import { parseArgs } from 'node:util';
import { DECODER_NAMES, runDecodeBench } from './decode-bench.js';

/**
 * CLI: `node bench/dist/decode.js [--records N] [--batch N] [--reps N] [--only name,name] [--json]`.
 * Prints the decode benchmark's Markdown table (and the JSON result with --json).
 */
const { values } = parseArgs({
  options: {
    records: { type: 'string' },
    batch: { type: 'string' },
    reps: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const int = (s: string | undefined, name: string): number | undefined => {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${s}`);
  return n;
};

const only = values.only?.split(',').map((s) => s.trim());
for (const name of only ?? []) {
  if (!(DECODER_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown decoder ${name}; known: ${DECODER_NAMES.join(', ')}`);
  }
}
const records = int(values.records, 'records');
const batchSize = int(values.batch, 'batch');
const reps = int(values.reps, 'reps');
const results = await runDecodeBench({
  ...(records !== undefined && { records }),
  ...(batchSize !== undefined && { batchSize }),
  ...(reps !== undefined && { reps }),
  ...(only !== undefined && { only }),
});
if (values.json) console.log(JSON.stringify(results, null, 2));
