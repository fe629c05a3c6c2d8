import { DeltaError } from '../errors.js';
import type {
  Action,
  AddAction,
  MetadataAction,
  ProtocolAction,
  RemoveAction,
  TxnAction,
} from './actions.js';

/**
 * The mutable result of log replay up to `version` (spec: Reading a table): latest protocol and metaData win,
 * latest txn per appId wins, per path the newest add/remove wins. Kept by an open table and advanced commit by
 * commit, so a writer never replays the whole log again.
 */
export interface LogState {
  version: number;
  protocol: ProtocolAction | undefined;
  metadata: MetadataAction | undefined;
  files: Map<string, AddAction>;
  tombstones: Map<string, RemoveAction>;
  txns: Map<string, TxnAction>;
}

/** An empty state before version 0. */
export function createLogState(): LogState {
  return {
    version: -1,
    protocol: undefined,
    metadata: undefined,
    files: new Map(),
    tombstones: new Map(),
    txns: new Map(),
  };
}

/** Applies the actions of commit (or checkpoint) `version` in order. */
export function applyActions(s: LogState, actions: readonly Action[], version: number): void {
  for (const a of actions) {
    if ('add' in a) {
      s.files.set(a.add.path, a.add);
      s.tombstones.delete(a.add.path);
    } else if ('remove' in a) {
      s.files.delete(a.remove.path);
      s.tombstones.set(a.remove.path, a.remove);
    } else if ('txn' in a) {
      s.txns.set(a.txn.appId, a.txn);
    } else if ('metaData' in a) {
      s.metadata = a.metaData;
    } else if ('protocol' in a) {
      s.protocol = a.protocol;
    }
  }
  s.version = version;
}

/** Throws `CORRUPT_LOG` unless replay found a protocol and a metaData. */
export function assertComplete(
  s: LogState,
  location: string,
): asserts s is LogState & { protocol: ProtocolAction; metadata: MetadataAction } {
  if (s.protocol === undefined || s.metadata === undefined) {
    throw new DeltaError(
      'CORRUPT_LOG',
      `table ${location} at version ${s.version} has no ${s.protocol === undefined ? 'protocol' : 'metaData'} action; the log is incomplete`,
    );
  }
}
