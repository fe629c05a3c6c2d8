import { parentPort, workerData } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import {
  batchRequest,
  encodeBatches,
  type IngestResponse,
  openBenchStream,
} from '../ingest/request-encoding.js';
import type { LoadWorkerJob, LoadWorkerMessage } from './fanin-types.js';

/** Wall-clock epoch ms with sub-ms precision, comparable across threads. */
function now(): number {
  return performance.timeOrigin + performance.now();
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/**
 * The fan-in load generator of one worker thread: its streams, each on its own grpc-js channel, started
 * along the ramp, each with at most `inflight` unacked requests, sending until `stopAt`. Posts a
 * {@link LoadWorkerMessage} tick every 100 ms and `done` at the end.
 */
export async function runLoadWorker(job: LoadWorkerJob, post: (m: LoadWorkerMessage) => void): Promise<void> {
  const batches = encodeBatches(job.recordsPerRequest);
  const requests = batches.map((b, i) => ({ payload: b.payload, bytes: b.bytes, i }));
  let acks: number[] = [];
  let latencies: number[] = [];
  let errors: number[] = [];
  const errorMessages: string[] = [];
  const flush = () => {
    post({ type: 'tick', acks, latencies, errors });
    acks = [];
    latencies = [];
    errors = [];
  };
  const timer = setInterval(flush, 100);

  const runStream = async (k: number): Promise<void> => {
    await sleep(job.startAt + (job.rampMs * k) / job.totalStreams - now());
    if (now() >= job.stopAt) return;
    const { client, call } = openBenchStream(job.port, job.token);
    const sentAt: number[] = [];
    const wireOf: number[] = [];
    const payloadOf: number[] = [];
    let acked = -1;
    let next = 0;
    let wake: (() => void) | undefined;
    let ended = false;
    call.on('data', (r: IngestResponse) => {
      const ack = r.ingest_record_response?.durability_ack_up_to_offset;
      if (ack !== undefined) {
        const n = Number(ack);
        const t = now();
        let wire = 0;
        let payload = 0;
        for (let o = acked + 1; o <= n; o++) {
          latencies.push(t, t - sentAt[o]!);
          wire += wireOf[o]!;
          payload += payloadOf[o]!;
        }
        if (n > acked) acks.push(t, n - acked, (n - acked) * job.recordsPerRequest, wire, payload);
        acked = n;
      }
      wake?.();
    });
    const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
    void status.then(() => {
      ended = true;
      wake?.();
    });
    call.on('error', () => undefined);
    const stopTimer = setTimeout(() => wake?.(), Math.max(0, job.stopAt - now()));
    const pace = job.bytesPerMsPerStream;
    let nextSendAt = now();
    while (now() < job.stopAt && !ended) {
      while (next - acked - 1 < job.inflight && now() < job.stopAt && (pace === 0 || now() >= nextSendAt)) {
        const b = requests[(next + k) % requests.length]!;
        const req = batchRequest(next, b.bytes);
        const t = now();
        sentAt[next] = t;
        wireOf[next] = req.length;
        payloadOf[next] = b.payload;
        call.write(req);
        next++;
        if (pace > 0) nextSendAt = Math.max(nextSendAt + req.length / pace, t);
      }
      let paceTimer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (pace > 0 && next - acked - 1 < job.inflight) paceTimer = setTimeout(resolve, nextSendAt - now());
      });
      clearTimeout(paceTimer);
    }
    clearTimeout(stopTimer);
    while (acked < next - 1 && !ended) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    call.end();
    const s = await status;
    if (s.code !== grpc.status.OK) {
      errors.push(now());
      if (errorMessages.length < 5) errorMessages.push(`stream ${k}: ${s.code} ${s.details}`);
    }
    client.close();
  };

  await Promise.all(job.streamIndexes.map((k) => runStream(k)));
  clearInterval(timer);
  flush();
  post({ type: 'done', errorMessages });
}

if ((workerData as LoadWorkerJob | undefined)?.role === 'fanin-load' && parentPort !== null) {
  const port = parentPort;
  await runLoadWorker(workerData as LoadWorkerJob, (m) => port.postMessage(m));
}
