import { randomUUID } from 'node:crypto';
import { link, lstat, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import { DeltaError } from '../errors.js';
import type { ObjectInfo, Storage } from './storage.js';

/** Options of {@link createLocalStorage}. */
export interface LocalStorageOptions {
  /**
   * fsync every file written and the directory it lands in, so a commit survives a power loss (default `true`).
   * Turn off only for throwaway tables in tests or benchmarks.
   */
  fsync?: boolean;
}

/** The name of a temp file of this adapter's writes: `.<uuid>.tmp`, beside the file it becomes. */
const TEMP_NAME = /^\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/** Files stat'ed at once by `listDetailed`. */
const STAT_CONCURRENCY = 32;

/**
 * A {@link Storage} on a local directory (created on first write). `putIfAbsent` writes the whole content to a
 * temp file, fsyncs it, then `link`s it to the final name (EEXIST when another writer won) and unlinks the
 * temp: a reader never sees a partial commit (spec: Optimistic concurrency). `write` is temp file + rename.
 * Temp files are `.<uuid>.tmp` in the target's directory; a crash can leave one, which `listDetailed` reports
 * (`temp: true`) with the file's mtime. I/O failures throw `DeltaError` with code `STORAGE`.
 */
export function createLocalStorage(dir: string, options: LocalStorageOptions = {}): Storage {
  const root = resolve(dir);
  const sync = options.fsync ?? true;
  const abs = (path: string): string => {
    const normal = posix.normalize(path);
    if (normal.startsWith('..') || posix.isAbsolute(normal)) {
      throw new DeltaError('INVALID_ARGUMENT', `path "${path}" escapes the table directory ${root}`);
    }
    return join(root, normal);
  };
  const storageError = (op: string, path: string, cause: unknown): DeltaError =>
    new DeltaError('STORAGE', `${op} ${path} in ${root} failed: ${(cause as Error).message}`, { cause });

  const writeTemp = async (target: string, data: Uint8Array): Promise<string> => {
    const dirPath = dirname(target);
    await mkdir(dirPath, { recursive: true });
    const tmp = join(dirPath, `.${randomUUID()}.tmp`);
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      if (sync) await fh.datasync();
    } finally {
      await fh.close();
    }
    return tmp;
  };
  const syncDir = async (dirPath: string): Promise<void> => {
    if (!sync) return;
    const fh = await open(dirPath, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  };

  return {
    location: root,
    description: { location: root, options: { fsync: sync } },
    async list(prefix, listOptions) {
      const slash = prefix.lastIndexOf('/');
      const dirPart = slash < 0 ? '' : prefix.slice(0, slash + 1);
      const namePrefix = prefix.slice(slash + 1);
      let names: string[];
      try {
        names = await readdir(abs(dirPart || '.'));
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw storageError('listing', prefix, cause);
      }
      const startAfter = listOptions?.startAfter;
      return names
        .filter((n) => !n.startsWith('.') && n.startsWith(namePrefix))
        .map((n) => dirPart + n)
        .filter((p) => startAfter === undefined || p > startAfter)
        .sort();
    },
    async listDetailed(prefix) {
      const slash = prefix.lastIndexOf('/');
      const dirPart = slash < 0 ? '' : prefix.slice(0, slash + 1);
      const namePrefix = prefix.slice(slash + 1);
      const dirPath = abs(dirPart || '.');
      let names: string[];
      try {
        names = (await readdir(dirPath, { withFileTypes: true }))
          .filter((d) => d.isFile() && d.name.startsWith(namePrefix))
          .map((d) => d.name)
          .filter((n) => !n.startsWith('.') || TEMP_NAME.test(n))
          .sort();
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw storageError('listing', prefix, cause);
      }
      const out: (ObjectInfo | undefined)[] = new Array(names.length);
      let next = 0;
      const statNext = async (): Promise<void> => {
        while (next < names.length) {
          const i = next++;
          const name = names[i] as string;
          try {
            const st = await lstat(join(dirPath, name));
            out[i] = {
              path: dirPart + name,
              size: st.size,
              modifiedMs: st.mtimeMs,
              temp: name.startsWith('.'),
            };
          } catch (cause) {
            // Removed since the directory was read: not there any more.
            if ((cause as NodeJS.ErrnoException).code !== 'ENOENT')
              throw storageError('listing', prefix, cause);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(STAT_CONCURRENCY, names.length) }, statNext));
      return out.filter((o): o is ObjectInfo => o !== undefined);
    },
    async read(path) {
      const target = abs(path);
      try {
        return new Uint8Array(await readFile(target));
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw storageError('reading', path, cause);
      }
    },
    async write(path, data) {
      const target = abs(path);
      try {
        const tmp = await writeTemp(target, data);
        await rename(tmp, target);
        await syncDir(dirname(target));
      } catch (cause) {
        throw storageError('writing', path, cause);
      }
    },
    async putIfAbsent(path, data) {
      const target = abs(path);
      let tmp: string | undefined;
      try {
        tmp = await writeTemp(target, data);
        await link(tmp, target);
        await syncDir(dirname(target));
        return true;
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw storageError('creating', path, cause);
      } finally {
        if (tmp !== undefined) await unlink(tmp).catch(() => undefined);
      }
    },
    async delete(path) {
      const target = abs(path);
      try {
        await unlink(target);
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw storageError('deleting', path, cause);
      }
    },
  };
}
