import type { LogState } from '../log/log-state.js';

/** `delta.checkpointInterval` of the table: a positive integer, 10 when unset or invalid. */
export function checkpointInterval(state: LogState): number {
  const raw = state.metadata?.configuration['delta.checkpointInterval'];
  const n = raw === undefined ? 10 : Number.parseInt(raw, 10);
  return Number.isInteger(n) && n > 0 ? n : 10;
}

/** The newest version at or below `version` that is a multiple of the interval (0 before the first). */
export function lastScheduledCheckpoint(state: LogState, version: number): number {
  return version - (version % checkpointInterval(state));
}

/**
 * Whether the commit that wrote `version` is followed by a checkpoint: every `delta.checkpointInterval`
 * versions, and at any later commit while the newest checkpoint (`lastCheckpoint`, `undefined`: none or not
 * known) is older than the last scheduled one — a checkpoint due at a version whose writer died (or failed)
 * right after committing it is then written by the next commit instead of never.
 */
export function isCheckpointDue(
  state: LogState,
  version: number,
  lastCheckpoint: number | undefined,
): boolean {
  const scheduled = lastScheduledCheckpoint(state, version);
  return scheduled > 0 && (scheduled === version || (lastCheckpoint ?? -1) < scheduled);
}
