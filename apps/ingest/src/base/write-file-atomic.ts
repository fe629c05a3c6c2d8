import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PRIVATE_FILE_MODE } from './file-modes.js';

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** The file's mode. Default 0600: the node's files are its user's alone. */
  readonly mode?: number;
  /**
   * The temp file to write first, for a file whose crash leftover has one known name (`removeNodeTempFiles`
   * looks for it); a leftover there is overwritten. Default: a new `.<name>.tmp-<pid>-<random>` beside `path`
   * (see `isAtomicTempFile`).
   */
  readonly temp?: string;
}

/**
 * Replaces `path` with `data` so that a crash at any instant leaves either the old or the new content, never
 * a mix: write a temp file beside it, fsync it, rename over `path`, fsync the directory (so the rename itself
 * is durable). The temp file is removed when a step fails; the error is rethrown as is.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const temp =
    options.temp ?? join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const file = await open(temp, options.temp === undefined ? 'wx' : 'w', options.mode ?? PRIVATE_FILE_MODE);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Whether `name` is a temp file `writeFileAtomic` left behind for `target` (a crash before the rename). */
export function isAtomicTempFile(name: string, target: string): boolean {
  return name.startsWith(`.${target}.tmp-`);
}
