import type { WalIncarnation } from '../base/wal-incarnation.js';

/**
 * Who commits: this node and the WAL whose positions its `txn.version`s are. The `txn.appId` formats, the one
 * place they are written (the cluster audit checks each appId's versions only grow):
 * - `<nodeId>:<incarnation>:<table>` for a table's publishes (`version`: the highest WAL position in the commit);
 * - `<nodeId>:<incarnation>:quarantine:<position>` for a held entry put in the quarantine table.
 * Positions below `incarnation.firstPosition` were written before incarnations existed, under the former
 * `<nodeId>:<table>` and `<nodeId>:quarantine:<position>`.
 */
export interface WriterIdentity {
  readonly nodeId: string;
  readonly incarnation: WalIncarnation;
}

/** The appId of this writer's commits to `table`. */
export function tableAppId(writer: WriterIdentity, table: string): string {
  return `${writer.nodeId}:${writer.incarnation.id}:${table}`;
}

/**
 * The appId this node's WAL committed `table` under before it had an incarnation, and the positions it may
 * cover (those below `below`); `undefined` for a WAL created with its incarnation.
 */
export function formerTableAppId(
  writer: WriterIdentity,
  table: string,
): { readonly appId: string; readonly below: bigint } | undefined {
  const below = writer.incarnation.firstPosition;
  return below === 0n ? undefined : { appId: `${writer.nodeId}:${table}`, below };
}

/** The appId of the quarantine commit of the held entry at `position` (the former form below the first position). */
export function quarantineAppId(writer: WriterIdentity, position: bigint): string {
  return position < writer.incarnation.firstPosition
    ? `${writer.nodeId}:quarantine:${position}`
    : `${writer.nodeId}:${writer.incarnation.id}:quarantine:${position}`;
}
