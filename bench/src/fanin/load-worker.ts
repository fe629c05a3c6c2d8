import { parentPort, workerData } from 'node:worker_threads';
import { pushSdkStream } from '../ingest/push-sdk-stream.js';
import { epochNow, type PushStreamOptions, pushStream } from '../ingest/push-stream.js';
import type { LoadWorkerJob, LoadWorkerMessage } from './fanin-types.js';

/**
 * The fan-in load generator of one worker thread: its streams, each on its own connection (a grpc-js channel,
 * or an official SDK stream), started along the ramp, each with at most `inflight` unacked requests, sending
 * until `stopAt`. Posts a {@link LoadWorkerMessage} tick every 100 ms and `done` at the end.
 */
export async function runLoadWorker(job: LoadWorkerJob, post: (m: LoadWorkerMessage) => void): Promise<void> {
  if (job.client === 'sdk' && (job.rows.dataset !== 'neowise' || job.rows.format !== 'proto'))
    throw new Error(
      `--client sdk sends NEOWISE-like protobuf rows only, not ${job.rows.dataset} ${job.rows.format}`,
    );
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
      batches: job.batches,
      first: k,
      recordsPerRequest: job.recordsPerRequest,
      rows: job.rows,
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
