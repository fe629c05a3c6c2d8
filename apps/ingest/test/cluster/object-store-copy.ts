import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { openStorage } from '@lakestream/delta';

/**
 * Copies a table out of its object store into `dir` — its root objects (the data files) and `_delta_log/` —
 * reading through @lakestream/delta's storage adapter, so that an independent reader (the fault audit's
 * `readDeltaLog`, DuckDB) sees exactly the objects the nodes committed. Answers how many objects it copied.
 */
export async function copyTableFromStore(location: string, dir: string): Promise<number> {
  const storage = openStorage(location);
  const paths = [...(await storage.list('')), ...(await storage.list('_delta_log/'))];
  for (const path of paths) {
    const bytes = await storage.read(path);
    if (bytes === undefined) throw new Error(`${location}: ${path} was listed but cannot be read`);
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, bytes);
  }
  return paths.length;
}
