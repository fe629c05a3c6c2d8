import { mkdirSync, writeFileSync } from 'node:fs';
import { STAGES, type StageProfile } from './cpu-profile-stages.js';
import type { FaninSummary, FaninTargetResult } from './fanin-types.js';
import type { FaninRunOptions } from './run-target.js';
import { cdfPoints, linePlotSvg, type PlotSeries } from './svg-plots.js';

/** A whole fan-in run: its settings, the machine, and each target's result. */
export interface FaninRun {
  date: string;
  machine: { node: string; cpus: string; loadAverage: number[] };
  /** The run's options (every target ran with the same). */
  settings: Omit<FaninRunOptions, 'token' | 'profileDir'>;
  results: FaninTargetResult[];
  /** Sustained wire MB/s of the full service over the null server's (when both ran). */
  fullOverNull?: number;
}

const COLORS = { full: '#d62728', null: '#1f77b4' } as const;
const f1 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(1));
const int = (v: number) => Math.round(v).toLocaleString('en-US');

/** The summary table (Markdown) of a run. */
export function summaryTable(run: FaninRun): string {
  const lines = [
    '| target | client | records | MB/s (wire) | records/s | ack p50 (ms) | ack p99 (ms) | visible p50 (ms) | visible p99 (ms) | first records → first commit (s) | commits/s | rows published/s | node peak RSS (MB) | node budget peak (MB) | node CPU (cores) | node CPU ms per MB | node CPU µs per row | load CPU (cores) | node main-thread ELU | load-worker ELU | errors |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { summary: s } of run.results) {
    lines.push(
      `| ${s.target === 'full' ? 'full service' : 'null server'} | ${run.settings.client} | ${run.settings.rows.dataset} ${run.settings.rows.format} | ${f1(s.wireMBps)} | ${int(s.recordsPerSecond)} | ${f1(s.ackP50)} | ${f1(s.ackP99)} | ${f1(s.visibleP50)} | ${f1(s.visibleP99)} | ${s.firstCommitMs === undefined || s.firstReceivedMs === undefined ? '—' : ((s.firstCommitMs - s.firstReceivedMs) / 1000).toFixed(1)} | ${f1(s.commitsPerSecond)} | ${s.visibleRecordsPerSecond === undefined ? '—' : int(s.visibleRecordsPerSecond)} | ${int(s.peakNodeRssMB)} | ${s.peakBudgetMB === undefined ? '—' : int(s.peakBudgetMB)} | ${s.meanNodeCores.toFixed(2)} | ${f1((1000 * s.meanNodeCores) / s.wireMBps)} | ${f1((1e6 * s.meanNodeCores) / s.recordsPerSecond)} | ${s.meanLoadCores.toFixed(2)} | ${s.meanMainElu.toFixed(2)} | ${s.meanWorkerElu.toFixed(2)} | ${s.errors} |`,
    );
  }
  if (run.fullOverNull !== undefined)
    lines.push('', `full / null (sustained wire MB/s) = **${run.fullOverNull.toFixed(2)}×**`);
  lines.push('', threadTable(run));
  return lines.join('\n');
}

/**
 * The node's real CPU per wire MB by thread over the steady seconds (Markdown), from `/proc` per thread: what
 * each thread ran, where the profile's sampled busy time also counts waiting for a core.
 */
export function threadTable(run: FaninRun): string {
  const lines = [
    '| target | node CPU ms per MB (wire): main thread | Parquet encoder threads (together) | other threads (libuv, GC, compiler) | all | waiting for a core, ms per MB: main / encoders |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const { summary: s } of run.results) {
    const t = s.threadCpuMsPerMB;
    lines.push(
      `| ${s.target === 'full' ? 'full service' : 'null server'} | ${f1(t.main)} | ${t.encoderThreads === 0 ? '—' : `${f1(t.encoders)} (${t.encoderThreads} threads)`} | ${f1(t.other)} | ${f1(t.main + t.encoders + t.other)} | ${f1(t.mainWait)} / ${f1(t.encodersWait)} |`,
    );
  }
  return lines.join('\n');
}

