import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from './file-modes.js';
import { readOrCreateValueFile, type ValueFileKind } from './value-file.js';

/**
 * One life of a WAL directory. WAL positions count entries of one WAL only: a WAL started afresh (a new data
 * directory or volume under an old `--node-id`) counts from 0 again, and a copied one repeats another's. So
 * the `txn.appId` of this node's commits names the incarnation beside the node id (`publish/txn-app-id.ts`):
 * two writers never share an appId unless one's WAL directory is a copy of the other's.
 */
export interface WalIncarnation {
  /** 16 random hex digits, created with the WAL directory's `incarnation` file. */
  readonly id: string;
  /**
   * The WAL's next position when the incarnation was created: 0 for a new WAL; for a WAL written before
   * incarnations existed, positions below it were committed under the former appId `<nodeId>:<table>`.
   */
  readonly firstPosition: bigint;
}

/** What the `incarnation` file holds: `<id> from <firstPosition>`. */
const LINE = /^([0-9a-f]{16}) from (0|[1-9][0-9]*)$/;

const INCARNATION_FILE: ValueFileKind = {
  isValid: (text) => LINE.test(text),
  expected: "a WAL incarnation, '<16 hex digits> from <WAL position>'",
};

/**
 * The incarnation kept in `<walDir>/incarnation` (0600) beside the WAL segments: read, or created once with
 * `nextPosition` (the opened WAL's) as its first position — call it after the WAL is opened and before anything
 * is appended or published. Never delete the file while the WAL holds entries: they would be published
 * again under a new appId. Throws `ValueFileError` when it cannot be read or created, or holds no incarnation.
 * `created` is a notice line when the file was created.
 */
export function readOrCreateWalIncarnation(
  walDir: string,
  nextPosition: bigint,
): { readonly incarnation: WalIncarnation; readonly created: string | undefined } {
  const { value, created } = readOrCreateValueFile(
    join(walDir, 'incarnation'),
    () => `${randomBytes(8).toString('hex')} from ${nextPosition}`,
    PRIVATE_FILE_MODE,
    INCARNATION_FILE,
  );
  const [, id, first] = LINE.exec(value) as RegExpExecArray;
  return { incarnation: { id: id!, firstPosition: BigInt(first!) }, created };
}
