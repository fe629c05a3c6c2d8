import type { SpawnedNode } from '../support/child-node.js';
import { type AuditReport, auditRun } from './audit.js';
import { within } from './faults.js';
import { type Fleet, SMALL_LOAD } from './producers.js';

/** The audit of a run and what went wrong in its last run, together. */
export interface RunVerdict {
  readonly report: AuditReport;
  /** The last run's problems, then the audit's failures: empty when every promise held. */
  readonly failures: readonly string[];
}

/**
 * Ends a run on `node` (spawned, maybe not ready yet): every producer re-sends what it must, sends `requests`
 * more and finishes; the node logs "recovery done" (its backlog is in the tables); SIGTERM must stop it with
 * exit 0 (publishing the rest). Whatever fails there is recorded, not thrown, and the audit runs anyway: what
 * it finds is the diagnosis. Bounded: 2 min for the producers, 3 for the recovery, 1 for the stop.
 */
export async function finishAndAudit(
  node: SpawnedNode,
  fleet: Fleet,
  dataDir: string,
  requests = 10,
): Promise<RunVerdict> {
  const lastRun: string[] = [];
  try {
    const { port } = await within(node.ready, 120_000, 'the last node to be ready');
    await fleet.finish(port, SMALL_LOAD, requests, AbortSignal.timeout(120_000));
    await within(node.recovered, 180_000, 'the last node to log "recovery done"');
  } catch (err) {
    lastRun.push(`the last run failed: ${(err as Error).message}`);
  }
  node.process.kill('SIGTERM');
  const exit = await within(node.exited, 60_000, 'the last node to stop').catch((err: Error) => {
    node.process.kill('SIGKILL');
    return err.message;
  });
  if (exit !== 0) lastRun.push(`the last node did not stop cleanly on SIGTERM: ${exit}\n${node.stderr()}`);
  const report = await auditRun(dataDir, fleet);
  return { report, failures: [...lastRun, ...report.failures] };
}

/** Kills `node` if it still runs (a test's `finally`) and waits for it to exit. */
export async function stopIfRunning(node: SpawnedNode | undefined): Promise<void> {
  if (node === undefined || node.process.exitCode !== null || node.process.signalCode !== null) return;
  node.process.kill('SIGKILL');
  await node.exited;
}
