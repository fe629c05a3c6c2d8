import { parentPort, workerData } from 'node:worker_threads';
import { openTable, type Table } from '@lakestream/delta';

/** What the visibility poller is told (its `workerData`). */
export interface VisibilityPollerJob {
  role: 'fanin-visibility';
  location: string;
  periodMs: number;
}

/** One read of the table: epoch ms at which the snapshot read finished, and its `numRecords`. */
export interface VisibilityObservation {
  t: number;
  numRecords: number;
  /** The read failed (after the table existed). */
  error?: boolean;
}

/**
 * Reads the Delta table's latest snapshot every `periodMs` in its own thread (so that a saturated main thread
 * neither delays nor pays for the reads) and posts a {@link VisibilityObservation} per read, until told `stop`.
 */
export async function pollVisibility(
  job: VisibilityPollerJob,
  post: (o: VisibilityObservation) => void,
  stopped: () => boolean,
): Promise<void> {
  let table: Table | undefined;
  while (!stopped()) {
    const started = Date.now();
    try {
      table ??= await openTable(job.location);
      const snap = await table.snapshot();
      post({ t: performance.timeOrigin + performance.now(), numRecords: snap.numRecords ?? -1 });
    } catch {
      if (table !== undefined)
        post({ t: performance.timeOrigin + performance.now(), numRecords: -1, error: true });
    }
    await new Promise((r) => setTimeout(r, Math.max(0, job.periodMs - (Date.now() - started))));
  }
  await table?.close();
}

if ((workerData as VisibilityPollerJob | undefined)?.role === 'fanin-visibility' && parentPort !== null) {
  const port = parentPort;
  let stop = false;
  port.on('message', (m: string) => {
    if (m === 'stop') stop = true;
  });
  await pollVisibility(
    workerData as VisibilityPollerJob,
    (o) => port.postMessage(o),
    () => stop,
  );
  port.close();
}
