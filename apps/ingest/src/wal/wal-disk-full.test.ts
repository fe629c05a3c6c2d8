import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWal } from './open-wal.js';

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/wal-disk-full.mjs');

interface Outcome {
  acked: string[];
  errors: string[];
  late: string;
  poisoned: boolean;
  durable: string;
}

/** Runs the fixture with a 64 KiB file size limit (a real failing write, no mocks). */
function runWithFileSizeLimit(dir: string): Promise<Outcome> {
  const child = spawn('/bin/sh', ['-c', 'ulimit -f 64 && exec "$0" "$@"', process.execPath, FIXTURE, dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out) as Outcome);
      else reject(new Error(`fixture failed (${code}): ${err}`));
    });
  });
}

describe('a write that fails (file size limit: EFBIG)', () => {
  it('poisons the WAL: pending and later appends reject with IO, and only fsync-covered entries were acked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wal-full-'));
    const outcome = await runWithFileSizeLimit(dir);
    expect(outcome.errors).toHaveLength(8); // every concurrent caller saw the failure, none hung
    expect(new Set(outcome.errors)).toEqual(new Set(['WalError:IO']));
    expect(outcome.late).toBe('WalError:IO');
    expect(outcome.poisoned).toBe(true);
    expect(outcome.acked.length).toBeGreaterThan(0);

    // Every acked entry is there after a restart (the partial write at the limit is a torn tail, cut).
    await using wal = await openWal(dir);
    const positions: bigint[] = [];
    for await (const entry of wal.replay(0n)) positions.push(entry.position);
    expect(positions).toEqual(positions.map((_, i) => BigInt(i)));
    const maxAcked = Math.max(...outcome.acked.map(Number));
    expect(positions.length).toBeGreaterThan(maxAcked);
    expect(wal.nextPosition).toBeGreaterThanOrEqual(BigInt(outcome.durable));
  });
});
