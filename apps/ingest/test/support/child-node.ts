import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { testSnapshot, testTokens } from './test-catalog.js';
import { tempDir } from './test-node.js';

/** The built `lakestream-ingest` bin. */
export const INGEST_BIN = join(import.meta.dirname, '../../dist/main.js');

/** A `lakestream-ingest` child process (the built `dist/main.js`). */
export interface ChildNode {
  readonly port: number;
  readonly metricsPort: number;
  readonly adminPort: number;
  readonly process: ChildProcess;
  /** Log lines so far (JSON objects). */
  readonly lines: Record<string, unknown>[];
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | string>;
  /** Resolves once the node logged that its WAL backlog is replayed ("recovery done"). */
  readonly recovered: Promise<void>;
}

/**
 * Starts the node on free ports and waits for its "ready" line. `umask` (octal, e.g. '000') runs it under that
 * umask, through `sh`.
 */
export async function startChildNode(
  dataDir: string,
  provisioningFile: string,
  extra: string[] = [],
  options: { umask?: string } = {},
): Promise<ChildNode> {
  const args = [
    INGEST_BIN,
    '--data-dir',
    dataDir,
    '--provisioning-file',
    provisioningFile,
    '--port',
    '0',
    '--admin-port',
    '0',
    '--metrics-port',
    '0',
    '--flush-ms',
    '200',
    ...extra,
  ];
  const child =
    options.umask === undefined
      ? spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('/bin/sh', ['-c', `umask ${options.umask} && exec "$0" "$@"`, process.execPath, ...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  const lines: Record<string, unknown>[] = [];
  let onRecovered: () => void = () => undefined;
  const recovered = new Promise<void>((resolve) => {
    onRecovered = resolve;
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      try {
        const obj = JSON.parse(line) as Record<string, unknown>;
        lines.push(obj);
        if (obj.msg === 'lakestream-ingest ready') resolve(obj);
        if (obj.msg === 'recovery done') onRecovered();
      } catch {
        lines.push({ raw: line });
      }
    });
    void exited.then((code) =>
      reject(new Error(`ingest node exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
  const line = await ready;
  return {
    port: line.port as number,
    metricsPort: line.metricsPort as number,
    adminPort: line.adminPort as number,
    process: child,
    lines,
    exited,
    recovered,
  };
}

/**
 * A fresh directory for child nodes: the test catalog (with new tokens) as its provisioning file, and the path
 * of the nodes' data directory in it. `cleanup` removes it all.
 */
export async function childNodeDir(): Promise<{
  tokens: ReturnType<typeof testTokens>;
  provisioning: string;
  dataDir: string;
  cleanup: () => Promise<void>;
}> {
  const { dir, cleanup } = await tempDir();
  const tokens = testTokens();
  const provisioning = join(dir, 'provisioning.json');
  await writeFile(provisioning, JSON.stringify(testSnapshot(tokens)));
  return { tokens, provisioning, dataDir: join(dir, 'data'), cleanup };
}
