import { execFile } from 'node:child_process';
import { mkdir, statfs } from 'node:fs/promises';
import { promisify } from 'node:util';

/*
 * Real faults for the fault suite: a table store or WAL disk that is full (a size-limited tmpfs) or
 * unwritable (`chattr +i`), then back. They need root (mount, chattr); `rootOnly` says why a case is skipped
 * otherwise. Every fault registers its undoing with a `FaultCleanup`, run in `finally` even when the test
 * failed, so no mount or immutable directory outlives a run.
 */

const run = promisify(execFile);

/** Why the real-fault cases cannot run here, or `undefined` when they can (root: mount and chattr work). */
export function rootOnly(): string | undefined {
  if (process.getuid?.() === 0) return undefined;
  return `needs root (mount -t tmpfs, chattr +i); running as uid ${process.getuid?.() ?? 'unknown'}`;
}

/** Undo steps of the faults a test set up, run newest first, each even when an earlier one failed. */
export class FaultCleanup {
  private readonly steps: { what: string; undo: () => Promise<unknown> }[] = [];

  /** Registers an undo step. */
  add(what: string, undo: () => Promise<unknown>): void {
    this.steps.push({ what, undo });
  }

  /** Runs every step (newest first); throws naming those that failed, after trying them all. */
  async run(): Promise<void> {
    const failed: string[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.undo();
      } catch (err) {
        failed.push(`${step.what}: ${(err as Error).message}`);
      }
    }
    if (failed.length > 0) throw new Error(`fault cleanup failed:\n  ${failed.join('\n  ')}`);
  }
}

/** Mounts a tmpfs of `size` (e.g. `8m`) on `dir` (created if missing); unmounted by `cleanup`. */
export async function mountTmpfs(dir: string, size: string, cleanup: FaultCleanup): Promise<void> {
  await mkdir(dir, { recursive: true });
  await run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  cleanup.add(`umount ${dir}`, () => run('umount', [dir]).catch(() => run('umount', ['-l', dir])));
}

/** Gives a mounted tmpfs a new size (e.g. `512m`: the disk is "back" with room). */
export async function resizeTmpfs(dir: string, size: string): Promise<void> {
  await run('mount', ['-o', `remount,size=${size}`, dir]);
}

/**
 * Shrinks a mounted tmpfs to what it holds now plus `headroom` bytes: the next writes fill it (ENOSPC), at a
 * moment the test chose. `resizeTmpfs` gives it room again.
 */
export async function fillTmpfs(dir: string, headroom: number): Promise<void> {
  const s = await statfs(dir);
  const used = (s.blocks - s.bfree) * s.bsize;
  await resizeTmpfs(dir, `${Math.ceil((used + headroom) / 1024)}k`);
}

/**
 * Makes directories immutable (`chattr +i`: no file can be created, renamed or deleted in them, even by
 * root) until `writable` is called; `cleanup` makes them writable again in any case.
 */
export async function makeImmutable(dirs: readonly string[], cleanup: FaultCleanup): Promise<void> {
  cleanup.add(`chattr -i ${dirs.join(' ')}`, () => makeWritable(dirs));
  await run('chattr', ['+i', ...dirs]);
}

/** `chattr -i` on directories (the undo of `makeImmutable`). */
export async function makeWritable(dirs: readonly string[]): Promise<void> {
  await run('chattr', ['-i', ...dirs]);
}

/** `GET /healthz` on a node's metrics port: the status and the body. */
export async function healthz(metricsPort: number): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
  return { status: res.status, body: await res.text() };
}

/** A metric's value from a node's `GET /metrics` (the first sample of that name), `undefined` when absent. */
export async function scrapeMetric(metricsPort: number, name: string): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m === null ? undefined : Number(m[1]);
}

/** Resolves like `promise`, or rejects with "timed out waiting for <what>" after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every 100 ms until it returns a value, or rejects naming `what` after `ms`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  ms: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
