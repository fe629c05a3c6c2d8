import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from './file-modes.js';
import { readOrCreateValueFile, type ValueFileKind } from './value-file.js';

/** What a node id looks like (`--node-id`, `<data-dir>/node-id`). */
export const NODE_ID: ValueFileKind & { readonly pattern: RegExp } = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
  isValid: (text) => NODE_ID.pattern.test(text),
  expected: 'an id of 1–63 letters, digits, dots, dashes or underscores',
};

/**
 * The node id kept in `<dataDir>/node-id` (0600): read, or created once as `node-<uuid>`. The one place that
 * file is read or written: `prepareDataDir` (the command line) and `openIngestNode` (a node opened without a
 * `nodeId`) both call it. Throws `ValueFileError` when the file cannot be read or created, or holds no valid
 * id. `created` is a notice line when the file was created.
 */
export function readOrCreateNodeId(dataDir: string): {
  readonly nodeId: string;
  readonly created: string | undefined;
} {
  const { value, created } = readOrCreateValueFile(
    join(dataDir, 'node-id'),
    () => `node-${randomUUID()}`,
    PRIVATE_FILE_MODE,
    NODE_ID,
  );
  return { nodeId: value, created };
}