const STAGE_NAMES: Record<(typeof STAGES)[number], string> = {
  receive: 'receive (gRPC, HTTP/2, request parsing, stream handling, acks)',
  decode: 'decode (zeroparser, conform to the table schema)',
  wal: 'WAL (entry encoding, CRC32C, group commit)',
  parquet: 'Parquet (IPC for the encoders on the main thread; the encoder threads)',
  commit: 'commit (data files, Delta log, WAL trim)',
  gc: 'GC (main thread)',
  other: 'other',
};

/**
 * The by-stage table of a profiled target (Markdown). The profiler samples wall-clock time on each thread, so a
 * thread that waits for a core (a shared machine) still counts as busy in whatever it was running: the table
 * gives each stage's share of the sampled busy time, and its CPU per MB as that share of the node's measured
 * CPU per MB (`cpuMsPerMB`, from the process's CPU time over the same seconds).
 */
export function stageTable(p: StageProfile, cpuMsPerMB: number): string {
  const total = STAGES.reduce((a, s) => a + p.stages[s], 0);
  const lines = [
    '| stage | sampled busy (s) | share | ≈ CPU ms per MB (wire) |',
    '|---|---:|---:|---:|',
    ...STAGES.map(
      (s) =>
        `| ${STAGE_NAMES[s]} | ${(p.stages[s] / 1000).toFixed(1)} | ${((100 * p.stages[s]) / total).toFixed(1)}% | ${((p.stages[s] / total) * cpuMsPerMB).toFixed(2)} |`,
    ),
    `| **all** | ${(total / 1000).toFixed(1)} | 100% | ${cpuMsPerMB.toFixed(2)} |`,
    '',
    `Over ${(p.wallMs / 1000).toFixed(1)} s profiled: the node's main thread was busy (not idle in its event loop) ${((100 * p.mainBusyMs) / p.wallMs).toFixed(0)}% of the time, its ${p.encoders} Parquet encoder threads ${((100 * p.encoderBusyMs) / p.wallMs / Math.max(1, p.encoders)).toFixed(0)}% each on average.`,
  ];
  return lines.join('\n');
}

function steadyNote(s: FaninSummary): string {
  const extra =
    s.rowsPublished === undefined
      ? ''
      : `; ${int(s.recordsAcked)} records acked, ${int(s.rowsPublished)} rows in Delta after close, ${s.neverVisible ?? 0} ack milestones never seen visible`;
  return `- ${s.target}: steady seconds ${s.steadyFrom}–${s.steadyTo}${extra}`;
}

