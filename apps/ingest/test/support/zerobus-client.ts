import * as grpc from '@grpc/grpc-js';
import { zerobusClientConstructor } from '../../src/zerobus/proto.js';

/** A response of either bidi RPC, as proto-loader decodes it. */
export interface StreamResponse {
  payload?: string;
  create_stream_response?: { stream_id?: string };
  resume_stream_response?: { last_committed_offset?: string };
  ingest_record_response?: { durability_ack_up_to_offset?: string };
  close_stream_signal?: { duration?: { seconds?: string; nanos?: number } };
}

/** How a test call ended. */
export interface CallEnd {
  readonly code: grpc.status;
  readonly details: string;
}

/**
 * A test client stream over grpc-js built from our proto: send requests, wait for the stream id, acks or the
 * end status. Everything received is kept in `responses`.
 */
export class TestStream {
  readonly responses: StreamResponse[] = [];
  readonly ended: Promise<CallEnd>;
  acked = -1n;
  private waiters: (() => void)[] = [];

  constructor(readonly call: grpc.ClientDuplexStream<object, StreamResponse>) {
    call.on('data', (r: StreamResponse) => {
      this.responses.push(r);
      const ack = r.ingest_record_response?.durability_ack_up_to_offset;
      if (ack !== undefined) {
        const n = BigInt(ack);
        if (n < this.acked) throw new Error(`ack went down from ${this.acked} to ${n}`);
        this.acked = n;
      }
      this.notify();
    });
    this.ended = new Promise((resolve) => {
      call.on('status', (s: grpc.StatusObject) => {
        resolve({ code: s.code, details: s.details });
        this.notify();
      });
      call.on('error', () => undefined);
    });
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Waits until `predicate` holds (checked after each response); rejects when the call ends first. */
  async until<T>(predicate: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
    let ended: CallEnd | undefined;
    void this.ended.then((e) => {
      ended = e;
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = predicate();
      if (v !== undefined) return v;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
      if (ended !== undefined && predicate() === undefined) {
        throw new Error(`call ended (${ended.code} ${ended.details}) while waiting for ${what}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    }
  }

  /** The `create_stream_response.stream_id`. */
  streamId(): Promise<string> {
    return this.until(
      () => this.responses.find((r) => r.create_stream_response)?.create_stream_response?.stream_id,
      'stream id',
    );
  }

  /** Waits for an ack ≥ `offset`. */
  async ackedAtLeast(offset: bigint | number): Promise<void> {
    await this.until(() => (this.acked >= BigInt(offset) ? true : undefined), `ack of ${offset}`);
  }

  /** Sends one message. */
  send(message: object): boolean {
    return this.call.write(message);
  }

  /** Half-closes and waits for the status. */
  async finish(): Promise<CallEnd> {
    this.call.end();
    return this.ended;
  }
}

/** Request builders (shape as proto-loader's serializer takes them). */
export const req = {
  create(table: string, recordType: 1 | 2, descriptor?: Uint8Array) {
    return {
      create_stream: {
        table_name: table,
        record_type: recordType,
        ...(descriptor === undefined ? {} : { descriptor_proto: Buffer.from(descriptor) }),
      },
    };
  },
  persistentCreate(table: string, recordType: 1 | 2, descriptor?: Uint8Array) {
    return { create_stream: req.create(table, recordType, descriptor) };
  },
  resume(streamId: string, recordType: 1 | 2, descriptor?: Uint8Array) {
    return {
      resume_stream: {
        stream_id: streamId,
        record_type: recordType,
        ...(descriptor === undefined ? {} : { descriptor_proto: Buffer.from(descriptor) }),
      },
    };
  },
  json(offset: bigint | number, records: string[]) {
    return { ingest_record_batch: { offset_id: offset.toString(), json_batch: { records } } };
  },
  /** One JSON record as `ingest_record` (not a batch). */
  jsonRecord(offset: bigint | number, record: string) {
    return { ingest_record: { offset_id: offset.toString(), json_record: record } };
  },
  /** One PROTO record as `ingest_record` (not a batch). */
  protoRecord(offset: bigint | number, record: Uint8Array) {
    return { ingest_record: { offset_id: offset.toString(), proto_encoded_record: Buffer.from(record) } };
  },
  proto(offset: bigint | number, records: Uint8Array[]) {
    return {
      ingest_record_batch: {
        offset_id: offset.toString(),
        proto_encoded_batch: { records: records.map((r) => Buffer.from(r)) },
      },
    };
  },
};

/** A client of the Zerobus service on `127.0.0.1:port`. */
export function zerobusClient(port: number): grpc.Client & Record<string, (...args: unknown[]) => unknown> {
  const Ctor = zerobusClientConstructor();
  return new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  }) as unknown as grpc.Client & Record<string, (...args: unknown[]) => unknown>;
}

/** Opens a stream with the bearer token and the table header. */
export function openStream(
  client: ReturnType<typeof zerobusClient>,
  rpc: 'EphemeralStream' | 'PersistentStream',
  token: string | undefined,
  table: string,
): TestStream {
  const md = new grpc.Metadata();
  if (token !== undefined) md.set('authorization', `Bearer ${token}`);
  md.set('x-databricks-zerobus-table-name', table);
  const call = client[rpc]!(md) as grpc.ClientDuplexStream<object, StreamResponse>;
  return new TestStream(call);
}
