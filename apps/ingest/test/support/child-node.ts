import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CatalogSnapshotInput } from '../../src/catalog/snapshot-schema.js';
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

/** A `lakestream-ingest` child process that may not be ready yet (see {@link spawnChildNode}). */
export interface SpawnedNode {
  readonly process: ChildProcess;
  /** Log lines so far (JSON objects). */
  readonly lines: Record<string, unknown>[];
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | string>;
  /** Resolves with the "ready" line's ports; rejects (with its stderr) when the node exits before it. */
  readonly ready: Promise<{ port: number; metricsPort: number; adminPort: number }>;
  /** Resolves once the node logged that its WAL backlog is replayed ("recovery done"). */
  readonly recovered: Promise<void>;
  /** What the node wrote on stderr so far. */
  stderr(): string;
}

/**
 * Spawns the node on free ports without waiting for it (a test that kills it during startup). `extra` flags
 * come after the defaults here (`--flush-ms 200`), so they override them. Without `provisioningFile` the node
 * starts with an empty catalog and waits for one pushed by the console. When the node exits before its
 * "ready" line, `ready` rejects for whoever awaits it (it is never an unhandled rejection by itself).
 * `umask` (octal, e.g. '000') runs it under that umask, through `sh`.
 */
export function spawnChildNode(
  dataDir: string,
  provisioningFile: string | undefined,
  extra: string[] = [],
  options: { umask?: string } = {},
): SpawnedNode {
  const args = [
    INGEST_BIN,
    '--data-dir',
    dataDir,
    ...(provisioningFile === undefined ? [] : ['--provisioning-file', provisioningFile]),
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
  const ready = new Promise<{ port: number; metricsPort: number; adminPort: number }>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      try {
        const obj = JSON.parse(line) as Record<string, unknown>;
        lines.push(obj);
        if (obj.msg === 'lakestream-ingest ready')
          resolve({
            port: obj.port as number,
            metricsPort: obj.metricsPort as number,
            adminPort: obj.adminPort as number,
          });
        if (obj.msg === 'recovery done') onRecovered();
      } catch {
        lines.push({ raw: line });
      }
    });
    void exited.then((code) =>
      reject(new Error(`ingest node exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
  ready.catch(() => undefined);
  return { process: child, lines, exited, ready, recovered, stderr: () => stderr };
}

/** Starts the node on free ports and waits for its "ready" line (`umask`: see {@link spawnChildNode}). */
export async function startChildNode(
  dataDir: string,
  provisioningFile: string | undefined,
  extra: string[] = [],
  options: { umask?: string } = {},
): Promise<ChildNode> {
  const node = spawnChildNode(dataDir, provisioningFile, extra, options);
  const ports = await node.ready;
  return {
    ...ports,
    process: node.process,
    lines: node.lines,
    exited: node.exited,
    recovered: node.recovered,
  };
}

/**
 * A fresh directory for child nodes: the test catalog (with new tokens) as its provisioning file, and the path
 * of the nodes' data directory in it. `edit` may change the snapshot first (e.g. table properties). `cleanup`
 * removes it all.
 */
export async function childNodeDir(
  edit: (snapshot: CatalogSnapshotInput) => CatalogSnapshotInput = (snapshot) => snapshot,
): Promise<{
  tokens: ReturnType<typeof testTokens>;
  provisioning: string;
  dataDir: string;
  cleanup: () => Promise<void>;
}> {
  const { dir, cleanup } = await tempDir();
  const tokens = testTokens();
  const provisioning = join(dir, 'provisioning.json');
  await writeFile(provisioning, JSON.stringify(edit(testSnapshot(tokens))));
  return { tokens, provisioning, dataDir: join(dir, 'data'), cleanup };
}
