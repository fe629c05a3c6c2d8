import type { ReportedLoad } from './reported-load.js';

/** The path of the console's heartbeat endpoint, under `--control-plane-url`. */
export const HEARTBEAT_PATH = '/api/nodes/heartbeat';

/** Who the node is, as every heartbeat repeats it (the console registers the node from any beat). */
export interface NodeIdentity {
  readonly nodeId: string;
  /** `host:port` producers reach. */
  readonly endpoint: string;
  /** `host:port` of the admin API, as the console dials it. */
  readonly adminAddress: string;
  readonly version: string;
  /** When the process started (ms since the epoch). */
  readonly startedAt: number;
}

/** The JSON body of one heartbeat. */
export interface HeartbeatBody extends NodeIdentity, ReportedLoad {
  /** The node's beat interval: the console counts missed beats in it. */
  readonly beatMs: number;
}

/** What `startHeartbeat` needs. */
export interface HeartbeatOptions {
  /** The console's base URL (`--control-plane-url`). */
  readonly url: string;
  /** The node's admin secret, sent as `Authorization: Bearer …`; `undefined` sends none (insecure dev). */
  readonly secret: string | undefined;
  readonly identity: NodeIdentity;
  /** Reads the load at each beat (cheap, no I/O). */
  readonly load: () => ReportedLoad;
  readonly intervalMs: number;
  /** The longest wait after failed beats (the wait doubles from `intervalMs`). */
  readonly maxBackoffMs: number;
  readonly log: {
    info(fields: object, message: string): void;
    warn(fields: object, message: string): void;
  };
}

/** A running heartbeat loop. */
export interface Heartbeat extends AsyncDisposable {
  /** Sends one beat now (the loop's next one is scheduled from it); resolves with whether the console took it. */
  beat(): Promise<boolean>;
  /** Stops the loop; an in-flight beat is aborted. */
  close(): Promise<void>;
}

/**
 * Sends the node's identity and load to the console every `intervalMs`, starting now. A beat that fails (the
 * console down, a refusal, no answer within `intervalMs`) doubles the wait, up to `maxBackoffMs`, and is logged
 * once until a beat succeeds again. The loop runs on its own timers (unref'd) and never throws: ingest never
 * waits on the console (promise 5).
 */
export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const endpoint = `${options.url}${HEARTBEAT_PATH}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.secret !== undefined) headers.authorization = `Bearer ${options.secret}`;
  let waitMs = options.intervalMs;
  let failing: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let inFlight: AbortController | undefined;

  const send = async (): Promise<string | undefined> => {
    const body: HeartbeatBody = { ...options.identity, ...options.load(), beatMs: options.intervalMs };
    inFlight = new AbortController();
    const timeout = setTimeout(() => inFlight?.abort(), options.intervalMs);
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: inFlight.signal,
      });
      if (response.ok) {
        await response.body?.cancel();
        return undefined;
      }
      const text = (await response.text()).slice(0, 500);
      return `HTTP ${response.status} from ${endpoint}: ${text}`;
    } catch (error) {
      return `${endpoint} did not answer: ${(error as Error).message}`;
    } finally {
      clearTimeout(timeout);
      inFlight = undefined;
    }
  };
  const beat = async (): Promise<boolean> => {
    const problem = await send();
    if (problem === undefined) {
      if (failing !== undefined) options.log.info({ url: options.url }, 'control plane reached again');
      failing = undefined;
      waitMs = options.intervalMs;
      return true;
    }
    if (failing !== problem) {
      options.log.warn(
        { url: options.url, error: problem },
        'heartbeat to the control plane failed; retrying with backoff',
      );
    }
    failing = problem;
    waitMs = Math.min(waitMs * 2, options.maxBackoffMs);
    return false;
  };
  const loop = async () => {
    if (closed) return;
    await beat();
    if (closed) return;
    timer = setTimeout(() => void loop(), waitMs);
    timer.unref();
  };
  void loop();

  const close = async () => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    inFlight?.abort();
  };
  return {
    beat: async () => {
      if (timer !== undefined) clearTimeout(timer);
      const ok = await beat();
      if (!closed) {
        timer = setTimeout(() => void loop(), waitMs);
        timer.unref();
      }
      return ok;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
