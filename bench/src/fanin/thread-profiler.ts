import { Session } from 'node:inspector';
import type { CpuProfile } from './cpu-profile-stages.js';

/**
 * CPU profiles of this process's main thread and every worker thread (the Parquet encoders) over a window
 * chosen at run time — through the inspector (`Profiler` on the main thread, the same through
 * `NodeWorker.sendMessageToWorker` on each worker), so that start-up and the drain after the load are left out.
 */
export class ThreadProfiler {
  readonly #session = new Session();
  readonly #workers = new Set<string>();
  readonly #pending = new Map<number, (m: { result?: unknown; error?: { message: string } }) => void>();
  #nextId = 0;

  private constructor() {
    this.#session.connect();
    this.#session.on('NodeWorker.attachedToWorker', (m) => {
      this.#workers.add((m.params as { sessionId: string }).sessionId);
    });
    this.#session.on('NodeWorker.detachedFromWorker', (m) => {
      this.#workers.delete((m.params as { sessionId: string }).sessionId);
    });
    this.#session.on('NodeWorker.receivedMessageFromWorker', (m) => {
      const reply = JSON.parse((m.params as { message: string }).message) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
      };
      if (reply.id !== undefined) this.#pending.get(reply.id)?.(reply);
    });
  }

  /** Connects to this process's inspector and attaches to its worker threads (present and future). */
  static async attach(): Promise<ThreadProfiler> {
    const p = new ThreadProfiler();
    await p.#post('NodeWorker.enable', { waitForDebuggerOnStart: false });
    return p;
  }

  /** Starts sampling on every thread. */
  async start(): Promise<void> {
    await this.#post('Profiler.enable');
    await this.#post('Profiler.start');
    for (const id of this.#workers) {
      await this.#toWorker(id, 'Profiler.enable');
      await this.#toWorker(id, 'Profiler.start');
    }
  }

  /** Stops sampling; the main thread's profile first, then one per worker. */
  async stop(): Promise<CpuProfile[]> {
    const main = (await this.#post('Profiler.stop')) as { profile: CpuProfile };
    const profiles = [main.profile];
    for (const id of this.#workers) {
      const r = (await this.#toWorker(id, 'Profiler.stop')) as { profile?: CpuProfile } | undefined;
      if (r?.profile !== undefined) profiles.push(r.profile);
    }
    return profiles;
  }

  close(): void {
    this.#session.disconnect();
  }

  #post(method: string, params: object = {}): Promise<unknown> {
    return new Promise((resolve, reject) =>
      this.#session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
    );
  }

  #toWorker(sessionId: string, method: string): Promise<unknown> {
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (m) => {
        this.#pending.delete(id);
        if (m.error !== undefined) reject(new Error(`${method} on a worker: ${m.error.message}`));
        else resolve(m.result);
      });
      this.#session.post('NodeWorker.sendMessageToWorker', {
        sessionId,
        message: JSON.stringify({ id, method, params: {} }),
      });
    });
  }
}
