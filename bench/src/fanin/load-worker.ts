import { parentPort, workerData } from 'node:worker_threads';
import { pushSdkStream } from '../ingest/push-sdk-stream.js';
import { epochNow, type PushStreamOptions, pushStream } from '../ingest/push-stream.js';
import { encodeBatches } from '../ingest/request-encoding.js';
import type { LoadWorkerJob, LoadWorkerMessage } from './fanin-types.js';

/**
 * The fan-in load generator of one worker thread: its streams, each on its own connection (a grpc-js channel,
 * or an official SDK stream), started along the ramp, each with at most `inflight` unacked requests, sending
 * until `stopAt`. Posts a {@link LoadWorkerMessage} tick every 100 ms and `done` at the end.
 */
export async function runLoadWorker(job: LoadWorkerJob, post: (m: LoadWorkerMessage) => void): Promise<void> {
  // Small requests cycle through more distinct records (4,000 at most in all).
  const batches = encodeBatches(job.recordsPerRequest, Math.max(4, Math.floor(4000 / job.recordsPerRequest)));
  let acks: number[] = [];
  let errors: number[] = [];
  const errorMessages: string[] = [];
  const flush = () => {
    post({ type: 'tick', acks, errors });
    acks = [];
    errors = [];
  };
  const timer = setInterval(flush, 100);
  const push = job.client === 'sdk' ? pushSdkStream : pushStream;

  const runStream = async (k: number): Promise<void> => {
    await new Promise((r) => setTimeout(r, job.startAt + (job.rampMs * k) / job.totalStreams - epochNow()));
    if (epochNow() >= job.stopAt) return;
    const options: PushStreamOptions = {
      port: job.port,
      token: job.token,
      batches,
      first: k,
      recordsPerRequest: job.recordsPerRequest,
      request: job.request,
      inflight: job.inflight,
      stopAt: job.stopAt,
      bytesPerMs: job.bytesPerMsPerStream,
      onAck: (a) => acks.push(a.ackedAt, a.records, a.wireBytes, a.payloadBytes, a.ackedAt - a.sentAt),
    };
    const s = await push(options);
    if (s.code !== 0) {
      errors.push(epochNow());
      if (errorMessages.length < 5) errorMessages.push(`stream ${k}: ${s.code} ${s.details}`);
    }
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
