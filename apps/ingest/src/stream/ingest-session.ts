import { status as grpcStatus, type ServerDuplexStream } from '@grpc/grpc-js';
import { type AdmittedRequest, StreamAdmission } from '../admission/stream-admission.js';
import type { Principal } from '../auth/authenticator.js';
import { assertStillWritable, TABLE_HEADER } from '../auth/table-access.js';
import { IngestError } from '../base/errors.js';
import type { CatalogView, ProvisionedTable } from '../catalog/catalog-view.js';
import type { DecodedRecords } from '../decode/record-decoder.js';
import type { WalRecord } from '../pipeline/wal-entry.js';
import { endCallWithError, readHeader } from './end-call.js';
import type { StreamOutcome } from './ended-streams.js';
import { toGrpcStatus } from './grpc-status.js';
import { describeStream, type LiveStream, type LiveStreamInfo, StreamCounters } from './live-streams.js';
import { MessageReader, TIMED_OUT } from './message-reader.js';
import type { StreamContext } from './stream-context.js';

/** A request admitted and decoded, for `IngestSession.appendRecords`. */
export interface AcceptedRequest {
  readonly table: ProvisionedTable;
  /** Its WAL entry: the records as received. */
  readonly entry: WalRecord & { kind: 'records' };
  readonly decoded: DecodedRecords;
  /** Its place in the stream's and the node's budgets (`StreamAdmission.admit`). */
  readonly admitted: AdmittedRequest;
  /** When it was read (`performance.now()`): the ack latency runs from here. */
  readonly readAt: number;
  /** Its record count (rows). */
  readonly records: number;
  /** Its bytes as counted received: the records (Zerobus) or the IPC body (Flight). */
  readonly payloadBytes: number;
}

/** One accepted request until its WAL append settled. */
interface InFlight {
  readonly offset: bigint;
  readonly readAt: number;
  readonly bytes: number;
  readonly records: number;
  done: boolean;
  /** Whether it is durable (a failed append is never acked). */
  ok: boolean;
}

/**
 * What every ingest call (a Zerobus stream, a Flight DoPut) does the same way, start to end: admission
 * (draining, stream limit), authentication, the read loop (one request at a time, so grpc-js applies HTTP/2
 * flow control), the WAL append of each accepted request, cumulative acks in offset order once durable,
 * failure (the first error wins; the acks of what was accepted before it still go out), ending (OK after the
 * client half-closed and every ack is out, else the first error's status) and the `LiveStream` side (info,
 * drain, grant recheck, abort). A protocol supplies how it opens, how it accepts a request, what its ack
 * message and its drain signal look like.
 */
export abstract class IngestSession<Request extends object> implements LiveStream {
  protected readonly controller = new AbortController();
  protected readonly counters = new StreamCounters();
  private readonly inFlight: InFlight[] = [];
  /** This stream's and the node's budgets: every request is admitted through them before it is decoded. */
  protected readonly admission: StreamAdmission;
  private readonly reader: MessageReader<Request>;
  private readonly startedAt = Date.now();
  private endedResolve!: () => void;
  readonly ended = new Promise<void>((resolve) => {
    this.endedResolve = resolve;
  });
  protected state: LiveStreamInfo['state'] = 'opening';
  protected table: ProvisionedTable | undefined;
  protected principal: Principal | undefined;
  /** The next offset the client must send. */
  protected expected = 0n;
  /** The highest durable offset, and the records durable up to it (this connection's). */
  protected acked = -1n;
  protected ackedRecords = 0;
  /** The offset of the last ack written. */
  protected sentAck = -1n;
  private ackScheduled = false;
  private failure: unknown;
  private endedWith: StreamOutcome | undefined;
  private settledWaiter: (() => void) | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  /** Why a catalog change took this stream's right to write away (see `recheck`). */
  private revoked: unknown;
  private revokedTimer: NodeJS.Timeout | undefined;

