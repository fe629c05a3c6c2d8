import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { runClusterBench } from './cluster/cluster-bench.js';
import { runDecodeBench } from './decode-bench.js';
import { runDeltaBench } from './delta/run-delta-bench.js';
import { runFaninBench } from './fanin/fanin.js';
import { runIngestBench } from './ingest/ingest-bench.js';
import { runRecoveryBench } from './recovery/recovery-bench.js';
import { runWalBench } from './wal/wal-bench.js';

/**
 * `npm run bench` (from the repo root, after a build): every benchmark in one run, each with its baseline
 * side by side. Prints the Markdown tables as it goes and writes `bench/results/<date>.json` with every
 * figure and the machine it ran on. `--only decode,delta,wal,ingest,fanin,recovery,cluster` picks suites
 * (fanin: 64 streams, 60 s per target; its own report goes to `bench/results/fanin-<date>.{json,md}`;
 * recovery: a 1 GiB WAL backlog replayed 3 times beside a 30 s fan-in run each, ~10 min, its own report in
 * `bench/results/recovery-<date>.{json,md}`; cluster: 1, 2 and 3 nodes on one table, local and Azurite, 3 rounds of
 * 15 s per configuration, 12–16 min, its own report in `bench/results/cluster-<date>.{json,md}`).
 */
const SUITES = ['decode', 'delta', 'wal', 'ingest', 'fanin', 'recovery', 'cluster'] as const;
const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = new Set(values.only?.split(',').map((s) => s.trim()) ?? SUITES);
for (const name of only) {
  if (!(SUITES as readonly string[]).includes(name))
    throw new Error(`unknown suite '${name}'; known: ${SUITES.join(', ')}`);
}

const machine = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  loadAverage: os.loadavg(),
};
console.log(
  `# Lakestream benchmarks\n\n${machine.date} · Node ${machine.node} · ${machine.cpus} · ${machine.memoryGiB} GiB\n`,
);
const results: Record<string, unknown> = { machine };
if (only.has('decode')) results.decode = await runDecodeBench();
if (only.has('delta')) results.delta = await runDeltaBench();
if (only.has('wal')) results.wal = await runWalBench();
if (only.has('ingest')) {
  results.ingest = [
    ...(await runIngestBench({ streams: 1, seconds: 10 })),
    ...(await runIngestBench({ streams: 64, seconds: 10 })),
  ];
}
if (only.has('fanin')) {
  const run = await runFaninBench({ streams: 64, seconds: 60 });
  results.fanin = {
    settings: run.settings,
    summaries: run.results.map((r) => r.summary),
    fullOverNull: run.fullOverNull,
  };
}
if (only.has('recovery')) {
  const run = await runRecoveryBench({ command: 'node bench/dist/run.js --only recovery' });
  results.recovery = { settings: run.settings, reps: run.reps };
}
if (only.has('cluster')) {
  const run = await runClusterBench({ command: 'node bench/dist/run.js --only cluster' });
  results.cluster = { settings: run.settings, medians: run.medians, ratios: run.ratios };
}

const dir = new URL('../results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`${machine.date.slice(0, 19).replace(/:/g, '-')}.json`, dir);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nresults: ${file.pathname}`);
