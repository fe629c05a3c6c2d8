import { randomUUID } from 'node:crypto';
import { Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import { resolveWritableTable, TABLE_HEADER } from '../auth/table-access.js';
import { NO_DESCRIPTOR } from '../decode/descriptor-store.js';
import { unleased } from '../decode/record-decoder.js';
import { MAX_DECOMPRESSION_FACTOR } from '../stream/abuse-limits.js';
import { IngestSession } from '../stream/ingest-session.js';
import type { StreamContext } from '../stream/stream-context.js';
import type { MalformedMessage } from '../zerobus/malformed-message.js';
import { checkBatchMessage, checkSchemaMessage, decodeArrowRequest, ipcStream } from './arrow-ipc.js';
import { type FlightData, putResult } from './flight-proto.js';
import { parseOffsetId } from './offset-metadata.js';

/** A DoPut call as grpc-js hands it to the handler (`FlightData` decoded by `flight-proto.ts`). */
export type FlightCall = ServerDuplexStream<FlightData | MalformedMessage, object>;

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

class FlightSession extends IngestSession<FlightData | MalformedMessage> {
  protected override readonly opening = 'schema FlightData';
  private schemaFrame: Uint8Array | undefined;

  constructor(call: FlightCall, ctx: StreamContext) {
    super(call, ctx, 'ephemeral', 'flight DoPut', `flight-${randomUUID()}`);
  }

  protected override authenticated(): void {
    this.table = resolveWritableTable(
      this.ctx.catalog.current(),
      this.principal!,
      this.header(TABLE_HEADER),
      `set the ${TABLE_HEADER} header to catalog.schema.table`,
    );
  }

  protected override open(msg: FlightData | MalformedMessage): void {
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

  protected override async accept(msg: FlightData | MalformedMessage, signal: AbortSignal): Promise<void> {
    if (msg.kind === 'malformed') throw msg.error;
    this.throwIfFailed();
    const table = this.table!;
    const offset = parseOffsetId(msg.appMetadata, `table ${table.name}`, this.expected);
    this.takeOffset(table, offset);
    const maxUncompressed = MAX_DECOMPRESSION_FACTOR * this.ctx.limits.maxRequestBytes;
    checkBatchMessage(table, offset, msg.dataHeader, msg.dataBody, maxUncompressed);
    const readAt = performance.now();
    this.counters.requests++;
    const { admitted, decoded } = await this.admission.admit(msg.size, signal, () => {
      const ipc = ipcStream(this.schemaFrame!, msg.dataHeader, msg.dataBody);
      return { ipc, batch: decodeArrowRequest(table, ipc, offset) };
    });
    const { ipc, batch } = decoded;
    const records = batch.numRows;
    if (records === 0) {
      admitted.cancel();
      this.ackWithoutAppend(offset, readAt);
      return;
    }
    const entry = {
      kind: 'records',
      streamId: this.streamId,
      persistent: false,
      table: table.name,
      format: 'arrow',
      descriptorHash: NO_DESCRIPTOR,
      offset,
      records: [ipc],
    } as const;
    this.appendRecords({
      table,
      entry,
      decoded: unleased(batch),
      admitted,
      readAt,
      records,
      payloadBytes: msg.dataBody.length,
    });
  }

  protected override ackMessage(closeStreamMs: number | undefined): object {
    const ack = { ack_up_to_offset: Number(this.acked), ack_up_to_records: this.ackedRecords };
    return putResult(closeStreamMs === undefined ? ack : { ...ack, close_stream_duration_ms: closeStreamMs });
  }

  protected override signalDrain(durationMs: number): void {
    // The Flight stream has no separate signal: the duration rides on an ack (the acks so far).
    this.sendAck(durationMs);
  }
}
