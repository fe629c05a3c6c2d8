import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.js';
import { openWal } from './open-wal.js';

const APPENDER = join(import.meta.dirname, '../../test/fixtures/wal-appender.mjs');
const KILLS = 12;

/** Runs the appender until it has printed `minAcks` acks plus a random delay, then SIGKILLs it. */
function runAndKill(
  dir: string,
  seed: number,
  delayMs: number,
): Promise<{ acks: Map<bigint, number>; err: string }> {
  const child: ChildProcess = spawn(process.execPath, [APPENDER, dir, String(seed)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acks = new Map<bigint, number>();
  let out = '';
  let err = '';
  let armed = false;
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    const lines = out.split('\n');
    out = lines.pop() ?? ''; // a line cut by the kill is not an ack
    for (const line of lines) {
      const [kind, position, crc] = line.split(' ');
      if (kind === 'ack') acks.set(BigInt(position!), Number(crc));
      if (kind === 'ack' && !armed) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    }
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`appender exited by itself (${_code}): ${err}`));
      else resolve({ acks, err });
    });
  });
}

describe('a WAL appender killed at random moments', () => {
  it('keeps every acked entry, with its payload, contiguous, and nothing torn', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wal-crash-'));
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    let state = seed;
    const random = (): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const acked = new Map<bigint, number>();
    let tornTails = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const run = await runAndKill(dir, seed * 100 + kill, Math.floor(random() * 150));
      for (const [position, crc] of run.acks) acked.set(position, crc);

      await using wal = await openWal(dir);
      if (wal.recovery.tornTail) tornTails++;
      const context = `seed ${seed}, kill ${kill}`;
      let expected = 0n;
      for await (const { position, payload } of wal.replay(0n)) {
        expect(position, `${context}: positions contiguous`).toBe(expected++);
        const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
        expect(view.getUint32(0, true), `${context}: payload ${position} intact`).toBe(
          crc32c(payload.subarray(4)),
        );
        const ack = acked.get(position);
        if (ack !== undefined) expect(crc32c(payload), `${context}: acked payload ${position}`).toBe(ack);
      }
      expect(wal.nextPosition, `${context}: nothing after the last complete entry`).toBe(expected);
      for (const position of acked.keys())
        expect(position < expected, `${context}: acked position ${position} survived`).toBe(true);
    }
    expect(acked.size).toBeGreaterThan(KILLS);
    console.info(`wal crash test: seed ${seed}, ${acked.size} acked entries, ${tornTails} torn tails cut`);
  });
});
