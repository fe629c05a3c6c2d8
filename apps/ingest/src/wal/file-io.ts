import { writevSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { ioError } from './wal-error.js';

/** How frames reach the file: `writevSync` on the event loop, or `FileHandle.writev` on the libuv pool. */
export type WriteMode = 'sync' | 'async';

/** At most this many buffers per writev call (Linux IOV_MAX). */
const IOV_MAX = 1024;

/**
 * Writes every byte of `buffers` at `offset` of `handle` (looping over short writes and IOV_MAX), in the
 * given mode. Throws an `IO` `WalError` naming `file` and the offset on failure.
 */
export async function writeAll(
  handle: FileHandle,
  file: string,
  buffers: readonly Uint8Array[],
  offset: number,
  mode: WriteMode,
): Promise<void> {
  let rest = buffers.filter((b) => b.length > 0);
  let at = offset;
  try {
    while (rest.length > 0) {
      const slice = rest.length > IOV_MAX ? rest.slice(0, IOV_MAX) : rest;
      const written =
        mode === 'sync' ? writevSync(handle.fd, slice, at) : (await handle.writev(slice, at)).bytesWritten;
      at += written;
      let skip = written;
      let i = 0;
      while (i < rest.length && skip >= rest[i]!.length) skip -= rest[i++]!.length;
      rest = rest.slice(i);
      if (skip > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(skip);
    }
  } catch (cause) {
    throw ioError('write', file, cause, at);
  }
}

/** fsyncs a directory, so that files created or deleted in it survive a crash. Throws an `IO` `WalError`. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (cause) {
    throw ioError('directory fsync', dir, cause);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
