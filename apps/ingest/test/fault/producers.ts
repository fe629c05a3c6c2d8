import { randomBytes } from 'node:crypto';
import { EVENTS, eventSchema, ORDERS, orderSchema } from '../support/test-catalog.js';
import { openStream, req, zerobusClient } from '../support/zerobus-client.js';
import type { Random } from './random.js';

/** What one producer of the fleet does: its stream kind, record format, request shape and table. */
export interface ProducerSpec {
  /** e.g. `p05-persistent-proto-single-orders`; also the events table's `stream` column. */
  readonly name: string;
  /** Its number in the fleet (the high half of an order's `id`). */
  readonly index: number;
  readonly kind: 'ephemeral' | 'persistent';
  readonly format: 'json' | 'proto';
  /** `single`: `ingest_record` requests of one record; `batch`: `ingest_record_batch`. */
  readonly shape: 'single' | 'batch';
  readonly table: typeof ORDERS | typeof EVENTS;
}

/** The 16 producers: every combination of kind, format, shape and table. */
export function producerSpecs(): ProducerSpec[] {
  const specs: ProducerSpec[] = [];
  for (const kind of ['ephemeral', 'persistent'] as const)
    for (const format of ['json', 'proto'] as const)
      for (const shape of ['single', 'batch'] as const)
        for (const table of [ORDERS, EVENTS] as const) {
          const index = specs.length;
          const short = table === ORDERS ? 'orders' : 'events';
          const name = `p${String(index).padStart(2, '0')}-${kind}-${format}-${shape}-${short}`;
          specs.push({ name, index, kind, format, shape, table });
        }
  return specs;
}

/**
 * The identity every row carries, `<producer>|c<connection>|o<offset>|s<seq>`: in an order's `item` (before
 * any padding), in an event's first tag. `seq` numbers a producer's records from 0; a persistent stream's
 * request at offset o always carries the same seqs, so its rows must be exactly 0..n-1 in log order.
 */
export interface RowTag {
  readonly producer: string;
  readonly conn: number;
  readonly offset: bigint;
  readonly seq: number;
}

/** The tag's text. */
export function formatTag(t: RowTag): string {
  return `${t.producer}|c${t.conn}|o${t.offset}|s${t.seq}`;
}

const TAG = /^([^|]+)\|c(\d+)\|o(\d+)\|s(\d+)$/;

/** Parses a tag's text (`undefined` when it is not one). */
export function parseTag(text: string): RowTag | undefined {
  const m = TAG.exec(text);
  if (m === null) return undefined;
  return { producer: m[1]!, conn: Number(m[2]), offset: BigInt(m[3]!), seq: Number(m[4]) };
}

/** An order's `id`: producer index in the high 32 bits, seq in the low ones. */
export function orderId(index: number, seq: number): number {
  return index * 2 ** 32 + seq;
}

/** What the producers send in a cycle. */
export interface Load {
  /** Records per batch request, drawn from 1..maxBatch (single-record producers send one). */
  readonly maxBatch: number;
  /** Requests in flight per stream. */
  readonly window: number;
  /** Padding per record (bytes), 0 for none: after the tag in an order's `item`, an event's second tag. */
  readonly padBytes: number;
  /** Random hex padding (Parquet cannot compress it: fills a table store) instead of one repeated letter. */
  readonly randomPad?: boolean;
}

/** The load of an ordinary cycle: small records. */
export const SMALL_LOAD: Load = { maxBatch: 40, window: 8, padBytes: 0 };

/** One connection of a producer: what it sent on it and the highest ack it received. */
export interface ConnectionLog {
  /** Producer-wide connection number, from 1 (in every row's tag). */
  readonly conn: number;
  /** The stream id, once the node answered create or resume. */
  streamId: string | undefined;
  /** Offset → seqs of the request sent at that offset on this connection, in send order. */
  readonly sent: Map<bigint, readonly number[]>;
  /** Highest `durability_ack_up_to_offset` received on this connection (-1: none). */
  acked: bigint;
  /** How the connection ended (the gRPC status or error, in words). */
  ended: string;
}

