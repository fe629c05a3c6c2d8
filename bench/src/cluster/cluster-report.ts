import { median } from '../fanin/quantile.js';
import type { ClusterRunResult, TableStore } from './cluster-run.js';

/** One configuration of a round: the store, the writer nodes, paced (the shared load) or unpaced (one node's most). */
export interface ClusterConfiguration {
  readonly store: TableStore;
  readonly nodes: number;
  readonly paced: boolean;
}

/** A configuration's name in reports: `local ×2`, `azurite ×1 unpaced`. */
export function configurationName(c: ClusterConfiguration): string {
  return `${c.store} ×${c.nodes}${c.paced ? '' : ' unpaced'}`;
}

/** Every run of a benchmark, by round, in the order they ran. */
export interface ClusterRound {
  readonly round: number;
  readonly loadAverage: readonly number[];
  readonly runs: readonly (ClusterRunResult & { readonly name: string })[];
}

/** A figure of a run, by name, for the tables. */
type Figure = (r: ClusterRunResult) => number | undefined;

/** The columns of the figures table: heading, figure, decimals. */
const COLUMNS: readonly (readonly [string, Figure, number])[] = [
  ['commits/s', (r) => r.commitsPerSecond, 2],
  ['retries per commit', (r) => r.retriesPerCommit, 2],
  ['discarded', (r) => r.discarded, 0],
  ['records/s', (r) => r.recordsPerSecond, 0],
  ['wire MB/s', (r) => r.wireMBps, 1],
  ['node CPU ms/MB', (r) => r.nodeCpuMsPerMB, 1],
  ['Azurite CPU ms/MB', (r) => r.azuriteCpuMsPerMB, 1],
  ['ack p99 (ms)', (r) => r.ackP99, 0],
  ['visible p50 (ms)', (r) => r.visibleP50, 0],
  ['visible p99 (ms)', (r) => r.visibleP99, 0],
];

const fmt = (v: number | undefined, decimals: number): string =>
  v === undefined || !Number.isFinite(v)
    ? '—'
    : v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/** The runs of one configuration, one per round. */
function runsOf(rounds: readonly ClusterRound[], name: string): ClusterRunResult[] {
  return rounds.flatMap((r) => r.runs.filter((x) => x.name === name));
}

function medianOf(runs: readonly ClusterRunResult[], f: Figure): number | undefined {
  const values = runs.flatMap((r) => {
    const v = f(r);
    return v === undefined || !Number.isFinite(v) ? [] : [v];
  });
  return values.length === 0 ? undefined : median(values);
}

/** The median over rounds of each configuration's figures. */
export function medians(rounds: readonly ClusterRound[], names: readonly string[]) {
  return names.map((name) => {
    const runs = runsOf(rounds, name);
    return {
      name,
      ...Object.fromEntries(COLUMNS.map(([heading, f]) => [heading, medianOf(runs, f)])),
    } as { name: string } & Record<string, number | undefined>;
  });
}

/**
 * Each configuration's commits and lost races summed over every round (the nodes' counters over the windows):
 * a window holds a few commits only, so the pooled ratio is the steadier figure.
 */
export function pooledRetries(rounds: readonly ClusterRound[], names: readonly string[]) {
  return names.map((name) => {
    const runs = runsOf(rounds, name);
    return {
      name,
      commits: runs.reduce((a, r) => a + r.commits, 0),
      retries: runs.reduce((a, r) => a + r.retries, 0),
    };
  });
}

/** A ratio of two configurations' figure: the median over rounds of the ratio within each round. */
export interface Ratio {
  readonly what: string;
  readonly median: number | undefined;
  readonly perRound: readonly number[];
}

/** `of / over` for `figure`, round by round (both configurations ran in each round, minutes apart at most). */
export function ratio(
  rounds: readonly ClusterRound[],
  what: string,
  of: string,
  over: string,
  figure: Figure,
): Ratio {
  const perRound = rounds.flatMap((r) => {
    const a = r.runs.find((x) => x.name === of);
    const b = r.runs.find((x) => x.name === over);
    const va = a === undefined ? undefined : figure(a);
    const vb = b === undefined ? undefined : figure(b);
    return va === undefined || vb === undefined || vb === 0 || !Number.isFinite(va / vb) ? [] : [va / vb];
  });
  return { what, median: perRound.length === 0 ? undefined : median(perRound), perRound };
}

