import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type ProcStats, readProcStats } from './proc-stats.js';

/** The `lakestream-ingest` bin, as built (`apps/ingest/dist/main.js`). */
export const INGEST_BIN = fileURLToPath(import.meta.resolve('@lakestream/ingest/main'));

/**
 * One JSON log line of the node (pino): `msg`, `time` (ISO, ms resolution), the line's own fields, and `epochMs`
 * (its `time` parsed, added here).
 */
export type LogLine = { readonly msg: string; readonly time: string; readonly epochMs: number } & Readonly<
  Record<string, unknown>
>;

/** Every node this process started that has not exited yet (see {@link killIngestProcesses}). */
const running = new Set<ChildProcess>();

/** SIGKILLs every node still running (a benchmark interrupted by a signal leaves none behind). */
export function killIngestProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Options of {@link IngestProcess.start}. */
export interface IngestProcessOptions {
  readonly dataDir: string;
  readonly provisioningFile: string;
  /** Further flags of the bin (`--flush-ms 3600000`, …); the three ports are always 0 (any free port). */
  readonly args?: readonly string[];
  /** Flags of `node` itself (`--cpu-prof`, …). */
  readonly nodeArgs?: readonly string[];
}

/**
 * The built `lakestream-ingest` bin in a child process of its own, on free ports, its JSON log lines parsed as
 * they come: what the benchmark measures is the real start-up (process, module loading, WAL, catalog) and the
 * node's own CPU and memory (`/proc/<pid>`), with nothing of the load generator mixed in.
 */
export class IngestProcess {
  /** Epoch ms (`Date.now()`, the clock of the log's `time`) just before the spawn: the zero of every time. */
  readonly spawnedAt: number;
  /** The monotonic clock (µs, that of V8's CPU profiles) at the same instant. */
  readonly spawnedAtMonoUs: number;
  readonly exited: Promise<number | string>;
  readonly lines: LogLine[] = [];
  readonly #child: ChildProcess;
  readonly #waiting: { msg: string; resolve: (line: LogLine) => void }[] = [];
  #stderr = '';

  private constructor(o: IngestProcessOptions) {
    const ports = ['--port', '0', '--admin-port', '0', '--metrics-port', '0'];
    const args = [...(o.nodeArgs ?? []), INGEST_BIN, '--data-dir', o.dataDir];
    args.push('--provisioning-file', o.provisioningFile, ...ports, ...(o.args ?? []));
    this.spawnedAtMonoUs = Number(process.hrtime.bigint() / 1000n);
    this.spawnedAt = Date.now();
    this.#child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this.#child);
    this.exited = once(this.#child, 'exit').then(([code, signal]) => {
      running.delete(this.#child);
      return (code ?? signal) as number | string;
    });
    this.#child.stderr!.on('data', (d: Buffer) => {
      this.#stderr = (this.#stderr + d.toString()).slice(-4000);
    });
    createInterface({ input: this.#child.stdout! }).on('line', (text) => {
      let line: LogLine;
      try {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        line = { ...parsed, epochMs: Date.parse(String(parsed.time)) } as LogLine;
      } catch {
        return;
      }
      this.lines.push(line);
      for (let i = this.#waiting.length - 1; i >= 0; i--) {
        const w = this.#waiting[i]!;
        if (w.msg !== line.msg) continue;
        this.#waiting.splice(i, 1);
        w.resolve(line);
      }
    });
  }

  /** Spawns the node (`await ready()` for its "lakestream-ingest ready" line). */
  static start(o: IngestProcessOptions): IngestProcess {
    return new IngestProcess(o);
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** The first log line with this `msg` (past or future); rejects if the node exits first. */
  waitFor(msg: string): Promise<LogLine> {
    const seen = this.lines.find((l) => l.msg === msg);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      this.#waiting.push({ msg, resolve });
      void this.exited.then((code) =>
        reject(new Error(`lakestream-ingest exited (${code}) before '${msg}':\n${this.#stderr}`)),
      );
    });
  }

  /** Waits for "lakestream-ingest ready": its ports. */
  async ready(): Promise<{ line: LogLine; port: number; metricsPort: number }> {
    const line = await this.waitFor('lakestream-ingest ready');
    return { line, port: line.port as number, metricsPort: line.metricsPort as number };
  }

  /** Seconds from the spawn to a log line (by the line's own timestamp, ms resolution). */
  secondsTo(line: LogLine): number {
    return (line.epochMs - this.spawnedAt) / 1000;
  }

  /** A log line's time on the monotonic clock (µs), to cut the node's CPU profile at it. */
  monoUsOf(line: LogLine): number {
    return this.spawnedAtMonoUs + (line.epochMs - this.spawnedAt) * 1000;
  }

  /** The node's CPU and memory now (throws once it is gone). */
  stats(): ProcStats {
    const s = readProcStats(this.pid);
    if (s === undefined) throw new Error(`lakestream-ingest (pid ${this.pid}) is gone`);
    return s;
  }

  /** Sends `signal`; resolves with how the process ended. */
  async stop(signal: NodeJS.Signals): Promise<number | string> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill(signal);
    return this.exited;
  }
}
