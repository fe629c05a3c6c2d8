import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE } from '../base/file-modes.js';
import { writeFileAtomic } from '../base/write-file-atomic.js';

/** SHA-256 of nothing-at-all stands for "no descriptor" (JSON streams) in the WAL. */
export const NO_DESCRIPTOR = new Uint8Array(32);

/**
 * The descriptors records were logged with, by SHA-256, under `<dataDir>/descriptors/`. A descriptor is
 * written (and fsync'd) before the first WAL entry that names it, so recovery can always decode a logged
 * record again. Small: one file per distinct schema a producer ever used.
 */
export interface DescriptorStore {
  /** Stores the descriptor if new; resolves with its hash once it is durable. */
  put(descriptor: Uint8Array): Promise<Uint8Array>;
  /** The descriptor with this hash; throws if it was never stored. */
  get(hash: Uint8Array): Promise<Uint8Array>;
}

/** Opens (creating) the store under `dir`. */
export async function openDescriptorStore(dir: string): Promise<DescriptorStore> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const known = new Map<string, Promise<void>>();
  const byHash = new Map<string, Uint8Array>();
  return {
    put(descriptor) {
      const hash = createHash('sha256').update(descriptor).digest();
      const hex = hash.toString('hex');
      let done = known.get(hex);
      if (done === undefined) {
        const file = join(dir, `${hex}.desc`);
        done = writeFileAtomic(file, descriptor, { temp: `${file}.tmp` });
        known.set(hex, done);
        byHash.set(hex, descriptor.slice());
        done.catch(() => known.delete(hex));
      }
      return done.then(() => new Uint8Array(hash));
    },
    async get(hash) {
      const hex = Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex');
      const hit = byHash.get(hex);
      if (hit !== undefined) return hit;
      const bytes = new Uint8Array(await readFile(join(dir, `${hex}.desc`)));
      byHash.set(hex, bytes);
      return bytes;
    },
  };
}

/** Whether `name` is the temp file of a descriptor write a crash interrupted (`<sha256>.desc.tmp`). */
export function isDescriptorTempFile(name: string): boolean {
  return /^[0-9a-f]{64}\.desc\.tmp$/.test(name);
}
