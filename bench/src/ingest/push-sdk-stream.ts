import { loadZerobusSdk, neowiseSchema, type ZerobusSdkStream } from '@lakestream/testkit';
import { BENCH_TABLE } from './bench-targets.js';
import { epochNow, type PushStreamOptions, sendWindow, Wakeup } from './push-stream.js';
import { batchRequestBytes, recordRequestBytes, splitBatch } from './request-encoding.js';

const recordsOf = new WeakMap<Uint8Array, Buffer[]>();

/** Ingest calls outstanding at once on an uncapped SDK stream. */
const SDK_PIPELINE = 1024;

/**
 * {@link pushStream}'s twin with the official SDK as the client: one SDK stream (PROTO, the NEOWISE-like
 * descriptor, bearer token through the headers provider), `ingestRecordsOffset` of a batch (or
 * `ingestRecordOffset` of its one record, `request: 'record'`) while fewer than
 * `inflight` are unacked and the pace allows, until `stopAt`; an offset counts as acked when `waitForOffset`
 * resolves. Wire bytes are the size of the batch request the SDK sends. Resolves with `code` 0, or 2 and the
 * SDK's message when the stream failed.
 */
export async function pushSdkStream(o: PushStreamOptions): Promise<{ code: number; details: string }> {
  const { ZerobusSdk, RecordType } = loadZerobusSdk();
  const endpoint = `http://127.0.0.1:${o.port}`;
  const records = o.batches.map((b) => {
    let r = recordsOf.get(b.bytes);
    if (r === undefined) {
      r = splitBatch(b.bytes);
      recordsOf.set(b.bytes, r);
    }
    return r;
  });
  let stream: ZerobusSdkStream | undefined;
  let failure: unknown;
  const sent: { sentAt: number; wire: number; batch: number }[] = [];
  const wakeup = new Wakeup();
  let acked = -1;
  const ackUpTo = (offset: number): void => {
    const t = epochNow();
    for (let k = acked + 1; k <= offset; k++) {
      const s = sent[k]!;
      o.onAck({
        offset: k,
        sentAt: s.sentAt,
        ackedAt: t,
        wireBytes: s.wire,
        payloadBytes: o.batches[s.batch]!.payload,
        records: o.recordsPerRequest,
      });
    }
    if (offset > acked) acked = offset;
    wakeup.wake();
  };
  try {
    stream = await new ZerobusSdk(endpoint, endpoint).createStream(
      {
        tableName: BENCH_TABLE,
        descriptorProto: Buffer.from(neowiseSchema().descriptorProto).toString('base64'),
      },
      'bench',
      'bench',
      { recordType: RecordType.Proto },
      {
        getHeadersCallback: () => [
          ['authorization', `Bearer ${o.token}`],
          ['x-databricks-zerobus-table-name', BENCH_TABLE],
        ],
      },
    );
    const s = stream;
    // Uncapped (`inflight` 0): up to SDK_PIPELINE ingest calls outstanding at once, since one at a time is bound
    // by each call's round trip into the SDK's runtime (~5 ms on a loaded machine). The SDK may then number the
    // records in another order than the calls (its offsets are what is acked).
    let calls = 0;
    let callDone: (() => void) | undefined;
    await sendWindow(o, {
      send: async (next) => {
        const batch = (next + o.first) % o.batches.length;
        const wire =
          o.request === 'record'
            ? recordRequestBytes(next, records[batch]![0]!.length)
            : batchRequestBytes(next, o.batches[batch]!.bytes.length);
        sent[next] = { sentAt: epochNow(), wire, batch };
        calls++;
        const ingested = (
          o.request === 'record'
            ? s.ingestRecordOffset(records[batch]![0]!)
            : s.ingestRecordsOffset(records[batch]!)
        ).then((given) => {
          const offset = Number(given);
          if (o.inflight > 0 && offset !== next)
            throw new Error(`the SDK gave offset ${offset} to request ${next}`);
          s.waitForOffset(given).then(
            () => ackUpTo(offset),
            (err: unknown) => {
              failure ??= err;
              wakeup.wake();
            },
          );
        });
        const settled = ingested.then(
          () => undefined,
          (err: unknown) => {
            failure ??= err;
            wakeup.wake();
          },
        );
        void settled.finally(() => {
          calls--;
          callDone?.();
        });
        if (o.inflight > 0) await ingested;
        else
          while (calls >= SDK_PIPELINE && failure === undefined)
            await new Promise<void>((resolve) => {
              callDone = resolve;
            });
        return wire;
      },
      acked: () => acked,
      stopped: () => failure !== undefined,
      wakeup,
    });
    if (failure !== undefined) throw failure;
    await s.close();
    return { code: 0, details: '' };
  } catch (err) {
    await stream?.close().catch(() => undefined);
    return { code: 2, details: (err as Error).message ?? String(err) };
  }
}
