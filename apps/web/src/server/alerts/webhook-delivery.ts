import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How webhooks are delivered, one object for the code and the README: each POST may take `timeoutMs`; a
 * failed one (an error, a timeout, any status but 2xx — redirects are not followed) is tried `attempts`
 * times in all, waiting `backoffMs`, then twice that, and so on between tries; at most `queueLimit`
 * deliveries wait (the oldest is dropped, and its rule says so, when one more comes).
 */
export const WEBHOOK_DEFAULTS = {
  timeoutMs: 5000,
  attempts: 4,
  backoffMs: 1000,
  queueLimit: 100,
} as const;

/** One webhook to send. */
export interface WebhookJob {
  /** The rule it is for: its delivery status is stored under this id. */
  readonly ruleId: string;
  readonly url: string;
  /** Sent as JSON. */
  readonly body: unknown;
}

/** The outcome of one attempt: `error` null is a delivery (a 2xx answer). */
export interface WebhookOutcome {
  readonly at: number;
  readonly error: string | null;
}

/** What `createWebhookDelivery` needs; the numbers default to `WEBHOOK_DEFAULTS`. */
export interface WebhookDeliveryOptions {
  /** Stores a rule's last attempt (the rule's delivery status). Its failure is logged, never retried. */
  readonly record: (ruleId: string, outcome: WebhookOutcome) => Promise<void>;
  readonly timeoutMs?: number;
  readonly attempts?: number;
  readonly backoffMs?: number;
  readonly queueLimit?: number;
  readonly log?: (message: string, details: Record<string, unknown>) => void;
}

/** A bounded queue of webhooks, sent one at a time in order (a rule's firing always before its resolution). */
export interface WebhookDelivery extends AsyncDisposable {
  /** Queues `job`; when the queue is full the oldest waiting job is dropped (and its rule's status says so). */
  enqueue(job: WebhookJob): void;
  /** Resolves once nothing is queued or being sent (tests). */
  idle(): Promise<void>;
  /** Stops: the job being sent gets no more tries, the waiting ones are dropped. */
  close(): Promise<void>;
}

/** Why a POST failed, in words: the status, a timeout, or the network error's code. */
async function attempt(job: WebhookJob, timeoutMs: number, stop: AbortSignal): Promise<string | null> {
  const host = new URL(job.url).host;
  try {
    const response = await fetch(job.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'lakestream-console' },
      body: JSON.stringify(job.body),
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]),
    });
    await response.body?.cancel();
    if (response.status >= 200 && response.status < 300) return null;
    return `HTTP ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`} from ${host}`;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      return `no answer from ${host} within ${timeoutMs} ms`;
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    return `could not reach ${host}: ${why}`;
  }
}

/**
 * A webhook sender (see `WEBHOOK_DEFAULTS`): POSTs each job's body as JSON, retrying with backoff, and stores
 * each attempt's outcome through `record`. The console makes these outbound calls from its own host.
 */
export function createWebhookDelivery(options: WebhookDeliveryOptions): WebhookDelivery {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs;
  const attempts = options.attempts ?? WEBHOOK_DEFAULTS.attempts;
  const backoffMs = options.backoffMs ?? WEBHOOK_DEFAULTS.backoffMs;
  const queueLimit = options.queueLimit ?? WEBHOOK_DEFAULTS.queueLimit;
  const log = options.log ?? (() => {});
  const queue: WebhookJob[] = [];
  const stop = new AbortController();
  let worker: Promise<void> | undefined;

  const record = (ruleId: string, error: string | null) =>
    options
      .record(ruleId, { at: Date.now(), error })
      .catch((e: unknown) => log('could not store a webhook delivery status', { ruleId, error: String(e) }));

  const send = async (job: WebhookJob) => {
    for (let i = 0; i < attempts && !stop.signal.aborted; i++) {
      if (i > 0) await sleep(backoffMs * 2 ** (i - 1), undefined, { signal: stop.signal }).catch(() => {});
      if (stop.signal.aborted) return;
      const error = await attempt(job, timeoutMs, stop.signal);
      if (stop.signal.aborted) return; // closed mid-call: not the receiver's failure
      const tried = i + 1 === attempts ? `${error} (gave up after ${attempts} tries)` : error;
      await record(job.ruleId, error === null ? null : tried);
      if (error === null) return;
      log('webhook delivery failed', { ruleId: job.ruleId, attempt: i + 1, error });
    }
  };

  const drain = async () => {
    for (let job = queue.shift(); job !== undefined && !stop.signal.aborted; job = queue.shift())
      await send(job);
    worker = undefined;
  };

  return {
    enqueue(job) {
      if (stop.signal.aborted) return;
      if (queue.length >= queueLimit) {
        const dropped = queue.shift()!;
        void record(dropped.ruleId, `dropped: ${queueLimit} webhook deliveries were already waiting`);
      }
      queue.push(job);
      worker ??= drain();
    },
    async idle() {
      while (worker !== undefined) await worker;
    },
    async close() {
      stop.abort();
      queue.length = 0;
      await worker;
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
}
