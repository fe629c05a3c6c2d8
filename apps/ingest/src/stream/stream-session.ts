import { randomUUID } from 'node:crypto';
import { Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import type { Authenticator, Principal } from '../auth/authenticator.js';
import type { CatalogSource, CatalogView, ProvisionedTable } from '../catalog/catalog-view.js';
import { IngestError } from '../errors.js';
import type {
  CreateStreamRequest,
  RecordFormat,
  RecordsRequest,
  StreamRequest,
} from '../grpc/decode-request.js';
import { endCallWithError, readHeader } from '../grpc/end-call.js';
import type { Log } from '../grpc/log.js';
import { ackResponse, closeSignal } from '../grpc/responses.js';
import { ByteBudget } from './byte-budget.js';
import { NO_DESCRIPTOR } from './descriptor-store.js';
import type { IngestPipeline } from './ingest-pipeline.js';
import {
  describeStream,
  type LiveStream,
  type LiveStreamInfo,
  type LiveStreams,
  StreamCounters,
} from './live-streams.js';
import { MessageReader } from './message-reader.js';
import { PersistentStreams } from './persistent-streams.js';
import { createRecordDecoder, type RecordDecoder } from './record-decoder.js';
import { RequestHolds } from './request-hold.js';
import { assertStillWritable, resolveWritableTable, TABLE_HEADER } from './table-access.js';

/** Limits of a node's streams (see `config.ts` for their flags). */
export interface StreamLimits {
  /** Largest request message accepted (bytes). Default 10 MiB; larger ones fail with INVALID_ARGUMENT. */
  readonly maxRequestBytes: number;
  /** Largest single record (bytes, or UTF-16 units of a JSON record). Default 10 MiB; larger ones fail with
   * INVALID_ARGUMENT naming the record. */
  readonly maxRecordBytes: number;
  /** Bytes one stream may have read and not yet acked; beyond it the stream is not read. Default 64 MiB. */
  readonly streamInFlightBytes: number;
  /** Live streams per node; more are refused with RESOURCE_EXHAUSTED. Default 1024. */
  readonly maxStreams: number;
}

/** Everything a stream handler uses. */
export interface StreamContext {
  readonly pipeline: IngestPipeline;
  readonly catalog: CatalogSource;
  readonly authenticator: Authenticator;
  readonly live: LiveStreams;
  readonly limits: StreamLimits;
  readonly log: Log;
  /** Prometheus counters (optional: tests run without). */
  readonly metrics?: StreamMetrics | undefined;
}

/** The metrics a stream updates (the matching part of `IngestMetrics`). */
export interface StreamMetrics {
  readonly recordsReceived: { inc(labels: { table: string }, value: number): void };
  readonly bytesReceived: { inc(labels: { table: string }, value: number): void };
  readonly acks: { inc(labels: { table: string }, value: number): void };
  readonly recordsAcked: { inc(labels: { table: string }, value: number): void };
  readonly ackLatency: { observe(labels: { table: string }, value: number): void };
  readonly errors: { inc(labels: { code: string }, value: number): void };
}

/** A bidi call as grpc-js hands it to the handler (requests decoded by `decode-request.ts`). */
export type StreamCall = ServerDuplexStream<StreamRequest | MalformedRequest, object>;

/** What the request deserializer returns for bytes it cannot decode (grpc-js would say INTERNAL). */
export interface MalformedRequest {
  readonly kind: 'malformed';
  readonly error: IngestError;
}

interface InFlight {
  readonly offset: bigint;
  readonly readAt: number;
  readonly bytes: number;
  readonly records: number;
  done: boolean;
  /** Whether it is durable (a failed append is never acked). */
  ok: boolean;
}

const FORMAT_NAMES: Record<RecordFormat, string> = { proto: 'PROTO', json: 'JSON' };

/**
 * Serves one `EphemeralStream` or `PersistentStream` call, start to end: headers at once (the Rust-core
 * client waits for them), authentication, `create_stream` / `resume_stream`, then one request at a time:
 * offset check, size check, budget, decode (all-or-nothing), WAL append, cumulative ack once durable. Ends
 * with OK after the client half-closes and every ack is out, or with the first error's status (after the
 * acks of what was accepted before it).
 */
export async function serveStream(
  call: StreamCall,
  kind: 'ephemeral' | 'persistent',
  ctx: StreamContext,
): Promise<void> {
  call.sendMetadata(new Metadata());
  const session = new StreamSession(call, kind, ctx);
  await session.run();
}

class StreamSession implements LiveStream {
  private readonly controller = new AbortController();
  private readonly counters = new StreamCounters();
  private readonly inFlight: InFlight[] = [];
  private readonly streamBudget: ByteBudget;
  private readonly holds: RequestHolds;
  private readonly reader: MessageReader<StreamRequest | MalformedRequest>;
  private readonly startedAt = Date.now();
  private endedResolve!: () => void;
  readonly ended = new Promise<void>((resolve) => {
    this.endedResolve = resolve;
  });
  private state: LiveStreamInfo['state'] = 'opening';
  private streamId = '';
  private table: ProvisionedTable | undefined;
  private principal: Principal | undefined;
  private decoder: RecordDecoder | undefined;
  private descriptorHash: Uint8Array = NO_DESCRIPTOR;
  private expected = 0n;
  /** Persistent: offsets at or below it were durable before this connection (dropped, acked). */
  private resumedAt = -1n;
  private acked = -1n;
  private sentAck = -1n;
  private ackScheduled = false;
  private failure: unknown;
  private settledWaiter: (() => void) | undefined;
  private drainTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly call: StreamCall,
    private readonly kind: 'ephemeral' | 'persistent',
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
      const first = await this.reader.next(signal);
      if (first === null) {
        this.finishOk();
        return;
      }
      await this.open(first, signal);
      for (;;) {
        const msg = await this.reader.next(signal);
        if (msg === null) break;
        await this.accept(msg, signal);
      }
      // Client half-close: finish after every accepted request is acked.
      await this.settled();
      this.throwIfFailed();
      this.finishOk();
    } catch (err) {
      this.fail(err);
      await this.settled();
      this.finishError(this.failure);
    }
  }

  // 1. Opening: create_stream or resume_stream -------------------------------------------------------------

  private async open(msg: StreamRequest | MalformedRequest, signal: AbortSignal): Promise<void> {
    if (msg.kind === 'malformed') throw msg.error;
    if (msg.kind === 'create') return this.create(msg.create, signal);
    if (msg.kind === 'resume' && this.kind === 'persistent') return this.resume(msg.resume, signal);
    throw new IngestError(
      'INVALID_ARGUMENT',
      this.kind === 'persistent'
        ? 'the first message of a stream must be create_stream or resume_stream'
        : 'the first message of a stream must be create_stream',
    );
  }

  private resolveTable(bodyName: string | undefined): { table: ProvisionedTable; view: CatalogView } {
    const headerName = this.header(TABLE_HEADER)?.trim().toLowerCase();
    const named = bodyName?.trim().toLowerCase();
    if (headerName !== undefined && named !== undefined && named !== '' && headerName !== named) {
      throw new IngestError(
        'INVALID_ARGUMENT',
        `the ${TABLE_HEADER} header names table ${headerName} but create_stream.table_name is ${named}; they must agree`,
      );
    }
    const view = this.ctx.catalog.current();
    const table = resolveWritableTable(
      view,
      this.principal!,
      named || headerName,
      `set create_stream.table_name and the ${TABLE_HEADER} header to catalog.schema.table`,
    );
    return { table, view };
  }

  private async compile(
    table: ProvisionedTable,
    recordType: number | undefined,
    descriptor: Uint8Array | undefined,
  ) {
    let format: RecordFormat;
    if (recordType === 1) format = 'proto';
    else if (recordType === 2) format = 'json';
    else if (recordType === undefined)
      format = descriptor !== undefined && descriptor.length > 0 ? 'proto' : 'json';
    else {
      throw new IngestError(
        'INVALID_ARGUMENT',
        `table ${table.name}: record_type ${recordType === 0 ? 'RECORD_TYPE_UNSPECIFIED' : recordType} is not supported; use PROTO (1) or JSON (2)`,
      );
    }
    this.decoder = createRecordDecoder(table, format, format === 'proto' ? descriptor : undefined, {
      maxRecordBytes: this.ctx.limits.maxRecordBytes,
    });
    this.descriptorHash =
      format === 'proto' ? await this.ctx.pipeline.descriptors.put(descriptor!) : NO_DESCRIPTOR;
  }

  private async create(req: CreateStreamRequest, _signal: AbortSignal): Promise<void> {
    const { table } = this.resolveTable(req.tableName);
    this.table = table;
    await this.compile(table, req.recordType, req.descriptorProto);
    if (this.kind === 'persistent') {
      this.streamId = PersistentStreams.newId();
      await this.ctx.pipeline.appendControl({
        kind: 'stream-created',
        streamId: this.streamId,
        table: table.name,
      });
      this.ctx.live.setOwner(this.streamId, this);
      this.write({ create_stream_response: { stream_id: this.streamId } });
    } else {
      this.streamId = randomUUID();
      this.write({ create_stream_response: { stream_id: this.streamId } });
    }
    this.state = 'open';
    this.ctx.log.info(
      {
        streamId: this.streamId,
        kind: this.kind,
        table: table.name,
        principal: this.principal?.id,
        peer: this.call.getPeer(),
      },
      'stream opened',
    );
  }

  private async resume(
    req: {
      streamId: string | undefined;
      descriptorProto: Uint8Array | undefined;
      recordType: number | undefined;
    },
    _signal: AbortSignal,
  ): Promise<void> {
    const id = req.streamId;
    if (id === undefined || id === '')
      throw new IngestError('INVALID_ARGUMENT', 'resume_stream needs a stream_id');
    const st = this.ctx.pipeline.persistent.get(id);
    if (st === undefined)
      throw new IngestError('NOT_FOUND', `persistent stream ${id} is not known to this ingest node`);
    if (st.retired) throw new IngestError('NOT_FOUND', `persistent stream ${id} was retired`);
    const { table } = this.resolveTable(st.table);
    this.table = table;
    await this.compile(table, req.recordType, req.descriptorProto);
    // Take the stream over from an older connection (a client that lost it may not have been noticed yet):
    // that connection ends, and its accepted requests settle before the last durable offset is read.
    const previous = this.ctx.live.owner(id);
    if (previous !== undefined && previous !== this) {
      previous.abort(new IngestError('ABORTED', `persistent stream ${id} was resumed on another connection`));
      await previous.ended;
    }
    this.ctx.live.setOwner(id, this);
    this.streamId = id;
    const last = st.lastDurable;
    this.resumedAt = last ?? -1n;
    this.expected = this.resumedAt + 1n;
    this.acked = this.resumedAt;
    this.sentAck = this.resumedAt;
    this.write({
      resume_stream_response: last === undefined ? {} : { last_committed_offset: last.toString() },
    });
    this.state = 'open';
    this.ctx.log.info(
      { streamId: id, table: table.name, lastDurable: last?.toString() },
      'persistent stream resumed',
    );
  }

  // 2. Records ---------------------------------------------------------------------------------------------

  private async accept(msg: StreamRequest | MalformedRequest, signal: AbortSignal): Promise<void> {
    if (msg.kind === 'malformed') throw msg.error;
    if (msg.kind === 'create' || msg.kind === 'resume') {
      throw new IngestError(
        'INVALID_ARGUMENT',
        `table ${this.table!.name}: the stream is already open; send records`,
      );
    }
    this.throwIfFailed();
    const table = this.table!;
    if (msg.kind === 'empty') {
      throw new IngestError('INVALID_ARGUMENT', `table ${table.name}: a request with no payload`);
    }
    const req = msg.records;
    const offset = req.offset;
    if (offset === undefined) {
      throw new IngestError(
        'INVALID_ARGUMENT',
        `table ${table.name}: offset_id is missing (expected ${this.expected})`,
      );
    }
    if (this.kind === 'persistent' && offset <= this.resumedAt && offset >= 0n) {
      // Already durable before this connection: drop it, ack it (exactly-once across resumes).
      this.track({ offset, readAt: performance.now(), bytes: 0, records: 0, done: true, ok: true });
      return;
    }
    if (offset !== this.expected) {
      throw new IngestError(
        'INVALID_ARGUMENT',
        `table ${table.name}: expected offset ${this.expected}, got ${offset}`,
      );
    }
    if (msg.size > this.ctx.limits.maxRequestBytes) {
      throw new IngestError(
        'INVALID_ARGUMENT',
        `table ${table.name}, offset ${offset}: the request is ${msg.size} bytes, over the limit of ${this.ctx.limits.maxRequestBytes} bytes; send smaller batches`,
      );
    }
    this.expected = offset + 1n;
    this.checkFormat(req, offset);
    const readAt = performance.now();
    this.counters.requests++;
    if (req.records.length === 0) {
      this.track({ offset, readAt, bytes: 0, records: 0, done: true, ok: true });
      return;
    }
    const bytes = msg.size;
    await this.streamBudget.acquire(bytes, signal);
    let reserved: number;
    try {
      reserved = await this.holds.reserve(bytes, signal);
    } catch (err) {
      this.streamBudget.release(bytes);
      throw err;
    }
    let batch: ReturnType<RecordDecoder['decode']>;
    try {
      batch = this.decoder!.decode(req.records, offset);
    } catch (err) {
      this.streamBudget.release(bytes);
      this.holds.cancel(reserved);
      throw err;
    }
    const hold = this.holds.settle(reserved, bytes, batch);
    this.counters.records += req.records.length;
    this.counters.bytes += req.bytes;
    const m = this.ctx.metrics;
    if (m !== undefined) {
      m.recordsReceived.inc({ table: table.name }, req.records.length);
      m.bytesReceived.inc({ table: table.name }, req.bytes);
    }
    this.counters.inFlightBytes += bytes;
    const item: InFlight = { offset, readAt, bytes, records: req.records.length, done: false, ok: false };
    this.track(item);
    this.ctx.pipeline
      .appendRecords({
        table,
        batch,
        hold,
        entry: {
          kind: 'records',
          streamId: this.streamId,
          persistent: this.kind === 'persistent',
          table: table.name,
          format: this.decoder!.format,
          descriptorHash: this.descriptorHash,
          offset,
          records: req.records,
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

  private checkFormat(req: RecordsRequest, offset: bigint): void {
    const format = this.decoder!.format;
    if (req.format !== undefined && req.format !== format) {
      throw new IngestError(
        'INVALID_ARGUMENT',
        `table ${this.table!.name}, offset ${offset}: a ${FORMAT_NAMES[req.format]} record on a ${FORMAT_NAMES[format]} stream`,
      );
    }
  }

  private track(item: InFlight): void {
    this.inFlight.push(item);
    if (item.done) this.advance();
  }

  /** Pops the acked prefix and schedules one cumulative ack for it. */
  private advance(): void {
    const now = performance.now();
    const m = this.ctx.metrics;
    const labels = { table: this.table?.name ?? '' };
    while (this.inFlight.length > 0 && this.inFlight[0]!.done) {
      const item = this.inFlight.shift()!;
      if (item.ok) {
        if (item.offset > this.acked) this.acked = item.offset;
        if (item.bytes > 0) {
          this.counters.ackLatency.add(now - item.readAt);
          m?.ackLatency.observe(labels, (now - item.readAt) / 1000);
          m?.recordsAcked.inc(labels, item.records);
        }
      }
    }
    if (this.acked > this.sentAck && !this.ackScheduled) {
      this.ackScheduled = true;
      // Acks resolved by one fsync arrive as separate callbacks: send one message for all of them.
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

  private sendAck(): void {
    if (this.acked <= this.sentAck) return;
    this.sentAck = this.acked;
    this.counters.ackedOffset = this.acked;
    this.ctx.metrics?.acks.inc({ table: this.table?.name ?? '' }, 1);
    this.write({ ingest_record_response: ackResponse(this.acked) });
  }

  /** Resolves once every accepted request's append settled and the last ack was written. */
  private async settled(): Promise<void> {
    if (this.inFlight.length > 0) {
      await new Promise<void>((resolve) => {
        this.settledWaiter = resolve;
      });
    }
    this.sendAck();
  }

  // 3. Ending ----------------------------------------------------------------------------------------------

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
      'stream',
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

  // 4. LiveStream ------------------------------------------------------------------------------------------

  info(): LiveStreamInfo {
    return describeStream(
      {
        streamId: this.streamId,
        kind: this.kind,
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
    const payload = closeSignal(durationMs);
    this.write({ close_stream_signal: payload });
    // The client stops sending, reads its acks and reconnects; if it has not gone when the time is up, the
    // call ends with UNAVAILABLE (retryable: it reconnects elsewhere).
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
