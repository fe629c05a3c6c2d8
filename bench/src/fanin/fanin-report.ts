import { mkdirSync, writeFileSync } from 'node:fs';
import type { FaninSummary, FaninTargetResult } from './fanin-types.js';
import { cdfPoints, linePlotSvg, type PlotSeries } from './svg-plots.js';

/** A whole fan-in run: its settings, the machine, and each target's result. */
export interface FaninRun {
  date: string;
  machine: { node: string; cpus: string; loadAverage: number[] };
  settings: {
    streams: number;
    threads: number;
    seconds: number;
    recordsPerRequest: number;
    inflight: number;
    rampSeconds: number;
    rateMBps: number;
  };
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
    '| target | MB/s (wire) | records/s | ack p50 (ms) | ack p99 (ms) | visible p50 (ms) | visible p99 (ms) | peak RSS (MB) | CPU (cores) | main-thread ELU | load-worker ELU | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { summary: s } of run.results) {
    lines.push(
      `| ${s.target === 'full' ? 'full service' : 'null server'} | ${f1(s.wireMBps)} | ${int(s.recordsPerSecond)} | ${f1(s.ackP50)} | ${f1(s.ackP99)} | ${f1(s.visibleP50)} | ${f1(s.visibleP99)} | ${int(s.peakRssMB)} | ${s.meanProcessCores.toFixed(2)} | ${s.meanMainElu.toFixed(2)} | ${s.meanWorkerElu.toFixed(2)} | ${s.errors} |`,
    );
  }
  if (run.fullOverNull !== undefined)
    lines.push('', `full / null (sustained wire MB/s) = **${run.fullOverNull.toFixed(2)}×**`);
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
  return [
    `# Fan-in benchmark — ${run.date}`,
    '',
    `${st.streams} streams (ramped over ${st.rampSeconds} s) on ${st.threads} load worker threads, ${st.recordsPerRequest} NEOWISE-like records per request, at most ${st.inflight} requests in flight per stream, ${st.rateMBps > 0 ? `offered load paced to ${st.rateMBps} MB/s in all` : 'unpaced'}, ${st.seconds} s per target. Node ${run.machine.node}, ${run.machine.cpus}, load average ${run.machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}.`,
    '',
    summaryTable(run),
    '',
    ...run.results.map((r) => steadyNote(r.summary)),
    ...run.results.flatMap((r) =>
      r.errorMessages.length ? [`- ${r.summary.target} errors: ${r.errorMessages.join('; ')}`] : [],
    ),
    '',
    "MB/s and records/s are over the steady seconds (after the ramp, without the last second); ack latency is send → cumulative ack of each request in those seconds. Time to visible: every 250 ms a poller thread reads the Delta table's latest snapshot; its `numRecords` (sum of the add actions' stats) is matched against the cumulative acked records, and every ack whose cumulative count is covered counts as visible at the end of that read (resolution ~250 ms; assumes publishing in ack order). CPU is the whole process (all threads) in cores; ELU is event-loop utilisation.",
    '',
    '## Throughput over time',
    '',
    linePlotSvg(throughput, { title: 'Acked wire MB/s per second', xLabel: 'second', yLabel: 'MB/s' }),
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
