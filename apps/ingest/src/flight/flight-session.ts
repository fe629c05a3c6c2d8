import { randomUUID } from 'node:crypto';
import { Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import type { RecordBatch } from 'apache-arrow';
import type { Principal } from '../auth/authenticator.js';
import type { CatalogView, ProvisionedTable } from '../catalog/catalog-view.js';
import { IngestError } from '../errors.js';
import { endCallWithError, readHeader } from '../grpc/end-call.js';
import { ByteBudget } from '../stream/byte-budget.js';
import { NO_DESCRIPTOR } from '../stream/descriptor-store.js';
import {
  describeStream,
  type LiveStream,
  type LiveStreamInfo,
  StreamCounters,
} from '../stream/live-streams.js';
import { MessageReader } from '../stream/message-reader.js';
import { RequestHolds } from '../stream/request-hold.js';
import type { StreamContext } from '../stream/stream-session.js';
import { assertStillWritable, resolveWritableTable, TABLE_HEADER } from '../stream/table-access.js';
import { checkBatchMessage, checkSchemaMessage, decodeArrowRequest, ipcStream } from './arrow-ipc.js';
import { type FlightData, type MalformedFlightData, putResult } from './flight-proto.js';
import { parseOffsetId } from './offset-metadata.js';

/** A DoPut call as grpc-js hands it to the handler (`FlightData` decoded by `flight-proto.ts`). */
export type FlightCall = ServerDuplexStream<FlightData | MalformedFlightData, object>;

interface InFlight {
  readonly offset: bigint;
  readonly readAt: number;
  readonly bytes: number;
  readonly records: number;
  done: boolean;
  ok: boolean;
}

/**
 * Serves one Arrow Flight `DoPut` (the Zerobus SDKs' Arrow stream), start to end: headers at once,
 * authentication, the table from the `x-databricks-zerobus-table-name` header and the grant on it, the
 * schema message checked against the table, the ready `PutResult {"ack_up_to_offset": -1, …}`, then one
 * record batch at a time: `{"offset_id": n}` check (from 0, +1 each), size, budgets, decode + conform, WAL
 * append of the IPC bytes, cumulative ack `{"ack_up_to_offset": n, "ack_up_to_records": total}` once
 * durable. Ends with OK after the client half-closes and every ack is out, or with the first error's status.
 */
export async function serveDoPut(call: FlightCall, ctx: StreamContext): Promise<void> {
  call.sendMetadata(new Metadata());
  await new FlightSession(call, ctx).run();
}

class FlightSession implements LiveStream {
  private readonly controller = new AbortController();
  private readonly counters = new StreamCounters();
  private readonly inFlight: InFlight[] = [];
  private readonly streamBudget: ByteBudget;
  private readonly holds: RequestHolds;
  private readonly reader: MessageReader<FlightData | MalformedFlightData>;
  private readonly startedAt = Date.now();
  private readonly streamId = `flight-${randomUUID()}`;
  private endedResolve!: () => void;
  readonly ended = new Promise<void>((resolve) => {
    this.endedResolve = resolve;
  });
  private state: LiveStreamInfo['state'] = 'opening';
  private table: ProvisionedTable | undefined;
  private principal: Principal | undefined;
  private schemaFrame: Uint8Array | undefined;
  private expected = 0n;
  private acked = -1n;
  private ackedRecords = 0;
  private sentAck = -1n;
  private ackScheduled = false;
  private failure: unknown;
  private settledWaiter: (() => void) | undefined;
  private drainTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly call: FlightCall,
    private readonly ctx: StreamContext,
  ) {
    this.streamBudget = new ByteBudget(ctx.limits.streamInFlightBytes);
    this.holds = new RequestHolds(ctx.pipeline.nodeBudget);
    this.reader = new MessageReader(call);
    call.on('cancelled', () =>
      this.controller.abort(new IngestError('UNAVAILABLE', 'the client cancelled the call')),
    );
  }

  async run(): Promise<void> {
    const signal = this.controller.signal;
    try {
      if (this.ctx.live.isDraining) {
        throw new IngestError('UNAVAILABLE', 'this ingest node is draining; reconnect to another node');
      }
      if (this.ctx.live.size >= this.ctx.limits.maxStreams) {
        throw new IngestError(
          'RESOURCE_EXHAUSTED',
          `this ingest node already serves its limit of ${this.ctx.limits.maxStreams} streams; retry later or on another node`,
        );
      }
      this.ctx.live.add(this);
      this.principal = await this.ctx.authenticator.authenticate(this.header('authorization'));
      this.table = resolveWritableTable(
        this.ctx.catalog.current(),
        this.principal,
        this.header(TABLE_HEADER),
        `set the ${TABLE_HEADER} header to catalog.schema.table`,
      );
      const first = await this.reader.next(signal);
      if (first === null) {
        this.finishOk();
        return;
      }
      this.open(first);
      for (;;) {
        const msg = await this.reader.next(signal);
        if (msg === null) break;
        await this.accept(msg, signal);
      }
      await this.settled();
      this.throwIfFailed();
      this.finishOk();
    } catch (err) {
      this.fail(err);
      await this.settled();
      this.finishError(this.failure);
    }
  }

  private open(msg: FlightData | MalformedFlightData): void {
    if (msg.kind === 'malformed') throw msg.error;
    const table = this.table!;
    this.schemaFrame = checkSchemaMessage(table, msg.dataHeader);
    // A drain that came before the schema already wrote its signal; the ready message still goes out.
    this.write(putResult({ ack_up_to_offset: -1, ack_up_to_records: 0 }));
    if (this.state === 'opening') this.state = 'open';
    this.ctx.log.info(
      {
        streamId: this.streamId,
        table: table.name,
        principal: this.principal?.id,
        peer: this.call.getPeer(),
      },
      'flight DoPut opened',
    );
  }

  private async accept(msg: FlightData | MalformedFlightData, signal: AbortSignal): Promise<void> {
    if (msg.kind === 'malformed') throw msg.error;
    this.throwIfFailed();
    const table = this.table!;
    const offset = parseOffsetId(msg.appMetadata, `table ${table.name}`, this.expected);
    if (offset !== this.expected) {
      throw new IngestError(
        'INVALID_ARGUMENT',
        `table ${table.name}: expected offset ${this.expected}, got ${offset}`,
      );
    }
    if (msg.size > this.ctx.limits.maxRequestBytes) {
      throw new IngestError(
        'INVALID_ARGUMENT',
        `table ${table.name}, offset ${offset}: the FlightData message is ${msg.size} bytes, over the limit of ${this.ctx.limits.maxRequestBytes} bytes; send smaller batches`,
      );
    }
    this.expected = offset + 1n;
    checkBatchMessage(table, offset, msg.dataHeader, msg.dataBody);
    const readAt = performance.now();
    this.counters.requests++;
    const bytes = msg.size;
    await this.streamBudget.acquire(bytes, signal);
    let reserved: number;
    try {
      reserved = await this.holds.reserve(bytes, signal);
    } catch (err) {
      this.streamBudget.release(bytes);
      throw err;
    }
    let ipc: Uint8Array;
    let batch: RecordBatch;
    try {
      ipc = ipcStream(this.schemaFrame!, msg.dataHeader, msg.dataBody);
      batch = decodeArrowRequest(table, ipc, offset);
    } catch (err) {
      this.streamBudget.release(bytes);
      this.holds.cancel(reserved);
      throw err;
    }
    const records = batch.numRows;
    if (records === 0) {
      this.streamBudget.release(bytes);
      this.holds.cancel(reserved);
      this.track({ offset, readAt, bytes: 0, records: 0, done: true, ok: true });
      return;
    }
    const hold = this.holds.settle(reserved, bytes, batch);
    this.counters.records += records;
    this.counters.bytes += msg.dataBody.length;
    const m = this.ctx.metrics;
    m?.recordsReceived.inc({ table: table.name }, records);
    m?.bytesReceived.inc({ table: table.name }, msg.dataBody.length);
    this.counters.inFlightBytes += bytes;
    const item: InFlight = { offset, readAt, bytes, records, done: false, ok: false };
    this.track(item);
    this.ctx.pipeline
      .appendRecords({
        table,
        batch,
        hold,
        entry: {
          kind: 'records',
          streamId: this.streamId,
          persistent: false,
          table: table.name,
          format: 'arrow',
          descriptorHash: NO_DESCRIPTOR,
          offset,
          records: [ipc],
        },
      })
      .then(
        () => {
          item.done = true;
          item.ok = true;
          this.advance();
        },
        (err: unknown) => {
          item.done = true;
          this.fail(err);
          this.advance();
          this.abortReading(err);
        },
      )
      .finally(() => {
        this.streamBudget.release(bytes);
        this.counters.inFlightBytes -= bytes;
      });
  }

  private track(item: InFlight): void {
    this.inFlight.push(item);
    if (item.done) this.advance();
  }

  /** Pops the durable prefix and schedules one cumulative ack for it. */
  private advance(): void {
    const now = performance.now();
    const m = this.ctx.metrics;
    const labels = { table: this.table?.name ?? '' };
    while (this.inFlight.length > 0 && this.inFlight[0]!.done) {
      const item = this.inFlight.shift()!;
      if (!item.ok) continue;
      if (item.offset > this.acked) this.acked = item.offset;
      this.ackedRecords += item.records;
      if (item.bytes > 0) {
        this.counters.ackLatency.add(now - item.readAt);
        m?.ackLatency.observe(labels, (now - item.readAt) / 1000);
        m?.recordsAcked.inc(labels, item.records);
      }
    }
    if (this.acked > this.sentAck && !this.ackScheduled) {
      this.ackScheduled = true;
      setImmediate(() => {
        this.ackScheduled = false;
        this.sendAck();
      });
    }
    if (this.inFlight.length === 0) {
      const w = this.settledWaiter;
      this.settledWaiter = undefined;
      w?.();
    }
  }

  private sendAck(extra: { close_stream_duration_ms?: number } = {}): void {
    if (this.acked <= this.sentAck && extra.close_stream_duration_ms === undefined) return;
    this.sentAck = this.acked;
    this.counters.ackedOffset = this.acked;
    this.ctx.metrics?.acks.inc({ table: this.table?.name ?? '' }, 1);
    this.write(
      putResult({ ack_up_to_offset: Number(this.acked), ack_up_to_records: this.ackedRecords, ...extra }),
    );
  }

  private async settled(): Promise<void> {
    if (this.inFlight.length > 0) {
      await new Promise<void>((resolve) => {
        this.settledWaiter = resolve;
      });
    }
    this.sendAck();
  }

  private fail(err: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    this.counters.errors++;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private abortReading(reason: unknown): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  private finishOk(): void {
    this.state = 'closing';
    this.call.end();
    this.close();
  }

  private finishError(err: unknown): void {
    this.state = 'closing';
    endCallWithError(
      this.call,
      err,
      'flight DoPut',
      { streamId: this.streamId, table: this.table?.name },
      this.ctx.log,
      this.ctx.metrics?.errors,
    );
    this.close();
  }

  private close(): void {
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
    this.endedResolve();
  }

  private write(message: object): void {
    if (!this.call.cancelled && this.call.writable) this.call.write(message);
  }

  private header(name: string): string | undefined {
    return readHeader(this.call.metadata, name);
  }

  info(): LiveStreamInfo {
    return describeStream(
      {
        streamId: this.streamId,
        kind: 'ephemeral',
        table: this.table?.name,
        principalId: this.principal?.id,
        peer: this.call.getPeer(),
        startedAt: this.startedAt,
        state: this.state,
      },
      this.counters,
    );
  }

  drain(durationMs: number): void {
    if (this.state === 'closing' || this.state === 'draining') return;
    this.state = 'draining';
    // The Flight stream has no separate signal: the duration rides on an ack (the acks so far).
    this.sendAck({ close_stream_duration_ms: durationMs });
    this.drainTimer = setTimeout(() => {
      this.abort(new IngestError('UNAVAILABLE', 'this ingest node is draining; reconnect to another node'));
    }, durationMs);
    this.drainTimer.unref();
  }

  recheck(view: CatalogView): void {
    if (this.principal === undefined || this.table === undefined || this.state === 'closing') return;
    try {
      assertStillWritable(view, this.principal, this.table.name);
    } catch (err) {
      this.abort(err);
    }
  }

  abort(reason: unknown): void {
    this.fail(reason);
    this.abortReading(reason);
  }
}
