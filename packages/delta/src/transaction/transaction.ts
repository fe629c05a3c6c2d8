/**
 * The transaction part of a write (as delta-rs separates it from writing data files): checks the actions
 * against the table, commits them with the application `txn` through optimistic concurrency (conflict checks
 * and retries are `commitActions`'), then writes the checkpoint when one is due.
 */
import { DeltaError } from '../errors.js';
import { parseJson } from '../json.js';
import type { Action, AddAction, MetadataAction } from '../log/actions.js';
import { readLastCheckpoint } from '../log/checkpoint.js';
import { type CommitRequest, commitActions } from '../log/commit.js';
import type { LogState } from '../log/log-state.js';
import { assertCanWrite } from '../log/protocol.js';
import { toArrowSchema } from '../schema/arrow-schema.js';
import { assertAdditiveEvolution, parseDeltaSchema } from '../schema/delta-schema.js';
import type { Storage } from '../storage/storage.js';
import { isCheckpointDue, lastScheduledCheckpoint } from './checkpoint-timing.js';

/** The application transaction of a commit: exactly-once publishing (spec: Exactly-once publishing with txn). */
export interface TxnId {
  appId: string;
  /** Must grow with every commit of `appId`; a commit at or below the table's latest for `appId` is a no-op. */
  version: bigint | number;
}

/** Options of `append` and `commit`. */
export interface CommitOptions {
  txn?: TxnId;
  /** `commitInfo.operation` (default `STREAMING UPDATE` with a txn, else `WRITE`). */
  operation?: string;
}

/** The result of `append` or `commit`. */
export interface CommitResult {
  /** The version written; for a duplicate, the table version that already covers the txn. */
  version: number;
  /** `false` when the txn was already covered and nothing was committed. */
  committed: boolean;
  /** Lost races before success. */
  retries: number;
  /** The data files added (empty for a duplicate: its files are deleted again). */
  files: AddAction[];
  /** Whether this commit also wrote a checkpoint. */
  checkpointed: boolean;
}

/** The `txn` as the log holds it. `INVALID_ARGUMENT` for an empty appId or a number version that is not exact. */
export function normalizeTxn(txn: TxnId | undefined): { appId: string; version: bigint } | undefined {
  if (txn === undefined) return undefined;
  if (typeof txn.version === 'number' && !Number.isSafeInteger(txn.version)) {
    throw new DeltaError(
      'INVALID_ARGUMENT',
      `txn.version ${txn.version} is not an exact integer; pass a bigint`,
    );
  }
  if (txn.appId === '') throw new DeltaError('INVALID_ARGUMENT', 'txn.appId must not be empty');
  return { appId: txn.appId, version: BigInt(txn.version) };
}

/**
 * Refuses actions this writer must not commit: `txn`/`commitInfo` (`INVALID_ARGUMENT`: the library writes
 * them), a data-changing remove on an append-only table (`APPEND_ONLY`), a protocol we cannot write
 * (`UNSUPPORTED_FEATURE`), a metaData whose schema does not extend the current one additively.
 */
function assertCommittable(state: LogState, actions: readonly Action[], location: string): void {
  const appendOnly = state.metadata?.configuration['delta.appendOnly'] === 'true';
  for (const a of actions) {
    if ('txn' in a || 'commitInfo' in a) {
      throw new DeltaError(
        'INVALID_ARGUMENT',
        'pass txn through options.txn; commitInfo is written by the library',
      );
    }
    if ('remove' in a && a.remove.dataChange && appendOnly) {
      throw new DeltaError(
        'APPEND_ONLY',
        `table ${location} is append-only (delta.appendOnly=true); removing ${a.remove.path} is not allowed`,
      );
    }
    if ('protocol' in a) assertCanWrite(a.protocol, location);
    if ('metaData' in a) {
      const prev = parseDeltaSchema(parseJson((state.metadata as MetadataAction).schemaString), 'log');
      const next = parseDeltaSchema(parseJson(a.metaData.schemaString));
      toArrowSchema(next);
      assertAdditiveEvolution(prev, next);
    }
  }
}

/** The table a transaction commits to, and what it does after a commit. */
export interface TransactionTarget {
  storage: Storage;
  /** The handle's replayed log state; advanced to the version committed (or seen). */
  state: LogState;
  /** Commit attempts after the first lost race (default 15). */
  maxRetries?: number | undefined;
  /** Writes the checkpoint of `state`'s version, when {@link isCheckpointDue}. */
  writeCheckpoint: () => Promise<void>;
  /**
   * The newest checkpoint version the handle knows of (`undefined`: not read yet): set when it writes one,
   * and read again from `_last_checkpoint` only when a checkpoint may be missing.
   */
  lastCheckpoint: number | undefined;
}

/**
 * Whether to checkpoint after committing `version` ({@link isCheckpointDue}). Off a multiple of the interval
 * it first reads `_last_checkpoint`: another writer may have written the checkpoint this handle missed. A
 * failed read answers `false` (checkpoints are best effort; the next commit asks again).
 */
async function wantsCheckpoint(target: TransactionTarget, version: number): Promise<boolean> {
  const { state } = target;
  if (!isCheckpointDue(state, version, target.lastCheckpoint)) return false;
  if (lastScheduledCheckpoint(state, version) === version) return true;
  try {
    target.lastCheckpoint = (await readLastCheckpoint(target.storage))?.version;
  } catch {
    return false;
  }
  return isCheckpointDue(state, version, target.lastCheckpoint);
}

/**
 * Commits `actions` (with `options.txn`, commitInfo and, for `files`, operation metrics) as one version.
 * A txn already covered returns `committed: false` with nothing written. Errors: those of
 * {@link assertCommittable} and of `commitActions` (`PROTOCOL_CHANGED`, `METADATA_CHANGED`,
 * `RETRIES_EXHAUSTED`, `STORAGE`). A due checkpoint is best effort: a failed one costs readers time, never
 * correctness, shows only as `checkpointed: false`, and is written by a later commit instead. Callers run one transaction of a handle at a time.
 */
export async function commitTransaction(
  target: TransactionTarget,
  actions: readonly Action[],
  options: CommitOptions,
  files: AddAction[],
): Promise<CommitResult> {
  const { storage, state } = target;
  const txn = normalizeTxn(options.txn);
  assertCommittable(state, actions, storage.location);
  const req: CommitRequest = {
    actions,
    operation: options.operation ?? (txn !== undefined ? 'STREAMING UPDATE' : 'WRITE'),
  };
  if (txn !== undefined) {
    req.txn = txn;
    req.operationParameters = { appId: txn.appId, version: txn.version, outputMode: 'Append' };
  }
  if (files.length > 0) {
    req.operationMetrics = {
      numFiles: String(files.length),
      numOutputBytes: String(files.reduce((n, f) => n + f.size, 0)),
    };
  }
  if (target.maxRetries !== undefined) req.maxRetries = target.maxRetries;
  const outcome = await commitActions(storage, state, req);
  let checkpointed = false;
  if (outcome.committed && (await wantsCheckpoint(target, outcome.version))) {
    // Best effort: a failed checkpoint costs readers time, never correctness (the next commit tries again).
    checkpointed = await target.writeCheckpoint().then(
      () => true,
      () => false,
    );
    if (checkpointed) target.lastCheckpoint = outcome.version;
  }
  return { ...outcome, files: outcome.committed ? files : [], checkpointed };
}
