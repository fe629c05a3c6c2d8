import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Log } from '../base/log.js';
import { isAtomicTempFile } from '../base/write-file-atomic.js';
import { isDescriptorTempFile } from '../decode/descriptor-store.js';
import { stateTempFile } from '../pipeline/persistent-streams.js';
import type { OrphanCleanupMetrics } from './orphan-cleanup.js';

/**
 * Removes the temp files a crash can leave among the node's own state files (the data-directory layout of
 * `openIngestNode`): `<dataDir>/streams.json.tmp` (persistent-stream state), `<dataDir>/.held.json.tmp-…`
 * (held entries), `<dataDir>/.published.json.tmp-…` (the trim point) and `<dataDir>/descriptors/<sha256>.desc.tmp` (stored descriptors). Only this node writes them, so no age
 * window is needed — as long as it runs before the node opens them (then nothing writes them yet); the
 * catalog store removes its own temp files when it opens. Logs and counts what it removed
 * (`lakestream_orphan_files_removed_total{kind="state_temp"}`); a failure is logged, never thrown: a leftover
 * temp file costs disk space, not correctness (the next save overwrites it).
 */
export async function removeNodeTempFiles(
  dataDir: string,
  log: Log,
  metrics?: OrphanCleanupMetrics | undefined,
): Promise<{ paths: string[]; bytes: number }> {
  const paths: string[] = [];
  let bytes = 0;
  const remove = async (path: string): Promise<void> => {
    try {
      const { size } = await stat(path);
      await rm(path, { force: true });
      paths.push(path);
      bytes += size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        log.warn({ err, path }, 'cannot remove a leftover temp file');
      }
    }
  };
  await remove(stateTempFile(join(dataDir, 'streams.json')));
  for (const name of await readdir(dataDir).catch(() => [] as string[]))
    if (isAtomicTempFile(name, 'held.json') || isAtomicTempFile(name, 'published.json'))
      await remove(join(dataDir, name));
  const descriptors = join(dataDir, 'descriptors');
  let names: string[] = [];
  try {
    names = await readdir(descriptors);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warn({ err, dir: descriptors }, 'cannot list the descriptor directory for leftover temp files');
    }
  }
  for (const name of names) if (isDescriptorTempFile(name)) await remove(join(descriptors, name));
  if (paths.length > 0) {
    log.info({ files: paths.length, bytes, paths }, 'removed temp files a crash left in the data directory');
    metrics?.orphanFilesRemoved.inc({ kind: 'state_temp' }, paths.length);
    metrics?.orphanBytesRemoved.inc({ kind: 'state_temp' }, bytes);
  }
  return { paths, bytes };
}