/** One `resume_stream` answer, checked against what the client already held. */
export interface ResumeCheck {
  readonly conn: number;
  /** The highest offset the client held an ack for before resuming. */
  readonly held: bigint;
  /** `last_committed_offset` (-1: absent). */
  readonly got: bigint;
  /** The highest offset ever sent on the stream. */
  readonly sentUpTo: bigint;
}

/** Something a producer saw that the protocol forbids (reported by the audit, never thrown mid-run). */
export interface ProducerViolation {
  readonly producer: string;
  readonly what: string;
}

/**
 * One producer: opens one stream per node run (`connect`), keeps `window` requests in flight, and logs every
 * request, ack and resume so the audit can say what must be in the table. Ephemeral: each connection is a
 * new stream from offset 0; records not acked when a connection dies are re-sent first on the next one
 * (at-least-once). Persistent: one stream for the producer's life, resumed after each kill from the last ack
 * it holds (the node drops what it already has: exactly-once).
 */
export class Producer {
  readonly connections: ConnectionLog[] = [];
  readonly resumes: ResumeCheck[] = [];
  readonly violations: ProducerViolation[] = [];
  /** Persistent: the stream id, once created. */
  streamId: string | undefined;
  /** Persistent: the highest offset acked across connections (-1: none). */
  acked = -1n;
  /** Persistent: the first seq of the request at each offset, and one past the last (fixed once drawn). */
  private readonly firstSeqs: number[] = [0];
  /** Persistent: why the stream cannot go on (a resume answered below the ack held), once it happened. */
  private broken: string | undefined;
  /** Ephemeral: the next new seq, and seq groups to re-send first on the next connection. */
  private nextSeq = 0;
  private requeue: number[][] = [];
  private readonly schema;
  private readonly encode: (tag: RowTag, pad: string) => Uint8Array | string;

  constructor(
    readonly spec: ProducerSpec,
    private readonly token: string,
    private readonly random: Random,
  ) {
    this.schema =
      spec.format === 'proto' ? (spec.table === ORDERS ? orderSchema() : eventSchema()) : undefined;
    this.encode = (tag, pad) => {
      const tagText = formatTag(tag);
      const row =
        spec.table === ORDERS
          ? {
              id: orderId(spec.index, tag.seq),
              item: pad === '' ? tagText : `${tagText}|${pad}`,
              qty: tag.conn,
            }
          : {
              stream: spec.name,
              seq: tag.seq,
              at: 1_800_000_000_000_000 + tag.seq,
              tags: pad === '' ? [tagText] : [tagText, pad],
            };
      return this.schema === undefined ? JSON.stringify(row) : this.schema.type.encode(row).finish();
    };
  }

  /** Every seq acked so far, with the connection and offset of its first acked send. */
  ackedSeqs(): Map<number, { conn: number; offset: bigint }> {
    const out = new Map<number, { conn: number; offset: bigint }>();
    for (const c of this.connections)
      for (const [offset, seqs] of c.sent)
        if (offset <= c.acked) for (const s of seqs) if (!out.has(s)) out.set(s, { conn: c.conn, offset });
    return out;
  }

  /** Persistent: how many records offsets 0..acked hold (the table must hold seqs 0..n-1, exactly). */
  persistentRecords(): number {
    return this.firstSeqs[Number(this.acked) + 1] ?? 0;
  }

  /** Persistent: offsets sent so far (0..n-1). */
  private get offsetsSent(): number {
    return this.firstSeqs.length - 1;
  }

