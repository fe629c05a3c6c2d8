import { DeltaError } from '../errors.js';
import type { JsonObject } from '../json.js';
import type { Storage } from '../storage/storage.js';
import { type Action, serializeCommit, type TxnAction } from './actions.js';
import { commitPath } from './log-paths.js';
import { readCommit } from './log-reader.js';
import { applyActions, type LogState } from './log-state.js';
import { assertCanWrite } from './protocol.js';

/** Identifies this writer in `commitInfo.engineInfo`. */
export const ENGINE_INFO = 'lakestream-delta/0.1.0';

/** What to commit. `actions` must not contain `txn` or `commitInfo`: those are added here. */
export interface CommitRequest {
  actions: readonly Action[];
  txn?: { appId: string; version: bigint };
  operation: string;
  operationParameters?: JsonObject;
  operationMetrics?: JsonObject;
  /** Attempts after the first lost race (default 15, as delta-rs). */
  maxRetries?: number;
}

/** How a commit ended. */
export interface CommitOutcome {
  /** The version written, or for a duplicate the version of the table that already covers the txn. */
  version: number;
  /** `false` when the txn was already covered (nothing written). */
  committed: boolean;
  /** Lost races before success. */
  retries: number;
}

function changesMetadataOrProtocol(actions: readonly Action[]): boolean {
  return actions.some((a) => 'metaData' in a || 'protocol' in a);
}

/**
 * Commits with optimistic concurrency (spec: Optimistic concurrency). Writes `N.json` with put-if-absent at
 * `state.version + 1`; on a lost race reads each winning commit: a protocol we cannot write aborts
 * (`PROTOCOL_CHANGED`), a metaData change aborts (`METADATA_CHANGED`; `state` is then at the latest version, so
 * the caller can re-check and retry), a txn of our appId at or above our version makes ours a duplicate
 * (returned with `committed: false`), anything else is retried at latest + 1 with the same actions.
 * `RETRIES_EXHAUSTED` after `maxRetries`. `state` is advanced to the version committed (or seen).
 */
export async function commitActions(
  storage: Storage,
  state: LogState,
  req: CommitRequest,
): Promise<CommitOutcome> {
  const { txn } = req;
  const covered = (): boolean =>
    txn !== undefined && (state.txns.get(txn.appId)?.version ?? -1n) >= txn.version;
  if (covered()) return { version: state.version, committed: false, retries: 0 };
  if (state.protocol !== undefined) assertCanWrite(state.protocol, storage.location);

  const readVersion = state.version;
  const maxRetries = req.maxRetries ?? 15;
  const ownsMetadata = changesMetadataOrProtocol(req.actions);
  const isBlindAppend = req.actions.every((a) => 'add' in a);
  const txnAction: TxnAction | undefined =
    txn === undefined ? undefined : { appId: txn.appId, version: txn.version, lastUpdated: Date.now() };
  const body: Action[] = [...req.actions];
  if (txnAction !== undefined) body.push({ txn: txnAction });

  for (let attempt = 0; attempt <= maxRetries; attempt++) {
    const version = state.version + 1;
    const commitInfo: JsonObject = {
      timestamp: Date.now(),
      operation: req.operation,
      operationParameters: req.operationParameters ?? {},
      readVersion,
      isolationLevel: 'Serializable',
      isBlindAppend,
      engineInfo: ENGINE_INFO,
    };
    if (req.operationMetrics !== undefined) commitInfo.operationMetrics = req.operationMetrics;
    const bytes = new TextEncoder().encode(serializeCommit([{ commitInfo }, ...body]));
    if (await storage.putIfAbsent(commitPath(version), bytes)) {
      applyActions(state, body, version);
      return { version, committed: true, retries: attempt };
    }
    // Lost the race: catch up with every winner before trying again.
    for (let v = version; ; v++) {
      const winner = await readCommit(storage, v);
      if (winner === undefined) break;
      applyActions(state, winner, v);
      for (const a of winner) {
        if ('protocol' in a) {
          try {
            assertCanWrite(a.protocol, storage.location);
          } catch (cause) {
            throw new DeltaError(
              'PROTOCOL_CHANGED',
              `table ${storage.location}: commit ${v} changed the protocol to one this writer cannot write (${(cause as Error).message})`,
              { cause },
            );
          }
        }
        if ('metaData' in a) {
          throw new DeltaError(
            'METADATA_CHANGED',
            `table ${storage.location}: commit ${v} changed the table's metaData (schema or properties) while this commit was in flight${ownsMetadata ? ' with its own metaData change' : ''}; the table is reloaded, check the schema and commit again`,
          );
        }
      }
      if (covered()) return { version: v, committed: false, retries: attempt + 1 };
    }
  }
  throw new DeltaError(
    'RETRIES_EXHAUSTED',
    `table ${storage.location}: lost the race for ${maxRetries + 1} versions in a row (last tried ${state.version + 1}); too many concurrent writers, retry later`,
  );
}
