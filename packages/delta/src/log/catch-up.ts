import type { Storage } from '../storage/storage.js';
import { readLastCheckpoint } from './checkpoint.js';
import { loadLogState, readCommit } from './log-reader.js';
import { applyActions, type LogState } from './log-state.js';

/** Commits a handle replays one by one when catching up; further behind it reloads from a checkpoint. */
const CATCH_UP_LIMIT = 100;

/**
 * Advances `state` to the table's latest version (commits by other writers): replays the commits after it one
 * by one, or, when the newest checkpoint is more than {@link CATCH_UP_LIMIT} versions ahead, reloads from that
 * checkpoint (cheaper). Errors are the log reader's (`CORRUPT_LOG`, `STORAGE`).
 */
export async function catchUp(storage: Storage, state: LogState): Promise<void> {
  // Far behind (another writer wrote many commits): a fresh load from its newest checkpoint is cheaper.
  const last = await readLastCheckpoint(storage);
  if (last !== undefined && last.version > state.version + CATCH_UP_LIMIT) {
    Object.assign(state, await loadLogState(storage));
    return;
  }
  for (;;) {
    const next = await readCommit(storage, state.version + 1);
    if (next === undefined) return;
    applyActions(state, next, state.version + 1);
  }
}
