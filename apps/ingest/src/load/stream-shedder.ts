import type { Log } from '../base/log.js';
import type { LiveStream } from '../stream/live-streams.js';
import { describe, type NodeLoad } from './node-load.js';

/** How a busy node sheds streams (see `--shed-interval-ms`, `--shed-streams`). */
export interface ShedOptions {
  /** How often the load is checked; a node over a threshold at two checks in a row sheds. 0: never shed. */
  readonly intervalMs: number;
  /** Streams shed per interval at most, the newest first. */
  readonly streamsPerInterval: number;
  /** The `close_stream_signal` duration the shed streams get to finish their acks. */
  readonly graceMs: number;
}

/** What the shedder needs of the node's live streams. */
export interface SheddableStreams {
  /** Up to `count` open streams, the newest first. */
  newestOpen(count: number): LiveStream[];
}

/** A running shedder. */
export interface StreamShedder {
  /** Streams shed since start. */
  readonly shed: number;
  stop(): void;
}

/**
 * Sheds load from a node that stays over a threshold: every `intervalMs`, if the node was over one at the
 * previous check and still is, it sends `close_stream_signal` to a few of its streams, the newest first (the
 * oldest carry the most state on the producer side and have waited longest). A signalled stream finishes the
 * acks of what it holds, the SDK reconnects and the balancer picks another node: nothing acked is lost. Over
 * `--busy-streams`, only the streams above the threshold are shed.
 */
export function startStreamShedder(
  load: NodeLoad,
  streams: SheddableStreams,
  options: ShedOptions,
  hooks: { log: Log; onShed?: ((count: number) => void) | undefined },
): StreamShedder {
  let shed = 0;
  if (options.intervalMs <= 0 || options.streamsPerInterval <= 0) {
    return { shed: 0, stop: () => {} };
  }
  let overBefore = false;
  const timer = setInterval(() => {
    const over = load.over();
    const sustained = overBefore && over.length > 0;
    overBefore = over.length > 0;
    if (!sustained) return;
    let count = options.streamsPerInterval;
    if (over.every((s) => s.reason === 'streams')) {
      count = Math.min(count, over[0]!.value - over[0]!.threshold);
    }
    const chosen = streams.newestOpen(count);
    for (const s of chosen) s.drain(options.graceMs);
    if (chosen.length === 0) return;
    shed += chosen.length;
    hooks.onShed?.(chosen.length);
    hooks.log.info(
      { shed: chosen.length, over: over.map(describe) },
      'node over its load threshold: close_stream_signal sent to its newest streams (they reconnect elsewhere)',
    );
  }, options.intervalMs);
  timer.unref();
  return {
    get shed() {
      return shed;
    },
    stop: () => clearInterval(timer),
  };
}