/** The Markdown report: settings, the summary table, the two inline SVG plots and the method. */
export function faninMarkdown(run: FaninRun): string {
  const st = run.settings;
  const throughput: PlotSeries[] = run.results.map((r) => ({
    label: `${r.summary.target} MB/s`,
    color: COLORS[r.summary.target],
    points: r.samples.map((s) => [s.second + 1, s.wireMBps] as const),
  }));
  const cdf: PlotSeries[] = run.results.map((r) => ({
    label: `${r.summary.target} ack latency`,
    color: COLORS[r.summary.target],
    points: cdfPoints(r.ackLatencies),
  }));
  const memory: PlotSeries[] = run.results.flatMap((r) => [
    {
      label: `${r.summary.target} node RSS`,
      color: COLORS[r.summary.target],
      points: r.samples.map((s) => [s.second + 1, s.nodeRssMB] as const),
    },
    ...(r.summary.target === 'full'
      ? [
          {
            label: 'full node budget used',
            color: '#2ca02c',
            points: r.samples.map((s) => [s.second + 1, s.budgetMB ?? 0] as const),
          },
          {
            label: 'full node heap used',
            color: '#9467bd',
            points: r.samples.map((s) => [s.second + 1, s.nodeHeapMB ?? 0] as const),
          },
          {
            label: 'full node array buffers',
            color: '#8c564b',
            points: r.samples.map((s) => [s.second + 1, s.nodeArrayBuffersMB ?? 0] as const),
          },
        ]
      : []),
  ]);
  const profiled = run.results.filter((r) => r.summary.stages !== undefined);
  const stageSections = profiled.flatMap((r) => [
    `## Where the CPU goes: ${r.summary.target === 'full' ? 'full service' : 'null server'} (steady seconds, profiled)`,
    '',
    stageTable(r.summary.stages!, (1000 * r.summary.meanNodeCores) / r.summary.wireMBps),
    '',
  ]);
  return [
    `# Fan-in benchmark — ${run.date}`,
    '',
    `${st.streams} streams (ramped over ${st.rampSeconds} s) from ${st.client === 'sdk' ? 'the official Zerobus SDK (native binding 1.3.0)' : 'grpc-js clients'} on ${st.threads} load worker threads, ${st.recordsPerRequest} ${st.rows.dataset === 'clickbench' ? 'ClickBench-like' : 'NEOWISE-like'} records per request as ${st.rows.format === 'json' ? 'JSON (JSON streams)' : 'protobuf'} (${st.request === 'record' ? '`ingest_record`' : '`ingest_record_batch`'}), ${st.inflight === 0 ? 'no cap on the requests in flight (HTTP/2 flow control alone)' : `at most ${st.inflight} requests in flight per stream`}, ${st.rateMBps > 0 ? `offered load paced to ${st.rateMBps} MB/s in all` : 'unpaced'}, ${st.seconds} s per target${st.ingestDist === undefined ? '' : `, the full node from \`${st.ingestDist}\``}${st.maxVisibleDelayMs === undefined ? '' : `, its --max-visible-delay-ms ${st.maxVisibleDelayMs}`}. Node ${run.machine.node}, ${run.machine.cpus}, load average ${run.machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}.`,
    '',
    summaryTable(run),
    '',
    ...run.results.map((r) => steadyNote(r.summary)),
    ...run.results.flatMap((r) =>
      r.errorMessages.length ? [`- ${r.summary.target} errors: ${r.errorMessages.join('; ')}`] : [],
    ),
    '',
    "MB/s and records/s are over the steady seconds (after the warm-up — the ramp + 1 s unless `--warmup` says otherwise — and without the last second); ack latency is send → cumulative ack of each request in those seconds, time to visible that of the requests acked in them. Time to visible: every 250 ms a poller thread reads the Delta table's latest snapshot; its `numRecords` (sum of the add actions' stats) is matched against the cumulative acked records, and every acked request whose cumulative count is covered counts as visible at the end of that read (resolution ~250 ms; assumes publishing in ack order). The target runs in a process of its own: node RSS and CPU are the node alone (all its threads: gRPC/decode/WAL and the Parquet encoders); load CPU is the bench process (load workers, poller, sampling). ELU is event-loop utilisation. The node budget is `--node-inflight-bytes` (1 GiB here) in use: requests until durable, decoded batches until published. Node CPU ms per MB (node cores × 1000 / wire MB/s) is the work per byte, the figure least disturbed by other jobs on a shared machine.",
    '',
    ...stageSections,
    '## Throughput over time',
    '',
    linePlotSvg(throughput, { title: 'Acked wire MB/s per second', xLabel: 'second', yLabel: 'MB/s' }),
    '',
    '## Memory over time',
    '',
    linePlotSvg(memory, {
      title: 'Node RSS, budget in use, main-thread heap and array buffers (MB)',
      xLabel: 'second',
      yLabel: 'MB',
    }),
    '',
    '## Ack latency CDF (steady seconds)',
    '',
    linePlotSvg(cdf, {
      title: 'Send → ack latency CDF',
      xLabel: 'ms (log)',
      yLabel: 'fraction ≤ x',
      logX: true,
    }),
    '',
  ].join('\n');
}

/** Writes `bench/results/fanin-<date>.json` (every sample and the summary) and `.md`; returns their paths. */
export function writeFaninReport(run: FaninRun): { json: string; md: string } {
  const dir = new URL('../../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const stem = `fanin-${run.date.slice(0, 19).replace(/:/g, '-')}`;
  const json = new URL(`${stem}.json`, dir);
  const md = new URL(`${stem}.md`, dir);
  const { results, ...rest } = run;
  const forJson = {
    ...rest,
    results: results.map((r) => ({ summary: r.summary, samples: r.samples, errorMessages: r.errorMessages })),
  };
  writeFileSync(json, `${JSON.stringify(forJson, null, 2)}\n`);
  writeFileSync(md, faninMarkdown(run));
  return { json: json.pathname, md: md.pathname };
}
