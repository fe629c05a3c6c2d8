import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type Azurite, startAzurite } from '@lakestream/delta/test-support';
import { createProducerToken } from '@lakestream/ingest';
import { killIngestProcesses } from '../recovery/ingest-process.js';
import {
  type ClusterConfiguration,
  type ClusterRound,
  clusterMarkdown,
  clusterRatios,
  configurationName,
  medians,
  pooledRetries,
} from './cluster-report.js';
import { runClusterConfiguration, type TableStore } from './cluster-run.js';

/** Options of {@link runClusterBench}; every one has a default sized for ≤ 15 minutes on two shared cores. */
export interface ClusterBenchOptions {
  /** Rounds; each runs every configuration once, the order alternating between rounds. Default 3. */
  rounds?: number;
  /** Seconds of load per configuration. Default 15. */
  seconds?: number;
  /** Seconds left out at the start of each. Default 4. */
  warmupSeconds?: number;
  /** Writer node counts sharing the table (paced load). Default 1, 2, 3. */
  nodeCounts?: number[];
  /** Table stores. Default local and Azurite. */
  stores?: TableStore[];
  /** Streams in total (spread over the nodes). Default 6. */
  streams?: number;
  /** Total offered wire MB/s of the paced configurations, whatever the node count. Default 8. */
  rateMBps?: number;
  /** Also run one node unpaced on each store (its throughput). Default true. */
  unpaced?: boolean;
  /** NEOWISE-like records per request. Default 1000 (~690 KB). */
  recordsPerRequest?: number;
  /** Unacked requests per stream at most. Default 4. */
  inflight?: number;
  /** Every node's `--flush-ms` (how often it commits). Default the bin's, 1000. */
  flushMs?: number | undefined;
  /** The command line, for the report. */
  command?: string;
}

/** The pid of this process's child whose command line holds `needle` (Azurite's), if any. */
function childPid(needle: string): number | undefined {
  for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
    const children = readFileSync(`/proc/${process.pid}/task/${tid}/children`, 'utf8').trim();
    for (const pid of children === '' ? [] : children.split(' ').map(Number))
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) return pid;
  }
  return undefined;
}

/** The configurations of round `round`: paced pairs (local, Azurite) by node count, then one node unpaced. */
function roundConfigurations(o: Required<Omit<ClusterBenchOptions, 'flushMs' | 'command'>>, round: number) {
  const stores = round % 2 === 0 ? o.stores : [...o.stores].reverse();
  const counts = round % 2 === 0 ? o.nodeCounts : [...o.nodeCounts].reverse();
  const list: ClusterConfiguration[] = counts.flatMap((nodes) =>
    stores.map((store) => ({ store, nodes, paced: true })),
  );
  if (o.unpaced) list.push(...stores.map((store) => ({ store, nodes: 1, paced: false })));
  return list;
}

/**
 * Several ingest nodes on one table, and the table on object storage: in each round, every configuration
 * (1, 2 and 3 writer nodes × the local directory and Azurite, the same total load; then one node unpaced on
 * each store) runs once on a fresh table (`runClusterConfiguration`). Reports the medians over rounds and the
 * ratios within rounds (the machine is shared), in `bench/results/cluster-<date>.{json,md}`.
 */
