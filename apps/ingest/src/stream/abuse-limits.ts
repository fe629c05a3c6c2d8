/*
 * Defaults of the limits that keep one client from holding a node's resources for nothing: how long a
 * connection may take to speak HTTP/2, how long a stream may take to start and may stay silent once open, and
 * how many streams one principal may hold. `config/options.ts` declares their flags with these values, and
 * `startIngestServer` applies them to a node started without them (tests, embedding): one place for both.
 */

/** Timeouts of connections and streams, in ms. */
export const ABUSE_TIMEOUTS = {
  /**
   * A TCP connection must send the HTTP/2 client preface and its SETTINGS within this long. A gRPC client
   * sends them at once (before its first call), so 10 s only ever cuts connections that say nothing.
   */
  connectionPrefaceMs: 10_000,
  /**
   * A stream must send its first message (`create_stream` / `resume_stream`, Flight's schema) within this
   * long of its headers. The SDKs send it as soon as the response headers arrive, which the node sends at once.
   */
  streamHandshakeMs: 10_000,
  /**
   * An open stream that sends no request for this long is closed (0: never). Generous: a producer with nothing
   * to send may keep its stream open, and closing it costs it one reconnect, so only forgotten streams and
   * dead peers whose TCP connection never reported the loss should reach it.
   */
  streamIdleMs: 600_000,
} as const;

/**
 * How many times `--max-request-bytes` a compressed Arrow record batch may declare uncompressed (160 MiB at the
 * default 10 MiB; see `checkBatchMessage`): a factor columnar data reaches with LZ4 or ZSTD only when it is very
 * repetitive. The SDKs send batches of at most 2 MiB before compression, far below it.
 */
export const MAX_DECOMPRESSION_FACTOR = 16;

/** The node's share one principal may hold by default: a quarter of `--max-streams`. */
const PRINCIPAL_SHARE = 4;

/**
 * The default per-principal stream limit: a quarter of the node's stream limit (256 of the default 1024), at
 * least 1. A quarter still lets one principal run hundreds of streams on a node (the SDKs open one per table
 * and producer process, and a load balancer spreads a fleet over the nodes), while it can never take more than
 * a quarter of the slots: at least three quarters stay for everyone else. It follows `--max-streams`, so a
 * node sized for more streams lets each principal have more too.
 */
export function defaultStreamsPerPrincipal(maxStreams: number): number {
  return Math.max(1, Math.floor(maxStreams / PRINCIPAL_SHARE));
}
