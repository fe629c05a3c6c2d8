import { randomUUID } from 'node:crypto';
import { Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import { resolveWritableTable, TABLE_HEADER } from '../auth/table-access.js';
import { IngestError } from '../base/errors.js';
import type { CatalogView, ProvisionedTable } from '../catalog/catalog-view.js';
import { NO_DESCRIPTOR } from '../decode/descriptor-store.js';
import { createRecordDecoder, type RecordDecoder } from '../decode/record-decoder.js';
import { assertStreamId } from '../handoff/lease-store.js';
import type {
  CreateStreamRequest,
  RecordFormat,
  RecordsRequest,
  StreamRequest,
} from '../zerobus/decode-request.js';
import type { MalformedMessage } from '../zerobus/malformed-message.js';
import { ackResponse, closeSignal } from '../zerobus/responses.js';
import { IngestSession } from './ingest-session.js';
import type { StreamContext } from './stream-context.js';

/** A bidi call as grpc-js hands it to the handler (requests decoded by `decode-request.ts`). */
export type StreamCall = ServerDuplexStream<StreamRequest | MalformedMessage, object>;

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

class StreamSession extends IngestSession<StreamRequest | MalformedMessage> {
  private decoder: RecordDecoder | undefined;
  private descriptorHash: Uint8Array = NO_DESCRIPTOR;
  /** Persistent: offsets at or below it were durable before this connection (dropped, acked). */
  private resumedAt = -1n;

  constructor(call: StreamCall, kind: 'ephemeral' | 'persistent', ctx: StreamContext) {
    super(call, ctx, kind, 'stream', '');
  }

  // 1. Opening: create_stream or resume_stream -------------------------------------------------------------

  protected override get opening(): string {
    return this.kind === 'persistent' ? 'create_stream or resume_stream' : 'create_stream';
  }

  protected override async open(msg: StreamRequest | MalformedMessage, signal: AbortSignal): Promise<void> {
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
      this.streamId = await this.ctx.handoff.create(table, this.principal!.id, this);
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
    assertStreamId(id);
    // The table: the one the header names (any node may resume the stream), or where this node knew it.
    const named = this.header(TABLE_HEADER)?.trim().toLowerCase() || undefined;
    const tableName = this.ctx.handoff.tableNameOf(id, named, 'resume', `the ${TABLE_HEADER} header`);
    const { table } = this.resolveTable(tableName);
    this.table = table;
    await this.compile(table, req.recordType, req.descriptorProto);
    // Held here: taken over from an older connection (its accepted requests settle first); held by a node that
    // released it: taken over from there; still held by another node: UNAVAILABLE (retry).
    const last = await this.ctx.handoff.resume(table, id, this.principal!.id, this);
    this.streamId = id;
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

  protected override async accept(msg: StreamRequest | MalformedMessage, signal: AbortSignal): Promise<void> {
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
      this.ackWithoutAppend(offset, performance.now());
      return;
    }
    this.takeOffset(table, offset);
    this.checkFormat(req, offset);
    const readAt = performance.now();
    this.counters.requests++;
    if (req.records.length === 0) {
      this.ackWithoutAppend(offset, readAt);
      return;
    }
    const { admitted, decoded } = await this.admission.admit(msg.size, signal, () =>
      this.decoder!.keep(req.records, offset),
    );
    const entry = {
      kind: 'records',
      streamId: this.streamId,
      persistent: this.kind === 'persistent',
      table: table.name,
      format: this.decoder!.format,
      descriptorHash: this.descriptorHash,
      offset,
      records: req.records,
      ...(req.message === undefined ? {} : { message: req.message }),
    } as const;
    this.appendRecords({
      table,
      entry,
      decoded,
      admitted,
      readAt,
      records: req.records.length,
      payloadBytes: req.bytes,
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

  protected override ackMessage(): object {
    return { ingest_record_response: ackResponse(this.acked) };
  }

  protected override signalDrain(durationMs: number): void {
    const payload = closeSignal(durationMs);
    this.write({ close_stream_signal: payload });
  }
}