export async function runClusterBench(options: ClusterBenchOptions = {}) {
  const o = {
    rounds: options.rounds ?? 3,
    seconds: options.seconds ?? 15,
    warmupSeconds: options.warmupSeconds ?? 4,
    nodeCounts: options.nodeCounts ?? [1, 2, 3],
    stores: options.stores ?? (['local', 'azurite'] as TableStore[]),
    streams: options.streams ?? 6,
    rateMBps: options.rateMBps ?? 8,
    unpaced: options.unpaced ?? true,
    recordsPerRequest: options.recordsPerRequest ?? 1000,
    inflight: options.inflight ?? 4,
  };
  const nodeArgs = options.flushMs === undefined ? [] : ['--flush-ms', String(options.flushMs)];
  const date = new Date().toISOString();
  const root = mkdtempSync(join(tmpdir(), 'lakestream-cluster-'));
  const token = createProducerToken({ id: 'bench' });
  let azurite: Azurite | undefined;
  const onSignal = () => {
    killIngestProcesses();
    void azurite?.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  try {
    // The nodes (and their Parquet encoder threads) read the connection string from their environment.
    if (o.stores.includes('azurite')) azurite = await startAzurite({ setProcessEnv: true });
    const azuritePid = azurite === undefined ? undefined : childPid('azurite');
    const rounds: ClusterRound[] = [];
    let names: string[] = [];
    for (let round = 1; round <= o.rounds; round++) {
      const configurations = roundConfigurations(o, round - 1);
      if (round === 1) names = configurations.map(configurationName);
      const runs: ClusterRound['runs'][number][] = [];
      const load = loadavg();
      for (const c of configurations) {
        const name = configurationName(c);
        const dir = join(root, `r${round}-${name.replace(/[^a-z0-9]+/g, '-')}`);
        const location =
          c.store === 'local'
            ? join(dir, 'table')
            : `az://${await azurite!.createContainer()}/bench/neowise/sources`;
        const result = await runClusterConfiguration({
          store: c.store,
          location,
          dir,
          nodes: c.nodes,
          streams: o.streams,
          rateMBps: c.paced ? o.rateMBps : 0,
          seconds: o.seconds,
          warmupSeconds: o.warmupSeconds,
          recordsPerRequest: o.recordsPerRequest,
          inflight: o.inflight,
          nodeArgs,
          token,
          azuritePid: c.store === 'azurite' ? azuritePid : undefined,
          drainMs: 20_000,
        });
        runs.push({ ...result, name });
        rmSync(dir, { recursive: true, force: true });
        console.log(
          `round ${round} ${name}: ${result.commitsPerSecond.toFixed(2)} commits/s, ${result.retriesPerCommit.toFixed(2)} retries/commit, ` +
            `${result.wireMBps.toFixed(1)} MB/s, ${result.nodeCpuMsPerMB.toFixed(1)} node CPU ms/MB, visible p99 ${result.visibleP99.toFixed(0)} ms` +
            (result.errors.length === 0 ? '' : ` — errors: ${result.errors.join('; ')}`),
        );
      }
      rounds.push({ round, loadAverage: [load[0]!, loadavg()[0]!], runs });
    }
    const ratios = clusterRatios(rounds, o.stores, o.nodeCounts);
    const settings = { ...o, flushMs: options.flushMs ?? 'the bin default (1000)' };
    const header = [
      `# Cluster benchmark, ${date}`,
      '',
      `\`${options.command ?? 'node bench/dist/cluster/cluster-bench.js'}\` · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? '?'} · load average at each round's start–end in the runs table`,
      '',
      `Settings: ${JSON.stringify(settings)}`,
    ].join('\n');
    const md = clusterMarkdown(rounds, names, ratios, header);
    console.log(`\n${md}`);
    const dir = new URL('../../results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const stem = `cluster-${date.slice(0, 19).replace(/:/g, '-')}`;
    const json = new URL(`${stem}.json`, dir);
    const report = {
      date,
      command: options.command,
      node: process.version,
      settings,
      medians: medians(rounds, names),
      pooledRetries: pooledRetries(rounds, names),
      ratios,
      rounds,
    };
    writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(new URL(`${stem}.md`, dir), md);
    console.log(`results: ${json.pathname}`);
    return report;
  } finally {
    process.off('SIGINT', onSignal);
    await azurite?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      nodes: { type: 'string' },
      stores: { type: 'string' },
      streams: { type: 'string' },
      'rate-mbps': { type: 'string' },
      'no-unpaced': { type: 'boolean' },
      'records-per-request': { type: 'string' },
      inflight: { type: 'string' },
      'flush-ms': { type: 'string' },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const list = <T>(v: string | undefined, f: (s: string) => T) => v?.split(',').map((s) => f(s.trim()));
  const stores = list(values.stores, (s) => {
    if (s !== 'local' && s !== 'azurite') throw new Error(`--stores: '${s}' is neither local nor azurite`);
    return s as TableStore;
  });
  const defined = <T extends object>(x: T) =>
    Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as Partial<T>;
  await runClusterBench(
    defined({
      rounds: num(values.rounds),
      seconds: num(values.seconds),
      warmupSeconds: num(values.warmup),
      nodeCounts: list(values.nodes, Number),
      stores,
      streams: num(values.streams),
      rateMBps: num(values['rate-mbps']),
      unpaced: values['no-unpaced'] === true ? false : undefined,
      recordsPerRequest: num(values['records-per-request']),
      inflight: num(values.inflight),
      flushMs: num(values['flush-ms']),
      command: `node bench/dist/cluster/cluster-bench.js ${process.argv.slice(2).join(' ')}`.trim(),
    }) as ClusterBenchOptions,
  );
}
