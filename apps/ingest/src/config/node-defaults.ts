/**
 * The node's defaults, for an option `openIngestNode` (or `close`) is not given. `config/options.ts` declares
 * the flags with these values (`--node-inflight-bytes`, `--flush-bytes`, `--flush-ms`, `--drain-grace-ms`, the `--busy-*` and `--shed-*` options), so
 * `--help` and a node opened without them (tests, embedding) agree. The stream limits' defaults are
 * `DEFAULT_LIMITS` (`stream/stream-context.ts`), the WAL's `WAL_DEFAULTS`.
 */
export const INGEST_NODE_DEFAULTS = {
  /** Memory held by requests read and not yet published, across the node: 1 GiB. */
  nodeBufferBytes: 1024 * 1024 * 1024,
  /** Publish a table once this many decoded bytes wait: 128 MiB (a backlog goes out in commits of about this). */
  flushBytes: 128 * 1024 * 1024,
  /** …or once its oldest unpublished record is this old. */
  flushMs: 1000,
  /**
   * The wanted longest ack → visible delay under load: the unpublished backlog is bounded to this × the measured
   * publish rate (at least 2 × `flushBytes`), so unpaced producers are slowed before the node budget fills
   * (`admission/backlog-bound.ts`): 2 s. While the store fails (publish attempts error) the bound yields to
   * `nodeBufferBytes`, so the WAL absorbs an outage up to the budget. 0: off, only `nodeBufferBytes` bounds it.
   */
  maxVisibleDelayMs: 2000,
  /** How long a drain (`close()`, SIGTERM, admin `Drain` with grace 0) lets streams finish their acks. */
  drainGraceMs: 30_000,
  /**
   * Hot routing (`load/`): live streams at which new ones are refused with UNAVAILABLE. 0: off, only
   * `--max-streams` (RESOURCE_EXHAUSTED) applies; set it per node below `--max-streams` behind a balancer.
   */
  busyStreams: 0,
  /** …or once this share of `nodeBufferBytes` is held (the node is already slowing its streams down). */
  busyInflightFraction: 0.9,
  /** …or once this many durable bytes wait to be published: 4 × `flushBytes`, a table store falling behind. */
  busyWalBacklogBytes: 4 * 128 * 1024 * 1024,
  /**
   * How often a node checks its load to shed streams; over a threshold at two checks in a row it sheds.
   * 0 (the default): never — on a lone node a shed stream only reconnects to it; behind a balancer of several
   * nodes turn it on (a shed persistent stream moves once its records are published: `handoff/`).
   */
  shedIntervalMs: 0,
  /** Streams a node over a threshold sends `close_stream_signal` per interval, the newest first. */
  shedStreams: 1,
  /** How often a node with `--control-plane-url` sends its heartbeat (the console's unreachable rule counts in these). */
  heartbeatMs: 5000,
  /** The longest wait between heartbeats while the control plane fails (the wait doubles from `heartbeatMs`). */
  heartbeatMaxBackoffMs: 60_000,
} as const;