  /**
   * @param label names the call in the log line of a failed end ('stream', 'flight DoPut').
   * @param kind what `info()` reports.
   */
  constructor(
    protected readonly call: ServerDuplexStream<Request, object>,
    protected readonly ctx: StreamContext,
    protected readonly kind: 'ephemeral' | 'persistent',
    private readonly label: string,
    protected streamId: string,
  ) {
    this.admission = new StreamAdmission(ctx.limits.streamInFlightBytes, ctx.pipeline.nodeBudget);
    this.reader = new MessageReader(call);
    call.on('cancelled', () =>
      this.controller.abort(new IngestError('UNAVAILABLE', 'the client cancelled the call')),
    );
  }

  /** Serves the call to its end; never rejects (errors end the call with their status). */
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
      const busy = this.ctx.load?.refusal();
      if (busy !== undefined) throw busy;
      this.ctx.live.add(this);
      this.principal = await this.ctx.authenticator.authenticate(this.header('authorization'));
      this.admitPrincipal(this.principal);
      this.authenticated();
      const first = await this.reader.next(signal, this.ctx.limits.handshakeTimeoutMs);
      if (first === null) {
        this.finishOk();
        return;
      }
      if (first === TIMED_OUT) throw this.handshakeTimedOut();
      await this.open(first, signal);
      const idleMs = this.ctx.limits.idleTimeoutMs;
      let msg: Request | null | typeof TIMED_OUT = await this.reader.next(signal, idleMs);
      while (msg !== null) {
        if (msg === TIMED_OUT) {
          this.closeIdle(idleMs);
          break;
        }
        if (this.revoked !== undefined) throw this.revoked;
        await this.accept(msg, signal);
        // Let go of the request (its buffer and a view per record) before waiting for the next one: kept in
        // this suspended function, every stream's last request stayed alive until the next one arrived.
        msg = null;
        msg = await this.reader.next(signal, idleMs);
      }
      // Client half-close (or an idle stream closed): finish after every accepted request is acked.
      await this.settled();
      this.throwIfFailed();
      this.finishOk();
    } catch (err) {
      this.fail(err);
      await this.settled();
      this.finishError(this.failure);
    }
  }

  /**
   * Counts this call against its principal, or refuses it (RESOURCE_EXHAUSTED) when the principal already holds
   * `maxStreamsPerPrincipal` streams, Zerobus and Flight alike: one principal cannot take every stream slot of
   * the node. RESOURCE_EXHAUSTED is retried by the SDKs, which is right: a slot frees when a stream ends.
   */
  private admitPrincipal(principal: Principal): void {
    const limit = this.ctx.limits.maxStreamsPerPrincipal;
    if (this.ctx.live.streamsOf(principal.id) >= limit) {
      throw new IngestError(
        'RESOURCE_EXHAUSTED',
        `principal '${principal.id}' already has ${limit} streams open on this ingest node, its limit per principal; close streams it no longer uses, or retry later or on another node`,
      );
    }
    this.ctx.live.attribute(this, principal.id);
  }

  // 1. What a protocol supplies ----------------------------------------------------------------------------

  /** The message a stream starts with, in words ("create_stream"), for the handshake timeout's status. */
  protected abstract readonly opening: string;

  /** Runs once the principal is known, before the first message is read (default: nothing). */
  protected authenticated(): void {}

  /** Handles the first message (the stream's opening); throws to end the call with its status. */
  protected abstract open(first: Request, signal: AbortSignal): Promise<void> | void;

  /**
   * Handles one later request: checks, `admission.admit` (budgets, then decode), then `appendRecords` (or
   * `ackWithoutAppend` for one with nothing to log).
   */
  protected abstract accept(msg: Request, signal: AbortSignal): Promise<void>;

  /** The ack message for `acked` (and `ackedRecords`); `closeStreamMs` is set when it carries a drain. */
  protected abstract ackMessage(closeStreamMs: number | undefined): object;

  /** Tells the client to go elsewhere within `durationMs`. */
  protected abstract signalDrain(durationMs: number): void;

  // 2. Requests --------------------------------------------------------------------------------------------

  /**
   * Throws `IngestError('INVALID_ARGUMENT')` unless `offset` is the next one; then expects the offset after it.
   * (The request's size needs no check here: grpc-js refused anything over `maxRequestBytes` unread, see
   * `oversizeInWords`.)
   */
  protected takeOffset(table: ProvisionedTable, offset: bigint): void {
    if (offset !== this.expected) {
      throw new IngestError(
        'INVALID_ARGUMENT',
        `table ${table.name}: expected offset ${this.expected}, got ${offset}`,
      );
    }
    this.expected = offset + 1n;
  }

  /**
   * Appends an admitted, decoded request to the WAL: counts it received, tracks it, and acks it in order once
   * durable; a failed append fails the session and stops reading. Its stream budget is given back once the
   * append settled; its node budget by the pipeline.
   */
  protected appendRecords(request: AcceptedRequest): void {
    const { table, entry, decoded, admitted, readAt, records, payloadBytes } = request;
    const bytes = admitted.bytes;
    const hold = admitted.hold(decoded.batch);
    this.counters.records += records;
    this.counters.bytes += payloadBytes;
    const m = this.ctx.metrics;
    if (m !== undefined) {
      m.recordsReceived.inc({ table: table.name }, records);
      m.bytesReceived.inc({ table: table.name }, payloadBytes);
    }
    this.counters.inFlightBytes += bytes;
    const item: InFlight = { offset: entry.offset, readAt, bytes, records, done: false, ok: false };
    this.track(item);
    this.ctx.pipeline
      .appendRecords({ table, decoded, hold, entry })
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
        admitted.settled();
        this.counters.inFlightBytes -= bytes;
      });
  }

  /** Acks `offset` in order without appending anything (an empty request, or one durable before). */
  protected ackWithoutAppend(offset: bigint, readAt: number): void {
    this.track({ offset, readAt, bytes: 0, records: 0, done: true, ok: true });
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
      // Acks resolved by one fsync arrive as separate callbacks: send one message for all of them.
      setImmediate(() => {
        this.ackScheduled = false;
        this.sendAck(undefined);
      });
    }
    if (this.inFlight.length === 0) {
      const w = this.settledWaiter;
      this.settledWaiter = undefined;
      w?.();
    }
  }

  /** Writes the ack if it moved, or always when it carries a drain (`closeStreamMs`). */
  protected sendAck(closeStreamMs: number | undefined): void {
    if (this.acked <= this.sentAck && closeStreamMs === undefined) return;
    this.sentAck = this.acked;
    this.counters.ackedOffset = this.acked;
    this.ctx.metrics?.acks.inc({ table: this.table?.name ?? '' }, 1);
    this.write(this.ackMessage(closeStreamMs));
  }

  /** Resolves once every accepted request's append settled and the last ack was written. */
  private async settled(): Promise<void> {
    if (this.inFlight.length > 0) {
      await new Promise<void>((resolve) => {
        this.settledWaiter = resolve;
      });
    }
    this.sendAck(undefined);
  }

  // 3. Ending ----------------------------------------------------------------------------------------------

  /**
   * The status of a stream that sent no first message within the handshake timeout: it holds a stream slot
   * (and its connection) without ever starting. DEADLINE_EXCEEDED, which the SDKs retry: a real client that
   * was merely slow reconnects; one that never starts keeps being cut after the timeout.
   */
  private handshakeTimedOut(): IngestError {
    const table = this.header(TABLE_HEADER);
    return new IngestError(
      'DEADLINE_EXCEEDED',
      `${table === undefined ? '' : `table ${table}: `}no ${this.opening} within ${this.ctx.limits.handshakeTimeoutMs} ms of opening the stream, so this ingest node ended it; send ${this.opening} as the first message, as soon as the response headers arrive`,
    );
  }

  /**
   * Closes a stream that sent no request for `idleMs`: it says so with the protocol's drain signal
   * (`close_stream_signal` with duration 0; Flight: `close_stream_duration_ms` 0 on an ack), and the call then
   * ends with status OK once its acks are out. That is how a Zerobus server rotates a stream: an SDK takes it as
   * "reconnect", not as an error (spec: "a server that ends the call with status OK … makes the client
   * reconnect"; what it sent is acked first), while a peer that is gone no longer holds a slot.
   * An error status would be wrong here: nothing failed, and the SDKs would log an error and count a retry.
   */
  private closeIdle(idleMs: number): void {
    this.ctx.log.info(
      {
        streamId: this.streamId,
        table: this.table?.name,
        principal: this.principal?.id,
        peer: this.call.getPeer(),
        idleMs,
      },
      'stream idle: closed (close_stream_signal, then status OK once acked; the client reconnects)',
    );
    if (this.state === 'open') {
      this.state = 'draining';
      this.signalDrain(0);
    }
  }

  private fail(err: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    this.counters.errors++;
  }

  /** Throws the session's first error, if any (a request is not accepted after one). */
  protected throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private abortReading(reason: unknown): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  private finishOk(): void {
    this.endedWith = { code: 'OK', message: '' };
    this.state = 'closing';
    this.call.end();
    this.close();
  }

  private finishError(err: unknown): void {
    const status = toGrpcStatus(err);
    this.endedWith = this.call.cancelled
      ? { code: 'CANCELLED', message: 'the client cancelled the call' }
      : { code: grpcStatus[status.code] ?? String(status.code), message: status.details };
    this.state = 'closing';
    endCallWithError(
      this.call,
      err,
      this.label,
      { streamId: this.streamId, table: this.table?.name },
      this.ctx.log,
      this.ctx.metrics?.errors,
    );
    this.close();
  }

  private close(): void {
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
    if (this.revokedTimer !== undefined) clearTimeout(this.revokedTimer);
    this.endedResolve();
  }

  /** Writes a response unless the call is gone. */
  protected write(message: object): void {
    if (!this.call.cancelled && this.call.writable) this.call.write(message);
  }

  /** The request header `name` (see `readHeader`). */
  protected header(name: string): string | undefined {
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
        credentialId: this.principal?.credentialId,
        peer: this.call.getPeer(),
        startedAt: this.startedAt,
        state: this.state,
      },
      this.counters,
    );
  }

  outcome(): StreamOutcome | undefined {
    if (this.endedWith === undefined) return undefined;
    // Cut by the catalog change: it ended with an error after losing its right to write (not a clean close).
    const cut =
      this.revoked !== undefined && this.endedWith.code !== 'OK' && this.endedWith.code !== 'CANCELLED';
    return { ...this.endedWith, revoked: cut };
  }

  drain(durationMs: number): void {
    if (this.state === 'closing' || this.state === 'draining') return;
    this.state = 'draining';
    this.signalDrain(durationMs);
    // The client stops sending, reads its acks and reconnects; if it has not gone when the time is up, the
    // call ends with UNAVAILABLE (retryable: it reconnects elsewhere).
    this.drainTimer = setTimeout(() => {
      this.abort(new IngestError('UNAVAILABLE', 'this ingest node is draining; reconnect to another node'));
    }, durationMs);
    this.drainTimer.unref();
  }

  /**
   * Re-checks the stream against a new catalog snapshot. A stream that lost its right to write (revoked
   * credential, disabled principal, lost grant, table gone) accepts no more requests: the next one it reads
   * ends the call with the reason's status (UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND) and words, after
   * the acks of what it accepted before. A stream that sends nothing more is ended so within
   * `revokedStreamGraceMs`.
   *
   * Why not end it at once: the official SDKs keep the server's status only for requests in flight. A stream
   * ended while its producer is between requests is marked closed, and the producer's next call fails with a
   * fixed "Stream closed" (SDK's `check_open`), the reason lost; refused at its next request, the producer's
   * `flush`/`waitForOffset` fail with the reason, and the SDK stops retrying (the codes are final).
   */
  recheck(view: CatalogView): void {
    if (this.principal === undefined || this.table === undefined || this.state === 'closing') return;
    if (this.revoked !== undefined) return;
    try {
      assertStillWritable(view, this.principal, this.table.name);
    } catch (err) {
      this.revoked = err;
      this.ctx.log.info(
        {
          streamId: this.streamId,
          table: this.table.name,
          principal: this.principal.id,
          reason: String(err),
        },
        'stream may no longer write: its next request ends it with the reason',
      );
      this.revokedTimer = setTimeout(() => this.abort(err), this.ctx.limits.revokedStreamGraceMs);
      this.revokedTimer.unref();
    }
  }

  abort(reason: unknown): void {
    this.fail(reason);
    this.abortReading(reason);
  }
}
