import * as grpc from '@grpc/grpc-js';
import { type Table as ArrowTable, Message, tableToIPC } from 'apache-arrow';
import { flightService } from '../../src/flight/flight-proto.js';

/** One IPC message of an Arrow stream: the `Message` flatbuffer and its body. */
export interface IpcMessage {
  readonly header: Uint8Array;
  readonly body: Uint8Array;
}

/**
 * Splits an Arrow IPC stream (as `tableToIPC(t, 'stream')` writes it) into its messages: continuation
 * `0xFFFFFFFF`, int32 metadata length, the flatbuffer, then `bodyLength` bytes; stops at end-of-stream.
 */
export function splitIpcStream(bytes: Uint8Array): IpcMessage[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: IpcMessage[] = [];
  let p = 0;
  while (p + 8 <= bytes.length) {
    if (view.getUint32(p, true) !== 0xffffffff) throw new Error(`no continuation marker at ${p}`);
    const len = view.getInt32(p + 4, true);
    p += 8;
    if (len === 0) break;
    const header = bytes.subarray(p, p + len);
    p += len;
    const bodyLength = Message.decode(header).bodyLength;
    out.push({ header, body: bytes.subarray(p, p + bodyLength) });
    p += bodyLength;
  }
  return out;
}

/** The schema message and one record-batch message per table batch, of an Arrow table. */
export function arrowMessages(table: ArrowTable): { schema: IpcMessage; batches: IpcMessage[] } {
  const [schema, ...batches] = splitIpcStream(tableToIPC(table, 'stream'));
  if (schema === undefined) throw new Error('no schema message');
  return { schema, batches };
}

/** FlightData builders (shape as proto-loader's serializer takes them). */
export const flightData = {
  schema(m: IpcMessage) {
    return { data_header: Buffer.from(m.header) };
  },
  batch(m: IpcMessage, offset: number | string, metadata?: string) {
    return {
      data_header: Buffer.from(m.header),
      data_body: Buffer.from(m.body),
      app_metadata: Buffer.from(metadata ?? JSON.stringify({ offset_id: offset })),
    };
  },
};

/** A PutResult's `app_metadata` JSON. */
export interface FlightAck {
  readonly ack_up_to_offset: number;
  readonly ack_up_to_records: number;
  readonly close_stream_duration_ms?: number;
}

/** How a test call ended. */
export interface FlightCallEnd {
  readonly code: grpc.status;
  readonly details: string;
}

/** A DoPut call from a grpc-js client built from `proto/flight.proto`; every PutResult kept in `acks`. */
export class FlightTestStream {
  readonly acks: FlightAck[] = [];
  readonly ended: Promise<FlightCallEnd>;

  constructor(readonly call: grpc.ClientDuplexStream<object, { app_metadata?: Buffer }>) {
    call.on('data', (r: { app_metadata?: Buffer }) => {
      this.acks.push(JSON.parse(Buffer.from(r.app_metadata ?? []).toString('utf8')) as FlightAck);
    });
    this.ended = new Promise((resolve) => {
      call.on('status', (s: grpc.StatusObject) => resolve({ code: s.code, details: s.details }));
      call.on('error', () => undefined);
    });
  }

  /** The last PutResult, if any. */
  get last(): FlightAck | undefined {
    return this.acks[this.acks.length - 1];
  }

  /** Waits until a PutResult acks `offset` (or -1: the ready message); rejects if the call ends first. */
  async acked(offset: number, timeoutMs = 20_000): Promise<FlightAck> {
    const deadline = Date.now() + timeoutMs;
    let end: FlightCallEnd | undefined;
    void this.ended.then((e) => {
      end = e;
    });
    for (;;) {
      const hit = this.acks.find((a) => a.ack_up_to_offset >= offset);
      if (hit !== undefined) return hit;
      if (end !== undefined) throw new Error(`call ended (${end.code} ${end.details}) before ack ${offset}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ack ${offset}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sends one FlightData. */
  send(message: object): boolean {
    return this.call.write(message);
  }

  /** Half-closes and waits for the status. */
  async finish(): Promise<FlightCallEnd> {
    this.call.end();
    return this.ended;
  }
}

/** A FlightService client on `127.0.0.1:port`. */
export function flightClient(port: number): grpc.Client & Record<string, (...args: unknown[]) => unknown> {
  const Ctor = grpc.makeClientConstructor(flightService(), 'FlightService');
  return new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  }) as unknown as grpc.Client & Record<string, (...args: unknown[]) => unknown>;
}

/** Opens a DoPut with the bearer token (if any) and the table header (if any). */
export function openDoPut(
  client: ReturnType<typeof flightClient>,
  token: string | undefined,
  table: string | undefined,
): FlightTestStream {
  const md = new grpc.Metadata();
  if (token !== undefined) md.set('authorization', `Bearer ${token}`);
  if (table !== undefined) md.set('x-databricks-zerobus-table-name', table);
  return new FlightTestStream(
    client.DoPut!(md) as grpc.ClientDuplexStream<object, { app_metadata?: Buffer }>,
  );
}