  /**
   * One connection to the node on `port`: create (or resume) the stream, then send until the call ends (the
   * node died), `stop` fires, or — with `finish` — that many more requests are acked, after which the call
   * is half-closed and must end OK. Never throws: how it ended is in the connection log.
   */
  async connect(port: number, load: Load, stop: AbortSignal, finish?: number): Promise<ConnectionLog> {
    const log: ConnectionLog = {
      conn: this.connections.length + 1,
      streamId: undefined,
      sent: new Map(),
      acked: -1n,
      ended: '',
    };
    this.connections.push(log);
    const { spec } = this;
    if (this.broken !== undefined) {
      log.ended = this.broken;
      return log;
    }
    const client = zerobusClient(port);
    const s = openStream(
      client,
      spec.kind === 'ephemeral' ? 'EphemeralStream' : 'PersistentStream',
      this.token,
      spec.table,
    );
    const recordType = spec.format === 'proto' ? 1 : 2;
    const descriptor = this.schema?.descriptorProto;
    // Ephemeral: the groups to re-send first, taken now (a connection that dies before sending puts them back).
    const ephemeralGroups = spec.kind === 'ephemeral' ? this.requeue : [];
    if (spec.kind === 'ephemeral') this.requeue = [];
    try {
      let next: bigint;
      if (spec.kind === 'persistent' && this.streamId !== undefined) {
        s.send(req.resume(this.streamId, recordType, descriptor));
        const r = await s.until(
          () => s.responses.find((x) => x.resume_stream_response)?.resume_stream_response,
          'resume_stream_response',
          60_000,
        );
        log.streamId = this.streamId;
        const got = r.last_committed_offset === undefined ? -1n : BigInt(r.last_committed_offset);
        const sentUpTo = BigInt(this.offsetsSent - 1);
        this.resumes.push({ conn: log.conn, held: this.acked, got, sentUpTo });
        if (got < this.acked) {
          // The node lost what it acked: a client cannot go on (its records up to the ack are gone from it).
          this.broken = `resume_stream answered ${got} below the ack ${this.acked} held: the stream stops`;
          throw new Error(this.broken);
        }
        // Re-send from our own last ack: the node must drop (and ack) what it holds already.
        next = this.acked + 1n;
        if (got > this.acked) this.acked = got;
        s.acked = got;
      } else {
        s.send(
          spec.kind === 'persistent'
            ? req.persistentCreate(spec.table, recordType, descriptor)
            : req.create(spec.table, recordType, descriptor),
        );
        log.streamId = await s.streamId();
        if (spec.kind === 'persistent') this.streamId = log.streamId;
        next = 0n;
      }
      const start = next;
      const last = finish === undefined ? undefined : this.lastOffsetToFinish(finish, ephemeralGroups.length);
      for (;;) {
        while (
          (last === undefined || next <= last) &&
          next - s.acked <= BigInt(load.window) &&
          !stop.aborted
        ) {
          const seqs = this.seqsFor(next, load, ephemeralGroups, Number(next - start));
          log.sent.set(next, seqs);
          s.send(this.request(next, seqs, log.conn, load));
          next++;
        }
        if (last !== undefined && s.acked >= last) break;
        if (stop.aborted) throw new Error('stopped');
        const before = s.acked;
        await s.until(() => (s.acked > before || stop.aborted ? true : undefined), 'an ack', 600_000);
        log.acked = s.acked;
        if (spec.kind === 'persistent' && s.acked > this.acked) this.acked = s.acked;
      }
      log.acked = s.acked;
      if (spec.kind === 'persistent' && s.acked > this.acked) this.acked = s.acked;
      const end = await s.finish();
      log.ended = `status ${end.code}${end.details === '' ? '' : ` ${end.details}`}`;
      if (end.code !== 0)
        this.violations.push({ producer: spec.name, what: `final call ended with ${log.ended}` });
    } catch (err) {
      log.ended = err instanceof Error ? err.message : String(err);
    } finally {
      if (s.acked > log.acked) log.acked = s.acked;
      if (spec.kind === 'persistent' && s.acked > this.acked) this.acked = s.acked;
      s.call.cancel();
      client.close();
    }
    // An ack covers only what was sent: on this connection (ephemeral), on the stream so far (persistent).
    const sentUpTo =
      spec.kind === 'persistent'
        ? BigInt(this.offsetsSent - 1)
        : [...log.sent.keys()].reduce((a, b) => (b > a ? b : a), -1n);
    if (log.acked > sentUpTo)
      this.violations.push({
        producer: spec.name,
        what: `connection ${log.conn} was acked up to offset ${log.acked}, beyond the last offset sent (${sentUpTo})`,
      });
    if (spec.kind === 'ephemeral') {
      // Not acked: re-sent first on the next connection (at-least-once: they may be durable already), then
      // the re-sends this connection did not get to.
      const unacked = [...log.sent].filter(([o]) => o > log.acked).map(([, seqs]) => [...seqs]);
      this.requeue = [...unacked, ...ephemeralGroups.slice(log.sent.size)];
    }
    return log;
  }

