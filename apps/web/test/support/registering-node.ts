import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/** The built `lakestream-ingest` bin: dist/main.js beside the package's entry, dist/index.js. */
const INGEST_BIN = join(dirname(createRequire(import.meta.url).resolve('@lakestream/ingest')), 'main.js');

/** A real ingest node process that registers with a console by heartbeat. */
export interface RegisteringNode {
  readonly child: ChildProcess;
  /** The Zerobus gRPC port producers connect to. */
  readonly port: number;
  readonly adminPort: number;
  /** SIGKILLs the node if it still runs, and waits for it to exit. */
  kill(): Promise<void>;
}

/** What `startRegisteringNode` needs. */
export interface RegisteringNodeOptions {
  readonly nodeId: string;
  readonly dataDir: string;
  /** The admin secret the registered nodes share (the console's `LAKESTREAM_NODE_SECRET_FILE`). */
  readonly secretFile: string;
  /** The console's base URL (`--control-plane-url`). */
  readonly controlPlaneUrl: string;
  readonly beatMs: number;
  /** More options of `lakestream-ingest` (`--flush-ms 200`). */
  readonly extra?: readonly string[];
}

/**
 * Starts apps/ingest's built bin on ports 0 (in no static list: it is known to the console only by its
 * heartbeats) and resolves once it logged "ready"; rejects with its stderr when it exits before.
 */
export async function startRegisteringNode(options: RegisteringNodeOptions): Promise<RegisteringNode> {
  const child = spawn(
    process.execPath,
    [
      INGEST_BIN,
      ...['--data-dir', options.dataDir, '--port', '0', '--admin-port', '0', '--metrics-port', '0'],
      ...['--node-id', options.nodeId, '--admin-secret-file', options.secretFile],
      ...['--control-plane-url', options.controlPlaneUrl, '--heartbeat-ms', String(options.beatMs)],
      ...(options.extra ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = once(child, 'exit');
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  try {
    const ports = await new Promise<{ port: number; adminPort: number }>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let entry: { msg?: string; port?: number; adminPort?: number };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          return; // not a log line
        }
        if (entry.msg === 'lakestream-ingest ready')
          resolve({ port: entry.port!, adminPort: entry.adminPort! });
      });
      void exited.then(() =>
        reject(new Error(`ingest node ${options.nodeId} exited before ready:\n${stderr}`)),
      );
    });
    return { child, ...ports, kill };
  } catch (error) {
    await kill();
    throw error;
  }
}
