import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quantile, sortedCopy } from '../fanin/quantile.js';
import { VisibilityTracker } from '../fanin/visibility-tracker.js';
import { benchSnapshot, benchTableSchema } from '../ingest/bench-targets.js';
import { epochNow, pushStream } from '../ingest/push-stream.js';
import { encodeBatches } from '../ingest/request-encoding.js';
import { readProcStats } from '../recovery/proc-stats.js';
import { type ClusterNode, type CommitCounters, startClusterNode } from './cluster-node.js';
import { LogFollower } from './log-follower.js';

/** Where the shared table lives in a run. */
export type TableStore = 'local' | 'azurite';

/** One configuration of the cluster benchmark: N writer nodes on one fresh table, a given load. */
export interface ClusterRunOptions {
  readonly store: TableStore;
  /** The table's location: an absolute directory or an `az://` URI (fresh for every run). */
  readonly location: string;
  /** A fresh directory for the run's provisioning file and the nodes' data directories. */
  readonly dir: string;
  readonly nodes: number;
  /** Streams in total, stream k on node k mod `nodes` (each its own grpc-js channel). */
  readonly streams: number;
  /** Total offered wire MB/s, spread evenly over the streams; 0: unpaced (as fast as `inflight` allows). */
  readonly rateMBps: number;
  readonly seconds: number;
  /** Seconds left out of the window at the start (start-up, JIT, the first flush). */
  readonly warmupSeconds: number;
  readonly recordsPerRequest: number;
  /** Unacked requests per stream at most. */
  readonly inflight: number;
  /** Flags of every node (`--flush-ms`, …). */
  readonly nodeArgs: readonly string[];
  readonly token: { readonly token: string; readonly id: string; readonly hash: string };
  /** Azurite's process, to count its CPU beside the nodes' (an Azurite run). */
  readonly azuritePid?: number | undefined;
  /** How long to wait after the load for every acked record to become visible (ms). */
  readonly drainMs: number;
}

/** What one configuration measured over its window (the steady seconds). */
export interface ClusterRunResult {
  readonly store: TableStore;
  readonly nodes: number;
  readonly offeredMBps: number;
  readonly windowSeconds: number;
  /** Table versions that appeared in the Delta log during the window, per second. */
  readonly commitsPerSecond: number;
  /** The nodes' `lakestream_commits_total`, `…_commit_retries_total`, `…_commits_discarded_total` over the window. */
  readonly commits: number;
  readonly retries: number;
  readonly discarded: number;
  /** Lost races per commit made (retries / commits). */
  readonly retriesPerCommit: number;
  readonly recordsPerSecond: number;
  /** Acked request bytes as sent, MB/s. */
  readonly wireMBps: number;
  /** All nodes' CPU (every thread) over the window, in cores, and per acked wire MB (ms). */
  readonly nodeCores: number;
  readonly nodeCpuMsPerMB: number;
  /** Azurite's CPU per acked wire MB (ms), an Azurite run only. */
  readonly azuriteCpuMsPerMB?: number;
  readonly ackP50: number;
  readonly ackP99: number;
  /** Ack → visible in the Delta log, per node (its own records), over the requests acked in the window (ms). */
  readonly visibleP50: number;
  readonly visibleP99: number;
  /** Ack instants never seen visible within the drain. */
  readonly neverVisible: number;
  /** Records acked in the whole run and visible in the log at the end. */
  readonly recordsAcked: number;
  readonly recordsVisible: number;
  readonly errors: readonly string[];
}

/** Process CPU seconds and commit counters of the nodes at one instant. */
interface Mark {
  readonly at: number;
  readonly nodeCpuS: number;
  readonly azuriteCpuS: number;
  readonly counters: CommitCounters;
}

const sumCounters = (all: CommitCounters[]): CommitCounters => ({
  commits: all.reduce((a, c) => a + c.commits, 0),
  retries: all.reduce((a, c) => a + c.retries, 0),
  discarded: all.reduce((a, c) => a + c.discarded, 0),
});

async function mark(nodes: readonly ClusterNode[], azuritePid: number | undefined): Promise<Mark> {
  const at = epochNow();
  const nodeCpuS = nodes.reduce((a, n) => a + (readProcStats(n.process.pid)?.cpuSeconds ?? 0), 0);
  const azuriteCpuS = azuritePid === undefined ? 0 : (readProcStats(azuritePid)?.cpuSeconds ?? 0);
  return {
    at,
    nodeCpuS,
    azuriteCpuS,
    counters: sumCounters(await Promise.all(nodes.map((n) => n.counters()))),
  };
}

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - epochNow())));

/**
 * Runs one configuration: `nodes` built ingest nodes (each its own process and data directory, distinct node
 * ids) writing one fresh table at `location`; `streams` paced grpc-js streams spread over them offer the same
 * total load whatever the node count; a {@link LogFollower} reads the table's log every 250 ms. Over the
 * window (after the warm-up, without the last second) it counts the versions that appeared, the nodes' commit
 * counters (/metrics), the acked records and bytes, the nodes' CPU (`/proc`), and each node's ack → visible
 * times (its records, by the `txn` of its commits). Then it waits (at most `drainMs`) for every acked record
 * to be visible and stops the nodes.
 */
