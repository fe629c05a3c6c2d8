import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** The appender script run by `node` in a child process (see fixtures/appender.mjs). */
export const APPENDER = join(import.meta.dirname, '../fixtures/appender.mjs');

/** Starts an appender process. */
export function startAppender(args: string[], options: { gate?: boolean } = {}): ChildProcess {
  return spawn(process.execPath, [APPENDER, ...args], {
    stdio: [options.gate ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, GATE: options.gate ? '1' : '0' },
  });
}

/** Resolves once the child printed `ready` (gated appenders). */
export function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer): void => {
      seen += d.toString();
      if (seen.includes('ready\n')) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.on('exit', () => reject(new Error(`appender exited before it was ready: ${seen}`)));
  });
}

/** Waits for a child to exit; resolves with its exit code, signal and output. */
export function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, out, err }));
  });
}