/** The ratios the benchmark is for: node count against one node, Azurite against local, for each store. */
export function clusterRatios(
  rounds: readonly ClusterRound[],
  stores: readonly TableStore[],
  nodeCounts: readonly number[],
): Ratio[] {
  const out: Ratio[] = [];
  const name = (store: TableStore, nodes: number, paced = true) => configurationName({ store, nodes, paced });
  for (const store of stores)
    for (const n of nodeCounts.filter((k) => k > 1)) {
      out.push(
        ratio(
          rounds,
          `${store}: commits/s, ${n} nodes / 1`,
          name(store, n),
          name(store, 1),
          (r) => r.commitsPerSecond,
        ),
      );
      out.push(
        ratio(
          rounds,
          `${store}: node CPU per MB, ${n} nodes / 1`,
          name(store, n),
          name(store, 1),
          (r) => r.nodeCpuMsPerMB,
        ),
      );
    }
  if (stores.includes('local') && stores.includes('azurite')) {
    for (const n of nodeCounts) {
      const [a, l] = [name('azurite', n), name('local', n)];
      out.push(ratio(rounds, `×${n}: visible p99, Azurite / local`, a, l, (r) => r.visibleP99));
      out.push(ratio(rounds, `×${n}: commits/s, Azurite / local`, a, l, (r) => r.commitsPerSecond));
      out.push(ratio(rounds, `×${n}: node CPU per MB, Azurite / local`, a, l, (r) => r.nodeCpuMsPerMB));
    }
    const [a, l] = [name('azurite', 1, false), name('local', 1, false)];
    out.push(ratio(rounds, 'one node unpaced: wire MB/s, Azurite / local', a, l, (r) => r.wireMBps));
    out.push(
      ratio(rounds, 'one node unpaced: node CPU per MB, Azurite / local', a, l, (r) => r.nodeCpuMsPerMB),
    );
    out.push(ratio(rounds, 'one node unpaced: visible p99, Azurite / local', a, l, (r) => r.visibleP99));
  }
  return out;
}

/** The Markdown report: the medians table, the ratios with their per-round values, every run. */
export function clusterMarkdown(
  rounds: readonly ClusterRound[],
  names: readonly string[],
  ratios: readonly Ratio[],
  header: string,
): string {
  const lines = [header, '', `Medians over ${rounds.length} round(s):`, ''];
  lines.push(`| configuration | ${COLUMNS.map(([h]) => h).join(' | ')} |`);
  lines.push(`|---|${COLUMNS.map(() => '---:').join('|')}|`);
  for (const m of medians(rounds, names))
    lines.push(`| ${m.name} | ${COLUMNS.map(([h, , d]) => fmt(m[h], d)).join(' | ')} |`);
  lines.push(
    '',
    '| configuration | commits made (all rounds) | lost races | retries per commit, pooled |',
    '|---|---:|---:|---:|',
  );
  for (const p of pooledRetries(rounds, names))
    lines.push(`| ${p.name} | ${p.commits} | ${p.retries} | ${fmt(p.retries / p.commits, 2)} |`);
  lines.push('', '| ratio (median of the per-round ratios) | median | per round |', '|---|---:|---|');
  for (const r of ratios)
    lines.push(`| ${r.what} | ${fmt(r.median, 2)} | ${r.perRound.map((v) => fmt(v, 2)).join(', ')} |`);
  lines.push(
    '',
    'Every run:',
    '',
    `| round | load avg | configuration | ${COLUMNS.map(([h]) => h).join(' | ')} | errors |`,
  );
  lines.push(`|---:|---:|---|${COLUMNS.map(() => '---:').join('|')}|---|`);
  for (const round of rounds)
    for (const run of round.runs)
      lines.push(
        `| ${round.round} | ${fmt(round.loadAverage[0], 1)}–${fmt(round.loadAverage[1], 1)} | ${run.name} | ${COLUMNS.map(([, f, d]) => fmt(f(run), d)).join(' | ')} | ${run.errors.length === 0 ? '' : run.errors.join('; ').slice(0, 200)} |`,
      );
  return `${lines.join('\n')}\n`;
}
