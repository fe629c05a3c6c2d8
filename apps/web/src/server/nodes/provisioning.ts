import type { ProvisioningSnapshot } from '@lakestream/catalog';
import type { IngestNodeConfig } from '../../env';
import { describeAdminError, withTimeout } from './admin-call';
import type { AdminClient } from './admin-client';
import { createNodeRoster, type KnownNode, type NodeSource } from './known-nodes';

/** What the console knows of one ingest node, from its last GetStatus or push. */
export interface NodeState {
  readonly address: string;
  /** Learned from `discover` (registered by heartbeat), not from the static list. */
  readonly registered: boolean;
  readonly reachable: boolean;
  readonly nodeId: string | null;
  /** The catalog version the node runs, or null when never reached. */
  readonly catalogVersion: number | null;
  /** The console's current version: the node is up to date when both are equal. */
  readonly latestVersion: number;
  readonly draining: boolean;
  readonly streamCount: number;
  readonly uptimeMs: number | null;
  /** `ok`, `degraded` (serving, but something needs attention) or `failed`; null until reached. */
  readonly health: 'ok' | 'degraded' | 'failed' | null;
  /** Why it is not `ok`, in the node's words (a backlog being replayed, publishing failing, held entries). */
  readonly healthReasons: readonly string[];
  readonly lastError: string | null;
  readonly checkedAt: number | null;
}

/** Pushes the catalog to every ingest node, after each change and periodically (a node that was down). */
export interface Provisioner extends AsyncDisposable {
  /** Pushes the latest snapshot to every node now; never throws (failures land in `states()`). */
  notifyChanged(): Promise<void>;
  /** Asks every node its status and pushes to those behind; never throws. */
  reconcile(): Promise<void>;
  /** Resolves when every push or check started so far has finished (tests; graceful shutdown). */
  settled(): Promise<void>;
  /** Every node's last known state (`reconcile` refreshes it). */
  states(): NodeState[];
  /** Runs `reconcile` every `intervalMs` until closed (the timer does not keep the process alive). */
  start(intervalMs: number): void;
  close(): Promise<void>;
}

/**
 * What `createProvisioner` needs. Registered nodes (`discover`) are re-read before each reconcile and push: a
 * new one is provisioned like a static node, one no longer listed is forgotten.
 */
export interface ProvisionerOptions extends NodeSource {
  /** Builds the current snapshot (read at each push, so a push always carries the newest catalog). */
  readonly snapshot: () => Promise<ProvisioningSnapshot>;
  readonly connect: (node: IngestNodeConfig) => Promise<AdminClient>;
  readonly log?: (message: string, details: Record<string, unknown>) => void;
  /** How long one admin call may take before the node counts as unreachable (ms). Default 5000. */
  readonly callTimeoutMs?: number;
}

interface NodeEntry {
  readonly config: KnownNode;
  client: AdminClient | undefined;
  /** One operation at a time per node: pushes never overtake each other. */
  queue: Promise<void>;
  state: NodeState;
}

const FAILED_PRECONDITION = 9;

/**
 * A provisioner of `options.nodes`. Each push sends `snapshot()` as JSON through admin PushCatalog; a node
 * answering FAILED_PRECONDITION already runs a newer version, which is fine. A failed call drops the client
 * (reconnected next time, re-reading the secret file) and is remembered as `lastError`.
 */
