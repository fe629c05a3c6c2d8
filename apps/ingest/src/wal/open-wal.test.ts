import { mkdtempSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWal } from './open-wal.js';
import type { Wal, WalEntry } from './wal.js';
import { isWalError } from './wal-error.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'wal-'));
}

/** Payload i: recognisable bytes of a length that varies with i (0 included). */
function payload(i: number, size = (i * 37) % 300): Uint8Array {
  return Uint8Array.from({ length: size }, (_, k) => (i * 31 + k) & 0xff);
}

async function all(wal: Wal, from = 0n): Promise<WalEntry[]> {
  const entries: WalEntry[] = [];
  for await (const entry of wal.replay(from))
    entries.push({ position: entry.position, payload: entry.payload.slice() });
  return entries;
}

function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wal'))
    .sort();
}

describe('openWal', () => {
  it('shows every verified entry to onRecoveredEntry at open, in order across segments, and no torn one', async () => {
    const dir = tempDir();
    {
      await using wal = await openWal(dir, { segmentBytes: 512 });
      for (let i = 0; i < 20; i++) await wal.append([payload(i, 100)]);
    }
    // Tear the last frame of the last segment.
    const last = join(dir, segmentFiles(dir).at(-1)!);
    truncateSync(last, statSync(last).size - 3);
    const seen: WalEntry[] = [];
    await using wal = await openWal(dir, {
      segmentBytes: 512,
      onRecoveredEntry: (e) => seen.push({ position: e.position, payload: e.payload.slice() }),
    });
    expect(segmentFiles(dir).length).toBeGreaterThan(3);
    expect(seen).toEqual(
      Array.from({ length: 19 }, (_, i) => ({ position: BigInt(i), payload: payload(i, 100) })),
    );
    expect(wal.nextPosition).toBe(19n);
    expect(wal.oldestPosition).toBe(0n);
  });

  it('round-trips entries, in order, across a reopen', async () => {
    const dir = tempDir();
    {
      await using wal = await openWal(dir);
      expect(wal.nextPosition).toBe(0n);
      expect(await wal.append([payload(0), payload(1)])).toEqual([0n, 1n]);
      expect(await wal.append([payload(2)])).toEqual([2n]);
      expect(await wal.append([])).toEqual([]);
      expect(wal.pendingBytes).toBe(0);
      expect((await all(wal)).map((e) => e.position)).toEqual([0n, 1n, 2n]);
    }
    await using wal = await openWal(dir);
    expect(wal.nextPosition).toBe(3n);
    expect(wal.recovery).toEqual({ segments: 1, entries: 3 });
    const entries = await all(wal);
    expect(entries).toEqual([0, 1, 2].map((i) => ({ position: BigInt(i), payload: payload(i) })));
    expect((await all(wal, 2n)).map((e) => e.position)).toEqual([2n]);
    expect(await wal.append([payload(3)])).toEqual([3n]);
  });

  it('logs a payload given in parts as one entry, small parts copied and large ones written in place', async () => {
    const dir = tempDir();
    const parts = [payload(1, 5), payload(2, 0), payload(3, 40_000), payload(4, 17), payload(5, 20_000)];
    const whole = Uint8Array.from(parts.flatMap((p) => [...p]));
    {
      await using wal = await openWal(dir);
      expect(await wal.append([parts, payload(6), [payload(7, 3)]])).toEqual([0n, 1n, 2n]);
      expect(wal.stats().bytes).toBe(whole.length + payload(6).length + 3 + 3 * 8);
    }
    // Reopened: every frame's checksum verified by recovery, the parts read back as one payload.
    await using wal = await openWal(dir);
    expect(wal.recovery).toEqual({ segments: 1, entries: 3 });
    expect(await all(wal)).toEqual([
      { position: 0n, payload: whole },
      { position: 1n, payload: payload(6) },
      { position: 2n, payload: payload(7, 3) },
    ]);
  });

  it('names segments by their first position, rolls past segmentBytes and replays across segments', async () => {
    const dir = tempDir();
    const options = { segmentBytes: 1024, groupCommitMs: 0 };
    {
      await using wal = await openWal(dir, options);
      for (let i = 0; i < 40; i++) await wal.append([payload(i, 100)]);
      // A large concurrent burst rolls segments inside one group commit.
      await Promise.all(Array.from({ length: 40 }, (_, i) => wal.append([payload(40 + i, 100)])));
      expect(wal.stats().segments).toBe(segmentFiles(dir).length);
    }
    const files = segmentFiles(dir);
    expect(files.length).toBeGreaterThan(5);
    expect(files[0]).toBe('00000000000000000000.wal');
    await using wal = await openWal(dir, options);
    const entries = await all(wal);
    expect(entries.map((e) => e.payload)).toEqual(Array.from({ length: 80 }, (_, i) => payload(i, 100)));
    expect(entries.map((e) => e.position)).toEqual(Array.from({ length: 80 }, (_, i) => BigInt(i)));
    // Each file is named after the position of its first entry: 20-byte header + 10 frames of 108 bytes
    // pass 1024, so every segment but the last holds 10 entries.
    expect(files).toEqual(files.map((_, i) => `${(i * 10).toString().padStart(20, '0')}.wal`));
  });

  it('group commit covers many appends with one fsync (bytes threshold and timer)', async () => {
    const dir = tempDir();
    {
      await using wal = await openWal(dir, { groupCommitBytes: 1 << 30, groupCommitMs: 50 });
      const positions = await Promise.all(
        Array.from({ length: 100 }, (_, i) => wal.append([payload(i, 64)])),
      );
      expect(positions.flat()).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i)));
      expect(wal.stats()).toMatchObject({ fsyncs: 1, entries: 100, durablePosition: 100n });
    }
    {
      // 1000 bytes: the 5th 208-byte frame starts a commit; the next 5, appended while it runs, share one more.
      await using wal = await openWal(dir, { groupCommitBytes: 1000, groupCommitMs: 60_000 });
      await Promise.all(Array.from({ length: 10 }, (_, i) => wal.append([payload(i, 200)])));
      expect(wal.stats()).toMatchObject({ fsyncs: 2, entries: 10, durablePosition: 110n });
    }
  });

  it('reports the duration of every fdatasync (the fsync-latency metric)', async () => {
    const durations: number[] = [];
    await using wal = await openWal(tempDir(), { onFsync: (seconds) => durations.push(seconds) });
    for (let i = 0; i < 3; i++) await wal.append([payload(i, 64)]);
    expect(durations).toHaveLength(wal.stats().fsyncs);
    expect(durations.length).toBeGreaterThanOrEqual(3);
    for (const seconds of durations) expect(seconds).toBeGreaterThan(0);
  });

  it('close flushes pending appends; later appends reject with CLOSED', async () => {
    const dir = tempDir();
    const wal = await openWal(dir, { groupCommitBytes: 1 << 30, groupCommitMs: 60_000 });
    const pending = wal.append([payload(1)]);
    expect(wal.pendingBytes).toBe(8 + payload(1).length);
    await wal.close();
    expect(await pending).toEqual([0n]);
    await wal.close(); // idempotent
    const error = await wal.append([payload(2)]).catch((e: unknown) => e);
    expect(isWalError(error, 'CLOSED')).toBe(true);
    await using again = await openWal(dir);
    expect(again.nextPosition).toBe(1n);
  });

  it('trim deletes only segments whose every entry is below upTo, never the active one', async () => {
    const dir = tempDir();
    const options = { segmentBytes: 512, groupCommitMs: 0 };
    {
      await using wal = await openWal(dir, options);
      for (let i = 0; i < 30; i++) await wal.append([payload(i, 100)]); // 4 frames per segment
      const before = segmentFiles(dir);
      const firsts = before.map((f) => BigInt(f.slice(0, 20)));
      // upTo inside the third segment: the first two go, the third (holding upTo - 1 and upTo) stays.
      const upTo = firsts[2]! + 1n;
      await wal.trim(upTo);
      expect(segmentFiles(dir)).toEqual(before.slice(2));
      expect((await all(wal, upTo)).map((e) => e.position)).toEqual(
        Array.from({ length: 30 - Number(upTo) }, (_, i) => upTo + BigInt(i)),
      );
      expect((await all(wal, 0n))[0]!.position).toBe(firsts[2]);
      // upTo equal to a segment's end deletes it, exactly.
      await wal.trim(firsts[3]!);
      expect(segmentFiles(dir)).toEqual(before.slice(3));
      // Past the durable position: refused (nothing there can be published), nothing deleted.
      await expect(wal.trim(31n)).rejects.toThrow(/only positions below 30 are durable/);
      expect(segmentFiles(dir)).toEqual(before.slice(3));
      // Everything published: only the active segment is left.
      expect(wal.oldestPosition).toBe(firsts[3]);
      await wal.trim(30n);
      expect(segmentFiles(dir)).toEqual(before.slice(-1));
      expect(wal.stats().segments).toBe(1);
      expect(wal.oldestPosition).toBe(firsts.at(-1));
    }
    await using wal = await openWal(dir, options);
    expect(wal.nextPosition).toBe(30n);
    expect(await wal.append([payload(30)])).toEqual([30n]);
  });

  it('positions continue after every segment was trimmed and the active one was sealed empty of work', async () => {
    const dir = tempDir();
    const options = { segmentBytes: 200, groupCommitMs: 0 };
    for (let round = 0; round < 3; round++) {
      await using wal = await openWal(dir, options);
      expect(wal.nextPosition).toBe(BigInt(round * 5));
      for (let i = 0; i < 5; i++) await wal.append([payload(i, 150)]);
      await wal.trim(wal.nextPosition);
      expect(segmentFiles(dir)).toHaveLength(1);
    }
  });

  it('starts an empty directory at firstPosition, and ignores it once segments exist', async () => {
    const dir = tempDir();
    {
      await using wal = await openWal(dir, { firstPosition: 1000n });
      expect(await wal.append([payload(1)])).toEqual([1000n]);
    }
    expect(segmentFiles(dir)).toEqual(['00000000000000001000.wal']);
    await using wal = await openWal(dir, { firstPosition: 5n });
    expect(wal.nextPosition).toBe(1001n);
  });

  it('refuses payloads over the frame limit without poisoning the log', async () => {
    await using wal = await openWal(tempDir());
    await expect(wal.append([new Uint8Array(256 * 1024 * 1024 + 1)])).rejects.toThrow(RangeError);
    expect(await wal.append([payload(1)])).toEqual([0n]);
  });

  it('streams large entries (bigger than a read chunk) and the sync write mode', async () => {
    const dir = tempDir();
    const big = Uint8Array.from({ length: 3 * 1024 * 1024 + 5 }, (_, k) => (k * 7) & 0xff);
    {
      await using wal = await openWal(dir, { writeMode: 'sync' });
      await wal.append([payload(0), big, payload(2)]);
    }
    await using wal = await openWal(dir);
    const entries = await all(wal);
    expect(entries.map((e) => e.payload.length)).toEqual([0, big.length, payload(2).length]);
    expect(Buffer.compare(entries[1]!.payload, big)).toBe(0);
  });
});
