import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/free-port';

/** The repository root (this file is apps/web/test/e2e/product.ts). */
const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

/** The whole product as `npm start` runs it (scripts/start.mjs), on a temp data dir and free ports. */
export interface RunningProduct {
  readonly consoleUrl: string;
  readonly ingestEndpoint: string;
  readonly dataDir: string;
  /** Everything both servers printed so far (for failure messages). */
  output(): string;
  /** SIGTERM to the launcher (the node drains), then removes the data dir. Resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Options of `startProduct`. */
export interface ProductOptions {
  /** `LAKESTREAM_*` settings for the launcher and the console (every other one is removed). */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/**
 * Starts scripts/start.mjs (it needs apps/ingest/dist and apps/web/.next, which turbo builds before this
 * suite) and resolves once it prints that Lakestream is running; rejects with the output when it does not
 * within `timeoutMs` (default 120 s).
 */
export async function startProduct(options: ProductOptions = {}): Promise<RunningProduct> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const dataDir = mkdtempSync(join(tmpdir(), 'lakestream-e2e-'));
  const consolePort = await freePort();
  const args = [
    join(repoRoot, 'scripts', 'start.mjs'),
    '--data-dir',
    dataDir,
    '--console-port',
    String(consolePort),
  ];
  args.push('--port', '0', '--admin-port', '0', '--metrics-port', '0');
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('LAKESTREAM_')) delete env[name];
  Object.assign(env, options.env);
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const ingestEndpoint = await new Promise<string>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`not running after ${timeoutMs} ms:\n${lines.join('\n')}`)),
      timeoutMs,
    );
    const onLine = (line: string) => {
      lines.push(line);
      const match = /ingest \(gRPC\)\s+(\S+)/.exec(line);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        done(match[1]);
      }
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`scripts/start.mjs exited (${code}) before it was running:\n${lines.join('\n')}`));
    });
  });
  return {
    consoleUrl: `http://127.0.0.1:${consolePort}`,
    ingestEndpoint,
    dataDir,
    output: () => lines.join('\n'),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
