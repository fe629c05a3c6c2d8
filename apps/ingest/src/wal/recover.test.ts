import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWal } from './open-wal.js';
import type { Wal } from './wal.js';
import { isWalError, type WalError } from './wal-error.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'wal-recover-'));
}

function payload(i: number, size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, k) => (i * 131 + k * 7 + 1) & 0xff);
}

async function payloads(wal: Wal): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  let expected = 0n;
  for await (const entry of wal.replay(0n)) {
    expect(entry.position).toBe(expected++);
    out.push(entry.payload.slice());
  }
  return out;
}

function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wal'))
    .sort();
}

/** A one-segment WAL holding five entries; returns the file bytes and where the last frame starts. */
async function fiveEntries(): Promise<{
  name: string;
  bytes: Buffer;
  lastFrame: number;
  written: Uint8Array[];
}> {
  const dir = tempDir();
  const written = [10, 0, 33, 200, 100].map((size, i) => payload(i, size));
  {
    await using wal = await openWal(dir);
    for (const p of written) await wal.append([p]);
  }
  const name = segmentFiles(dir)[0]!;
  const bytes = readFileSync(join(dir, name));
  return { name, bytes, lastFrame: bytes.length - 8 - 100, written };
}

/** Reopens a copy of the segment whose bytes are `bytes`; returns what replays, then appends one more. */
async function reopen(
  name: string,
  bytes: Uint8Array,
): Promise<{ entries: Uint8Array[]; next: bigint; cut?: number }> {
  const dir = tempDir();
  writeFileSync(join(dir, name), bytes);
  await using wal = await openWal(dir);
  const entries = await payloads(wal);
  const next = wal.nextPosition;
  expect(next).toBe(BigInt(entries.length));
  // The log goes on after a cut tail: the next append lands right after the last complete entry.
  expect(await wal.append([payload(99, 5)])).toEqual([next]);
  rmSync(dir, { recursive: true });
  return { entries, next, ...(wal.recovery.tornTail ? { cut: wal.recovery.tornTail.offset } : {}) };
}

describe('recovery', () => {
  it('cuts a torn tail at every byte offset of the last frame, keeping exactly the entries before it', async () => {
    const { name, bytes, lastFrame, written } = await fiveEntries();
    for (let cut = lastFrame; cut < bytes.length; cut++) {
      const result = await reopen(name, bytes.subarray(0, cut));
      expect(result.entries, `cut at ${cut}`).toEqual(written.slice(0, 4));
      expect(result.cut, `cut at ${cut}`).toBe(cut === lastFrame ? undefined : lastFrame);
    }
    expect((await reopen(name, bytes)).entries).toEqual(written);
  });

  it('cuts the last frame when any byte of it is damaged', async () => {
    const { name, bytes, lastFrame, written } = await fiveEntries();
    for (let at = lastFrame; at < bytes.length; at++) {
      const damaged = Buffer.from(bytes);
      damaged[at] = damaged[at]! ^ 0x5a;
      const result = await reopen(name, damaged);
      expect(result.entries, `byte ${at} damaged`).toEqual(written.slice(0, 4));
      expect(result.cut).toBe(lastFrame);
    }
  });

  it('treats a zero-filled tail (what a power loss can leave past the last fsync) as torn', async () => {
    const { name, bytes, written } = await fiveEntries();
    const result = await reopen(name, Buffer.concat([bytes, Buffer.alloc(4096)]));
    expect(result.entries).toEqual(written);
    expect(result.cut).toBe(bytes.length);
  });

  it('rewrites a last segment whose header is torn (crash while creating it)', async () => {
    const { name, bytes, written } = await fiveEntries();
    const dir = tempDir();
    writeFileSync(join(dir, name), bytes);
    writeFileSync(join(dir, `${'5'.padStart(20, '0')}.wal`), bytes.subarray(0, 7));
    {
      await using wal = await openWal(dir);
      expect(await payloads(wal)).toEqual(written);
      expect(wal.recovery.tornTail?.offset).toBe(0);
      expect(await wal.append([payload(5, 3)])).toEqual([5n]);
    }
    await using wal = await openWal(dir);
    expect((await payloads(wal)).length).toBe(6);
  });

  describe('in a segment that is not the last', () => {
    // Three or more segments of 4 frames of 100 bytes.
    async function threeSegments(): Promise<{ dir: string; middle: string }> {
      const dir = tempDir();
      await using wal = await openWal(dir, { segmentBytes: 400, groupCommitMs: 0 });
      for (let i = 0; i < 12; i++) await wal.append([payload(i, 92)]);
      const files = segmentFiles(dir);
      expect(files.length).toBeGreaterThanOrEqual(3);
      return { dir, middle: join(dir, files[1]!) };
    }

    async function openError(dir: string): Promise<WalError> {
      const error = await openWal(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isWalError(error, 'CORRUPT'), String(error)).toBe(true);
      return error as WalError;
    }

    it('a damaged frame is corruption, named by file and offset', async () => {
      const { dir, middle } = await threeSegments();
      const bytes = readFileSync(middle);
      bytes[20 + 100 + 8 + 3] = bytes[20 + 100 + 8 + 3]! ^ 1; // payload of the second frame
      writeFileSync(middle, bytes);
      const error = await openError(dir);
      expect(error.file).toBe(middle);
      expect(error.offset).toBe(120);
      expect(error.message).toContain(middle);
      expect(error.message).toContain('offset 120');
      expect(readFileSync(middle)).toEqual(bytes); // left as found
    });

    it('a truncated segment is corruption', async () => {
      const { dir, middle } = await threeSegments();
      writeFileSync(middle, readFileSync(middle).subarray(0, statSync(middle).size - 1));
      expect((await openError(dir)).file).toBe(middle);
    });

    it('a missing segment (a gap in positions) is corruption', async () => {
      const { dir, middle } = await threeSegments();
      rmSync(middle);
      expect((await openError(dir)).message).toMatch(/starts at position \d+ but the segment before it/);
    });

    it('a damaged header is corruption', async () => {
      const { dir, middle } = await threeSegments();
      const bytes = readFileSync(middle);
      bytes[0] = 0;
      writeFileSync(middle, bytes);
      expect((await openError(dir)).offset).toBe(0);
    });
  });

  it('refuses a directory it cannot create as IO', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    const error = await openWal(join(file, 'wal')).catch((e: unknown) => e);
    expect(isWalError(error, 'IO')).toBe(true);
  });
});
