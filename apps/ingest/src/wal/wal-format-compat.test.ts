import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWal } from './open-wal.js';

// Segments written by the WAL of commit 2c44c84 (slicing-by-8 CRC32C), before the checksum loop was rewritten:
// `openWal(dir, { segmentBytes: 16 KiB })`, one append per size below, then one append of all of them again.
const FIXTURE = new URL('../../test/fixtures/wal-before-slicing16', import.meta.url);
const SIZES = [0, 1, 3, 15, 16, 17, 31, 33, 100, 1000, 4097, 20000];

function payload(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (Math.imul(i + 1, 2654435761) ^ seed) >>> 24);
}

describe('WAL on-disk format', () => {
  it('recovers and replays segments written before the CRC32C rewrite, every frame intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wal-compat-'));
    try {
      cpSync(FIXTURE, dir, { recursive: true });
      const wal = await openWal(dir);
      expect(wal.recovery.tornTail).toBeUndefined();
      const got: Uint8Array[] = [];
      for await (const e of wal.replay(0n)) got.push(e.payload.slice());
      const expected = [...SIZES, ...SIZES].map((n, k) => payload(n, k));
      expect(got).toEqual(expected);
      // And appending continues after them.
      expect(wal.nextPosition).toBe(BigInt(expected.length));
      await wal.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