export function createProvisioner(options: ProvisionerOptions): Provisioner {
  const log = options.log ?? (() => {});
  const timeoutMs = options.callTimeoutMs ?? 5000;
  const newEntry = (config: KnownNode): NodeEntry => ({
    config,
    client: undefined,
    queue: Promise.resolve(),
    state: {
      address: config.address,
      registered: config.registered,
      reachable: false,
      nodeId: config.nodeId ?? null,
      catalogVersion: null,
      latestVersion: 0,
      draining: false,
      streamCount: 0,
      uptimeMs: null,
      health: null,
      healthReasons: [],
      lastError: null,
      checkedAt: null,
    },
  });
  const roster = createNodeRoster({
    nodes: options.nodes,
    discover: options.discover,
    open: newEntry,
    forget: (gone) => void gone.queue.then(() => gone.client?.close()),
    log,
  });
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const client = async (entry: NodeEntry) => {
    entry.client ??= await options.connect(entry.config);
    return entry.client;
  };
  const fail = (entry: NodeEntry, error: unknown, latestVersion: number) => {
    entry.client?.close();
    entry.client = undefined;
    const problem = describeAdminError(error, entry.config.address);
    const changed = entry.state.reachable || entry.state.lastError !== problem;
    entry.state = {
      ...entry.state,
      reachable: false,
      latestVersion,
      lastError: problem,
      checkedAt: Date.now(),
    };
    // Logged when it starts failing or fails differently, not at every reconcile.
    if (changed) {
      log('ingest node unreachable or refused the catalog', {
        node: entry.config.address,
        error: problem,
      });
    }
  };
  const push = async (entry: NodeEntry, snapshot: ProvisioningSnapshot) => {
    try {
      const admin = await client(entry);
      const result = await withTimeout(
        admin.pushCatalog(JSON.stringify(snapshot)),
        timeoutMs,
        `PushCatalog to ${entry.config.address}`,
      );
      entry.state = {
        ...entry.state,
        reachable: true,
        catalogVersion: Number(result.version),
        latestVersion: snapshot.version,
        lastError: null,
        checkedAt: Date.now(),
      };
    } catch (error) {
      if ((error as { code?: unknown }).code === FAILED_PRECONDITION) {
        entry.state = { ...entry.state, reachable: true, latestVersion: snapshot.version, lastError: null };
        return;
      }
      fail(entry, error, snapshot.version);
    }
  };
  const check = async (entry: NodeEntry) => {
    const snapshot = await options.snapshot();
    try {
      const admin = await client(entry);
      const status = await withTimeout(admin.getStatus(), timeoutMs, `GetStatus of ${entry.config.address}`);
      entry.state = {
        ...entry.state,
        reachable: true,
        nodeId: status.node_id,
        catalogVersion: Number(status.catalog_version),
        latestVersion: snapshot.version,
        draining: status.draining,
        streamCount: status.stream_count,
        uptimeMs: Number(status.uptime_ms),
        // A node older than the health fields answers '' for them.
        health: status.health === 'degraded' || status.health === 'failed' ? status.health : 'ok',
        healthReasons: status.health_reasons ?? [],
        lastError: null,
        checkedAt: Date.now(),
      };
      if (Number(status.catalog_version) < snapshot.version) await push(entry, snapshot);
    } catch (error) {
      fail(entry, error, snapshot.version);
    }
  };
  const enqueue = (entry: NodeEntry, run: () => Promise<void>) => {
    entry.queue = entry.queue.then(run, run);
    return entry.queue;
  };

  const provisioner: Provisioner = {
    async notifyChanged() {
      if (closed) return;
      await roster.refresh();
      await Promise.all(
        roster.entries().map((e) => enqueue(e, async () => push(e, await options.snapshot()))),
      );
    },
    async reconcile() {
      if (closed) return;
      await roster.refresh();
      await Promise.all(roster.entries().map((e) => enqueue(e, () => check(e))));
    },
    async settled() {
      await Promise.all(roster.entries().map((e) => e.queue));
    },
    states: () => roster.entries().map((e) => e.state),
    start(intervalMs) {
      if (timer !== undefined || closed) return;
      void provisioner.reconcile();
      timer = setInterval(() => void provisioner.reconcile(), intervalMs);
      timer.unref();
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      await Promise.all(roster.entries().map((e) => e.queue));
      for (const e of roster.entries()) e.client?.close();
    },
    [Symbol.asyncDispose]: () => provisioner.close(),
  };
  return provisioner;
}
