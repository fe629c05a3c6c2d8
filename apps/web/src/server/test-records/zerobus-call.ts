import * as grpc from '@grpc/grpc-js';
import type * as ZerobusProto from '@lakestream/zerobus-proto';
import type { ZerobusStreamResponse } from '@lakestream/zerobus-proto';
import type { IngestTarget } from './ingest-targets';

/**
 * @lakestream/zerobus-proto, loaded by Node at run time (it finds its .proto by `import.meta.url`, which a
 * bundler rewrites; see catalog.ts).
 */
async function loadZerobusProto(): Promise<typeof ZerobusProto> {
  return (await import(
    /* turbopackIgnore: true */ /* webpackIgnore: true */ '@lakestream/zerobus-proto'
  )) as typeof ZerobusProto;
}

/** One JSON record to send on an ephemeral stream, as a producer would. */
export interface OneRecordCall {
  readonly target: IngestTarget;
  /** The bearer token (a control-plane JWT). */
  readonly token: string;
  /** `catalog.schema.table`: both the header and `create_stream.table_name`. */
  readonly table: string;
  /** The record's JSON text, sent as it is. */
  readonly record: string;
  /** The whole call's deadline (ms). */
  readonly timeoutMs: number;
  /** Runs after the durable ack and before the stream is closed (to ask the nodes which one holds it). */
  readonly whileOpen?: ((streamId: string) => Promise<void>) | undefined;
}

/** How the call went: acked (offset 0, the only request), or ended by the node with a status. */
export type OneRecordOutcome =
  | {
      readonly kind: 'acked';
      readonly streamId: string;
      readonly ackedOffset: string;
      readonly ackMs: number;
    }
  | {
      readonly kind: 'refused';
      readonly streamId: string | null;
      /** The gRPC status name. */
      readonly status: string;
      readonly message: string;
    };

const statusName = (code: number) => grpc.status[code] ?? String(code);

/**
 * Opens `databricks.zerobus.Zerobus/EphemeralStream` to the target with grpc-js, as the SDKs do (authorization
 * and table-name headers; `create_stream` with record type JSON; then `ingest_record` at offset 0), waits for
 * `durability_ack_up_to_offset` ≥ 0 — the node's promise that the record is durable — runs `whileOpen`, then
 * half-closes and waits for status OK. A status other than OK before the ack (a bad record, no MODIFY, a bad
 * token, an unknown table, a node that is down) is the `refused` outcome, with the node's words. The deadline
 * bounds everything; it expiring is `DEADLINE_EXCEEDED`.
 */
export async function sendOneJsonRecord(call: OneRecordCall): Promise<OneRecordOutcome> {
  const { RECORD_TYPE, zerobusClientConstructor } = await loadZerobusProto();
  const Client = zerobusClientConstructor();
  const client = new Client(
    call.target.address,
    call.target.tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure(),
  ) as grpc.Client & Record<string, (...args: unknown[]) => unknown>;
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${call.token}`);
  metadata.set('x-databricks-zerobus-table-name', call.table);
  const startedAt = performance.now();
  const stream = client.EphemeralStream!(metadata, {
    deadline: Date.now() + call.timeoutMs,
  }) as grpc.ClientDuplexStream<object, ZerobusStreamResponse>;
  let streamId: string | null = null;
  try {
    return await new Promise<OneRecordOutcome>((resolve) => {
      let acked: Extract<OneRecordOutcome, { kind: 'acked' }> | undefined;
      stream.on('data', (response: ZerobusStreamResponse) => {
        const created = response.create_stream_response?.stream_id;
        if (created !== undefined && streamId === null) {
          streamId = created;
          stream.write({ ingest_record: { offset_id: '0', json_record: call.record } });
        }
        const ack = response.ingest_record_response?.durability_ack_up_to_offset;
        if (ack !== undefined && acked === undefined && streamId !== null && BigInt(ack) >= 0n) {
          acked = { kind: 'acked', streamId, ackedOffset: ack, ackMs: performance.now() - startedAt };
          const id = streamId;
          void (call.whileOpen?.(id) ?? Promise.resolve()).finally(() => stream.end());
        }
      });
      stream.on('error', () => undefined); // the status says it
      stream.on('status', (status: grpc.StatusObject) => {
        if (acked !== undefined) resolve(acked);
        else resolve({ kind: 'refused', streamId, status: statusName(status.code), message: status.details });
      });
      stream.write({ create_stream: { table_name: call.table, record_type: RECORD_TYPE.JSON } });
    });
  } finally {
    client.close();
  }
}
