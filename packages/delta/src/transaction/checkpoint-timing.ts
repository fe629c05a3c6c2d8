import type { LogState } from '../log/log-state.js';

/** `delta.checkpointInterval` of the table: a positive integer, 10 when unset or invalid. */
export function checkpointInterval(state: LogState): number {
  const raw = state.metadata?.configuration['delta.checkpointInterval'];
  const n = raw === undefined ? 10 : Number.parseInt(raw, 10);
  return Number.isInteger(n) && n > 0 ? n : 10;
}

/** Whether the commit that wrote `version` is followed by a checkpoint: every `delta.checkpointInterval` versions. */
export function isCheckpointDue(state: LogState, version: number): boolean {
  return version > 0 && version % checkpointInterval(state) === 0;
}