export async function runClusterConfiguration(o: ClusterRunOptions): Promise<ClusterRunResult> {
  mkdirSync(o.dir, { recursive: true });
  const provisioningFile = join(o.dir, 'provisioning.json');
  const snapshot = benchSnapshot(o.token.id, o.token.hash, benchTableSchema());
  snapshot.tables = snapshot.tables.map((t) => ({ ...t, location: o.location }));
  writeFileSync(provisioningFile, JSON.stringify(snapshot));

  const nodes: ClusterNode[] = [];
  const errors: string[] = [];
  let follower: LogFollower | undefined;
  try {
    const started = await Promise.allSettled(
      Array.from({ length: o.nodes }, (_, i) =>
        startClusterNode({ id: `node-${i + 1}`, dataDir: o.dir, provisioningFile, args: o.nodeArgs }),
      ),
    );
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed !== undefined) throw failed.reason;

    const trackers = new Map(nodes.map((n) => [n.id, new VisibilityTracker(o.location)]));
    follower = new LogFollower({
      location: o.location,
      writerOf: (appId) => appId.slice(0, appId.indexOf(':')),
      onRead: (visible, t) => {
        for (const [id, tracker] of trackers) tracker.observe({ t, numRecords: visible.get(id) ?? 0 });
      },
    });
    follower.start(250);

    const batches = encodeBatches(o.recordsPerRequest);
    const startAt = epochNow() + 500;
    const stopAt = startAt + o.seconds * 1000;
    const from = startAt + o.warmupSeconds * 1000;
    const to = stopAt - 1000;
    let wire = 0;
    let records = 0;
    let recordsAcked = 0;
    const latencies: number[] = [];
    const marks = Promise.all([
      sleepUntil(from).then(() => mark(nodes, o.azuritePid)),
      sleepUntil(to).then(() => mark(nodes, o.azuritePid)),
    ]);
    await sleepUntil(startAt);
    const statuses = await Promise.all(
      Array.from({ length: o.streams }, (_, k) => {
        const node = nodes[k % nodes.length]!;
        const tracker = trackers.get(node.id)!;
        return pushStream({
          port: node.port,
          token: o.token.token,
          batches,
          first: k,
          recordsPerRequest: o.recordsPerRequest,
          inflight: o.inflight,
          stopAt,
          bytesPerMs: (o.rateMBps * 1e6) / 1000 / o.streams,
          onAck: (a) => {
            tracker.acked(a.records, a.ackedAt);
            recordsAcked += a.records;
            if (a.ackedAt < from || a.ackedAt >= to) return;
            wire += a.wireBytes;
            records += a.records;
            latencies.push(a.ackedAt - a.sentAt);
          },
        });
      }),
    );
    for (const [k, s] of statuses.entries())
      if (s.code !== 0) errors.push(`stream ${k}: ${s.code} ${s.details}`);
    const [begin, end] = await marks;

    const drainUntil = Date.now() + o.drainMs;
    const pending = () => [...trackers.values()].reduce((a, t) => a + t.pending, 0);
    while (pending() > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 250));
    await follower.stop();
    if (follower.errors > 0)
      errors.push(`log follower: ${follower.errors} failed reads, last: ${follower.lastError}`);

    const seconds = (end.at - begin.at) / 1000;
    const mb = wire / 1e6;
    const counters = {
      commits: end.counters.commits - begin.counters.commits,
      retries: end.counters.retries - begin.counters.retries,
      discarded: end.counters.discarded - begin.counters.discarded,
    };
    const visible = sortedCopy(
      [...trackers.values()].flatMap((t) =>
        t.visibilities
          .filter((v) => v.visibleAt - v.ms >= from && v.visibleAt - v.ms < to)
          .flatMap((v) => Array.from({ length: v.requests }, () => v.ms)),
      ),
    );
    const lat = sortedCopy(latencies);
    return {
      store: o.store,
      nodes: o.nodes,
      offeredMBps: o.rateMBps,
      windowSeconds: seconds,
      commitsPerSecond:
        follower.commits.filter((c) => c.seenAt >= begin.at && c.seenAt < end.at).length / seconds,
      ...counters,
      retriesPerCommit: counters.commits === 0 ? 0 : counters.retries / counters.commits,
      recordsPerSecond: records / seconds,
      wireMBps: mb / seconds,
      nodeCores: (end.nodeCpuS - begin.nodeCpuS) / seconds,
      nodeCpuMsPerMB: ((end.nodeCpuS - begin.nodeCpuS) * 1000) / mb,
      ...(o.azuritePid === undefined
        ? {}
        : { azuriteCpuMsPerMB: ((end.azuriteCpuS - begin.azuriteCpuS) * 1000) / mb }),
      ackP50: quantile(lat, 0.5),
      ackP99: quantile(lat, 0.99),
      visibleP50: quantile(visible, 0.5),
      visibleP99: quantile(visible, 0.99),
      neverVisible: pending(),
      recordsAcked,
      recordsVisible: [...follower.visible.values()].reduce((a, n) => a + n, 0),
      errors,
    };
  } finally {
    await follower?.stop();
    await Promise.all(nodes.map((n) => stopNode(n)));
  }
}

/** SIGTERM (the node drains and closes), SIGKILL after 10 s. */
async function stopNode(node: ClusterNode): Promise<void> {
  const killer = setTimeout(() => void node.process.stop('SIGKILL'), 10_000);
  await node.process.stop('SIGTERM');
  clearTimeout(killer);
}
