import { type ServingState, servingState } from '../admin/serving-state.js';
import type { StreamInfo } from '../admin/stream-registry.js';
import type { PublishStats } from '../publish/table-publisher.js';

/** What a heartbeat says of the node's load (the console charts it over time). */
export interface ReportedLoad {
  readonly streams: number;
  /** Bytes received from producers per second since the previous reading. */
  readonly bytesPerSecond: number;
  /** Bytes held in the node's in-flight budget (read and not yet published) and the budget's size. */
  readonly memoryUsedBytes: number;
  readonly memoryBudgetBytes: number;
  /** Acked bytes not yet published to Delta (the publishers' buffers: what a kill would leave to replay). */
  readonly walBacklogBytes: number;
  readonly state: ServingState;
}

/** The parts of a node the load is read from (an `IngestNode` has them all). */
export interface ReportedLoadSource {
  readonly live: { list(): readonly Pick<StreamInfo, 'streamId' | 'bytes'>[]; readonly isDraining?: boolean };
  readonly publishers: {
    publishInfo(): readonly Pick<PublishStats, 'unpublishedRecords' | 'unpublishedBytes'>[];
    /** Acked bytes waiting in every publisher: the same figure `--busy-wal-backlog-bytes` is judged on. */
    readonly pendingBytes: number;
  };
  readonly budget: { readonly used: number; readonly capacity: number };
  /** Entries of the start-up backlog still to replay. */
  recoveryRemaining(): number;
}

/**
 * A reader of the node's load. Bytes per second come from the live streams' byte counters between two
 * readings (a stream that ended in between loses its last interval: the rate is a gauge, not an account).
 */
export function createReportedLoadMeter(source: ReportedLoadSource, now: () => number = Date.now) {
  let last = { at: now(), bytes: new Map<string, number>() };
  return {
    /** The load now; each call starts the next rate interval. */
    read(): ReportedLoad {
      const at = now();
      const streams = source.live.list();
      const bytes = new Map<string, number>();
      let received = 0;
      for (const s of streams) {
        bytes.set(s.streamId, s.bytes);
        received += s.bytes - (last.bytes.get(s.streamId) ?? 0);
      }
      const seconds = Math.max(at - last.at, 1) / 1000;
      last = { at, bytes };
      const publishing = source.publishers.publishInfo();
      return {
        streams: streams.length,
        bytesPerSecond: Math.max(0, Math.round(received / seconds)),
        memoryUsedBytes: source.budget.used,
        memoryBudgetBytes: source.budget.capacity,
        walBacklogBytes: source.publishers.pendingBytes,
        state: servingState({
          draining: source.live.isDraining ?? false,
          liveStreams: streams.length,
          publishing,
          recoveryRemaining: source.recoveryRemaining(),
        }),
      };
    },
  };
}
