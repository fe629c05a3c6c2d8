import type * as grpc from '@grpc/grpc-js';
import {
  type BenchRows,
  batchRequest,
  type EncodedBatch,
  type IngestResponse,
  openBenchStream,
  recordRequest,
  splitBatch,
} from './request-encoding.js';

/** Wall-clock epoch ms with sub-ms precision, comparable across threads and processes. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The request message a benchmark stream sends: `ingest_record_batch` or `ingest_record` (one record). */
export type BenchRequestKind = 'batch' | 'record';

/** One request of a benchmark stream, acked. Times are epoch ms ({@link epochNow}). */
export interface AckedRequest {
  readonly offset: number;
  readonly sentAt: number;
  readonly ackedAt: number;
  /** The request message's bytes (what goes on the wire in a gRPC message body). */
  readonly wireBytes: number;
  /** The records' own bytes. */
  readonly payloadBytes: number;
  readonly records: number;
}

/** Options of {@link pushStream}. */
export interface PushStreamOptions {
  readonly port: number;
  readonly token: string;
  /** Pre-encoded batches: request `o` carries `batches[(o + first) % batches.length]`. */
  readonly batches: readonly EncodedBatch[];
  readonly first: number;
  readonly recordsPerRequest: number;
  /**
   * How the records go: `batch` (`ingest_record_batch`, the default) or `record` (`ingest_record`, one record
   * per request: the batches must hold one record each).
   */
  readonly request?: BenchRequestKind | undefined;
  /** Unacked requests at most; 0: no cap (as fast as the client takes them: HTTP/2 flow control alone). */
  readonly inflight: number;
  /** Epoch ms after which no request is sent; the stream then waits for its last acks and half-closes. */
  readonly stopAt: number;
  /** Paced load: wire bytes per ms at most (0: as fast as `inflight` allows). */
  readonly bytesPerMs: number;
  /** Requests to send at most (then the stream waits for their acks as at `stopAt`); default no limit. */
  readonly maxRequests?: number | undefined;
  /** The rows' table and record format (the batches must be encoded so); default NEOWISE-like protobuf. */
  readonly rows?: BenchRows | undefined;
  /** Called for every acked request, in offset order. */
  readonly onAck: (ack: AckedRequest) => void;
}

/** A promise-based wake-up: `wait` resolves on the next `wake` (or after `timeoutMs`). */
export class Wakeup {
  #wake: (() => void) | undefined;

  wait(timeoutMs?: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(resolve, Math.max(0, timeoutMs));
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  wake(): void {
    this.#wake?.();
  }
}

/** The client side of a benchmark stream, as {@link sendWindow} drives it. */
export interface StreamSender {
  /** Sends request `offset`; returns its wire bytes (once the client took it). */
  send(offset: number): number | Promise<number>;
  /** The highest acked offset (-1: none). */
  acked(): number;
  /** Whether the stream ended or failed (stop sending, stop waiting). */
  stopped(): boolean;
  /** Woken on every ack and at the end. */
  readonly wakeup: Wakeup;
}

/**
 * The send loop every benchmark client shares: keeps at most `inflight` requests unacked, paces to
 * `bytesPerMs` (0: unpaced), stops sending at `stopAt` or after `maxRequests`, then waits until every sent
 * request is acked or the stream stopped. Resolves with the number of requests sent.
 */
export async function sendWindow(
  o: Pick<PushStreamOptions, 'inflight' | 'stopAt' | 'bytesPerMs' | 'maxRequests'>,
  s: StreamSender,
): Promise<number> {
  const stopTimer = setTimeout(() => s.wakeup.wake(), Math.max(0, o.stopAt - epochNow()));
  const max = o.maxRequests ?? Number.POSITIVE_INFINITY;
  let next = 0;
  let nextSendAt = epochNow();
  const mayAdd = () => (o.inflight === 0 || next - s.acked() - 1 < o.inflight) && next < max;
  while (epochNow() < o.stopAt && !s.stopped() && next < max) {
    while (mayAdd() && epochNow() < o.stopAt && (o.bytesPerMs === 0 || epochNow() >= nextSendAt)) {
      const t = epochNow();
      const wire = await s.send(next);
      next++;
      if (o.bytesPerMs > 0) nextSendAt = Math.max(nextSendAt + wire / o.bytesPerMs, t);
    }
    await s.wakeup.wait(o.bytesPerMs > 0 && mayAdd() ? nextSendAt - epochNow() : undefined);
  }
  clearTimeout(stopTimer);
  while (s.acked() < next - 1 && !s.stopped()) await s.wakeup.wait();
  return next;
}

/**
 * One benchmark EphemeralStream over its own grpc-js channel (`o.rows`' table and record type): sends
 * batch (or single-record) requests through {@link sendWindow}, waiting whenever grpc-js's write buffer is full
 * (so an uncapped stream runs at what HTTP/2 flow control lets through), reports every acked request, then
 * half-closes and resolves with the call's status.
 */
export async function pushStream(o: PushStreamOptions): Promise<grpc.StatusObject> {
  const { client, call } = openBenchStream(o.port, o.token, o.rows);
  const format = o.rows?.format ?? 'proto';
  const sentAt: number[] = [];
  const wireOf: number[] = [];
  const wakeup = new Wakeup();
  let acked = -1;
  let ended = false;
  call.on('data', (r: IngestResponse) => {
    const ack = r.ingest_record_response?.durability_ack_up_to_offset;
    if (ack !== undefined) {
      const n = Number(ack);
      const t = epochNow();
      for (let offset = acked + 1; offset <= n; offset++) {
        o.onAck({
          offset,
          sentAt: sentAt[offset]!,
          ackedAt: t,
          wireBytes: wireOf[offset]!,
          payloadBytes: o.batches[(offset + o.first) % o.batches.length]!.payload,
          records: o.recordsPerRequest,
        });
      }
      if (n > acked) acked = n;
    }
    wakeup.wake();
  });
  const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
  let unblock: (() => void) | undefined;
  void status.then(() => {
    ended = true;
    unblock?.();
    wakeup.wake();
  });
  call.on('error', () => undefined);
  const single = o.request === 'record' ? o.batches.map((b) => onlyRecord(b.bytes)) : undefined;
  await sendWindow(o, {
    send: (offset) => {
      const k = (offset + o.first) % o.batches.length;
      const req =
        single === undefined
          ? batchRequest(offset, o.batches[k]!.bytes, format)
          : recordRequest(offset, single[k]!, format);
      sentAt[offset] = epochNow();
      wireOf[offset] = req.length;
      if (call.write(req) || ended) return req.length;
      // grpc-js buffers what HTTP/2 does not take yet: wait until it drained (or the call ended).
      return new Promise<number>((resolve) => {
        unblock = () => {
          unblock = undefined;
          resolve(req.length);
        };
        call.once('drain', unblock);
      });
    },
    acked: () => acked,
    stopped: () => ended,
    wakeup,
  });
  call.end();
  const s = await status;
  client.close();
  return s;
}

/** The one record of an encoded batch (a `record` stream's batches hold one each). */
function onlyRecord(encodedBatch: Uint8Array): Uint8Array {
  const records = splitBatch(encodedBatch);
  if (records.length !== 1)
    throw new Error(`a single-record request needs batches of one record, not ${records.length}`);
  return records[0]!;
}
