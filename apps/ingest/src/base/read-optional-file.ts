import { readFile } from 'node:fs/promises';

/** The text of `path`, or `undefined` when it does not exist (a state file before its first save). Other
 * errors (permissions, a directory) are thrown as they are. */
export async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
