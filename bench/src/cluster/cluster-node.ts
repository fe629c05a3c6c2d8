import { join } from 'node:path';
import { IngestProcess } from '../recovery/ingest-process.js';

/** The commit counters a node exports on `/metrics`, summed over its tables. */
export interface CommitCounters {
  /** `lakestream_commits_total`: Delta commits made. */
  readonly commits: number;
  /** `lakestream_commit_retries_total`: commit races lost to another writer (each retried at the next version). */
  readonly retries: number;
  /** `lakestream_commits_discarded_total`: commits given up because another writer holds this node's appId. */
  readonly discarded: number;
}

/** One writer node of a cluster run: the built bin in its own process, and what it reports. */
export interface ClusterNode {
  /** Its `--node-id` (the first part of its commits' `txn.appId`). */
  readonly id: string;
  readonly port: number;
  readonly process: IngestProcess;
  /** Scrapes `/metrics` for its commit counters. */
  counters(): Promise<CommitCounters>;
}

/** Options of {@link startClusterNode}. */
export interface ClusterNodeOptions {
  readonly id: string;
  /** Its own data directory (WAL, node id); the table is elsewhere, shared. */
  readonly dataDir: string;
  readonly provisioningFile: string;
  /** Further flags of the bin (`--flush-ms`, …). */
  readonly args: readonly string[];
}

/**
 * Starts the built `lakestream-ingest` bin as a writer of the shared table: its own data directory under
 * `dataDir`, a fixed `--node-id` (so that the log follower can tell its commits apart), free ports. Resolves
 * once it logged "ready"; the environment (e.g. Azurite's connection string) is this process's.
 */
export async function startClusterNode(o: ClusterNodeOptions): Promise<ClusterNode> {
  const process = IngestProcess.start({
    dataDir: join(o.dataDir, o.id),
    provisioningFile: o.provisioningFile,
    args: ['--node-id', o.id, ...o.args],
  });
  const { port, metricsPort } = await process.ready();
  return {
    id: o.id,
    port,
    process,
    counters: async () => parseCommitCounters(await scrape(metricsPort)),
  };
}

async function scrape(metricsPort: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics on port ${metricsPort}: HTTP ${res.status}`);
  return res.text();
}

/** Sums each commit counter's samples (one per table) in a Prometheus text exposition. */
export function parseCommitCounters(text: string): CommitCounters {
  const sum = (name: string): number => {
    let total = 0;
    for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm')))
      total += Number(m[1]);
    return total;
  };
  return {
    commits: sum('lakestream_commits_total'),
    retries: sum('lakestream_commit_retries_total'),
    discarded: sum('lakestream_commits_discarded_total'),
  };
}
