import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const startScript = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../scripts/start.mjs');

function runStart(...args: string[]) {
  return spawnSync(process.execPath, [startScript, ...args], { encoding: 'utf8', timeout: 20_000 });
}

describe('scripts/start.mjs (npm start)', () => {
  it('lists its options with --help', () => {
    const run = runStart('--help');
    expect(run.status).toBe(0);
    for (const option of [
      '--data-dir',
      '--host',
      '--console-port',
      '--port',
      '--admin-port',
      '--metrics-port',
    ]) {
      expect(run.stdout).toContain(option);
    }
    // It says the console stays up and how the node is restarted.
    expect(run.stdout).toContain('The console stays up when the ingest node stops');
    expect(run.stdout).toMatch(/restarted on the same ports after 1 s,\s+then twice as long/);
  });

  it('refuses a bad port and an unknown option in words, before starting anything', () => {
    const badPort = runStart('--console-port', 'eighty');
    expect(badPort.status).toBe(1);
    expect(badPort.stderr).toContain("--console-port: expected a port number, got 'eighty'");
    const unknown = runStart('--colour');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("Unknown option '--colour'");
    expect(unknown.stderr).toContain('Usage: node scripts/start.mjs');
  });
});