  /** The last offset of a finishing connection that sends `more` requests after the re-sends. */
  private lastOffsetToFinish(more: number, requeued: number): bigint {
    // Ephemeral: the re-sends, then `more`; persistent: re-sends up to what was sent before, then `more`.
    return BigInt((this.spec.kind === 'ephemeral' ? requeued : this.offsetsSent) + more - 1);
  }

  /** The seqs of the request at `offset` (the `index`-th sent on this connection). */
  private seqsFor(offset: bigint, load: Load, requeued: readonly number[][], index: number): number[] {
    const size = () => (this.spec.shape === 'single' ? 1 : this.random.int(1, load.maxBatch));
    if (this.spec.kind === 'persistent') {
      const o = Number(offset);
      while (this.offsetsSent <= o) this.firstSeqs.push(this.firstSeqs[this.offsetsSent]! + size());
      const first = this.firstSeqs[o]!;
      return Array.from({ length: this.firstSeqs[o + 1]! - first }, (_, i) => first + i);
    }
    const again = requeued[index];
    if (again !== undefined) return again;
    const n = size();
    const seqs = Array.from({ length: n }, (_, i) => this.nextSeq + i);
    this.nextSeq += n;
    return seqs;
  }

  private request(offset: bigint, seqs: readonly number[], conn: number, load: Load): object {
    const pad = (): string =>
      load.padBytes === 0
        ? ''
        : load.randomPad
          ? randomBytes(Math.ceil(load.padBytes / 2)).toString('hex')
          : 'x'.repeat(load.padBytes);
    const records = seqs.map((seq) => this.encode({ producer: this.spec.name, conn, offset, seq }, pad()));
    if (this.spec.shape === 'single') {
      const r = records[0]!;
      return typeof r === 'string' ? req.jsonRecord(offset, r) : req.protoRecord(offset, r);
    }
    return typeof records[0] === 'string'
      ? req.json(offset, records as string[])
      : req.proto(offset, records as Uint8Array[]);
  }
}

/** The producers of a run, all connected to the same node at once. */
export class Fleet {
  readonly producers: Producer[];

  constructor(token: string, random: Random, specs: readonly ProducerSpec[] = producerSpecs()) {
    this.producers = specs.map((spec) => new Producer(spec, token, random.fork(spec.name)));
  }

  /** One connection per producer; resolves once every call ended (the node was killed, or `stop` fired). */
  async run(port: number, load: Load, stop: AbortSignal): Promise<void> {
    await Promise.all(this.producers.map((p) => p.connect(port, load, stop)));
  }

  /**
   * The last connection: each producer re-sends what it must, sends `requests` more, waits for every ack
   * and half-closes. Rejects naming each producer whose call did not end OK.
   */
  async finish(port: number, load: Load, requests: number, stop: AbortSignal): Promise<void> {
    const logs = await Promise.all(this.producers.map((p) => p.connect(port, load, stop, requests)));
    const failed = logs.flatMap((l, i) =>
      l.ended.startsWith('status 0') ? [] : [`${this.producers[i]!.spec.name}: ${l.ended}`],
    );
    if (failed.length > 0) throw new Error(`producers did not finish:\n  ${failed.join('\n  ')}`);
  }

  /** Records acked so far over every producer (each once). */
  ackedRecords(): number {
    let n = 0;
    for (const p of this.producers)
      n += p.spec.kind === 'persistent' ? p.persistentRecords() : p.ackedSeqs().size;
    return n;
  }
}
