/**
 * What the object-store adapters (Azure Blob Storage, S3) share: object names from table paths, the listing
 * rules of `Storage.list`/`listDetailed` over a folder's pages, errors, and telling a lost create from our own.
 */
import { posix } from 'node:path';
import { DeltaError } from '../errors.js';
import type { ObjectInfo, Storage, StorageDescription } from './storage.js';

/** An object as a listing page names it: its full name, bytes and last modification (ms since the epoch). */
export interface StoredObject {
  readonly key: string;
  readonly size: number;
  readonly modifiedMs: number;
}

/** The requests one adapter makes; {@link createObjectStorage} turns them into a {@link Storage}. */
export interface ObjectStoreClient {
  /** The objects directly in folder `prefix` (a full object-name prefix), in name order, page by page. */
  listFolder(prefix: string, startAfter: string | undefined): AsyncIterable<readonly StoredObject[]>;
  /** The object's bytes, `undefined` when it (or its container or bucket) does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Creates or replaces the object in one request (atomic on both services). */
  put(key: string, data: Uint8Array): Promise<void>;
  /** Creates the object only if absent (`If-None-Match: *`); `false` when the service says it exists. */
  putIfAbsent(key: string, data: Uint8Array): Promise<boolean>;
  /** Removes the object; no error when it is gone. */
  remove(key: string): Promise<void>;
}

/** True for a path whose last segment starts with `.` (hidden: never listed). */
function isHidden(path: string): boolean {
  return path.slice(path.lastIndexOf('/') + 1).startsWith('.');
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/**
 * A {@link Storage} over an object store whose table root is the object-name prefix `root` (`''` or ending in
 * `/`), described (for other threads) by `description`. Object stores write whole objects atomically, so
 * there are no temp objects: `listDetailed` flags none. A `putIfAbsent` that finds the object already there reads it back: when the bytes are its own (the SDK retried
 * a create whose first answer was lost), the create was this call's and it answers `true` — a commit is never
 * taken for a lost race, nor its data files deleted, because of a retry. Failures throw `DeltaError`
 * `STORAGE` naming the operation, the path and the location.
 */
export function createObjectStorage(
  description: StorageDescription,
  root: string,
  client: ObjectStoreClient,
): Storage {
  const { location } = description;
  const key = (path: string): string => {
    const normal = posix.normalize(path);
    if (normal.startsWith('..') || posix.isAbsolute(normal)) {
      throw new DeltaError('INVALID_ARGUMENT', `path "${path}" escapes the table at ${location}`);
    }
    return root + (normal === '.' ? '' : normal);
  };
  const failed = (op: string, path: string, cause: unknown): DeltaError =>
    cause instanceof DeltaError
      ? cause
      : new DeltaError('STORAGE', `${op} ${path} in ${location} failed: ${(cause as Error).message}`, {
          cause,
        });
  const folder = async (prefix: string, startAfter?: string): Promise<ObjectInfo[]> => {
    const out: ObjectInfo[] = [];
    try {
      for await (const page of client.listFolder(
        key(prefix),
        startAfter === undefined ? undefined : key(startAfter),
      )) {
        for (const o of page) {
          const path = o.key.slice(root.length);
          if (isHidden(path) || (startAfter !== undefined && path <= startAfter)) continue;
          out.push({ path, size: o.size, modifiedMs: o.modifiedMs, temp: false });
        }
      }
    } catch (cause) {
      throw failed('listing', prefix, cause);
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  };

  return {
    location,
    description,
    async list(prefix, options) {
      return (await folder(prefix, options?.startAfter)).map((o) => o.path);
    },
    listDetailed(prefix) {
      return folder(prefix);
    },
    async read(path) {
      try {
        return await client.get(key(path));
      } catch (cause) {
        throw failed('reading', path, cause);
      }
    },
    async write(path, data) {
      try {
        await client.put(key(path), data);
      } catch (cause) {
        throw failed('writing', path, cause);
      }
    },
    async putIfAbsent(path, data) {
      try {
        if (await client.putIfAbsent(key(path), data)) return true;
        const there = await client.get(key(path));
        return there !== undefined && equalBytes(there, data);
      } catch (cause) {
        throw failed('creating', path, cause);
      }
    },
    async delete(path) {
      try {
        await client.remove(key(path));
      } catch (cause) {
        throw failed('deleting', path, cause);
      }
    },
  };
}
