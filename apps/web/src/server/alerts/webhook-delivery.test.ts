import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../../test/support/webhook-receiver';
import { createWebhookDelivery, type WebhookOutcome } from './webhook-delivery';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(answer?: Parameters<typeof startWebhookReceiver>[0]): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(answer);
  cleanups.push(r.close);
  return r;
}

/** A delivery queue recording every outcome per rule. */
function delivery(options: { timeoutMs?: number; attempts?: number; queueLimit?: number } = {}) {
  const outcomes: [string, string | null][] = [];
  const queue = createWebhookDelivery({
    backoffMs: 10,
    ...options,
    record: async (ruleId: string, outcome: WebhookOutcome) => {
      outcomes.push([ruleId, outcome.error]);
    },
  });
  cleanups.push(queue.close);
  return { queue, outcomes };
}

describe('webhook delivery', () => {
  it('POSTs JSON in order, retrying a failed POST with backoff until it is delivered', async () => {
    const r = await receiver((res, count) => res.writeHead(count <= 2 ? 503 : 200).end());
    const { queue, outcomes } = delivery();
    queue.enqueue({ ruleId: 'r1', url: `${r.url}/hook?token=t`, body: { state: 'firing' } });
    queue.enqueue({ ruleId: 'r1', url: `${r.url}/hook?token=t`, body: { state: 'resolved' } });
    await queue.idle();
    expect(r.received.map((w) => [w.path, w.contentType, w.body])).toEqual([
      ['/hook?token=t', 'application/json', { state: 'firing' }],
      ['/hook?token=t', 'application/json', { state: 'firing' }],
      ['/hook?token=t', 'application/json', { state: 'firing' }],
      ['/hook?token=t', 'application/json', { state: 'resolved' }],
    ]);
    const host = new URL(r.url).host;
    expect(outcomes).toEqual([
      ['r1', `HTTP 503 Service Unavailable from ${host}`],
      ['r1', `HTTP 503 Service Unavailable from ${host}`],
      ['r1', null],
      ['r1', null],
    ]);
  });

  it('gives up after its attempts: a receiver that never answers times out, a closed port is refused', async () => {
    const silent = await receiver(() => {}); // never answers
    const closed = await startWebhookReceiver();
    await closed.close();
    const { queue, outcomes } = delivery({ timeoutMs: 300, attempts: 2 });
    queue.enqueue({ ruleId: 'slow', url: silent.url, body: {} });
    queue.enqueue({ ruleId: 'gone', url: closed.url, body: {} });
    await queue.idle();
    const slowHost = new URL(silent.url).host;
    const goneHost = new URL(closed.url).host;
    expect(outcomes).toEqual([
      ['slow', `no answer from ${slowHost} within 300 ms`],
      ['slow', `no answer from ${slowHost} within 300 ms (gave up after 2 tries)`],
      ['gone', `could not reach ${goneHost}: ECONNREFUSED`],
      ['gone', `could not reach ${goneHost}: ECONNREFUSED (gave up after 2 tries)`],
    ]);
    expect(silent.received).toHaveLength(2);
  });

  it('keeps at most queueLimit waiting: the oldest is dropped and its rule says so', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const r = await receiver((res) => void gate.then(() => res.writeHead(200).end()));
    const { queue, outcomes } = delivery({ queueLimit: 1 });
    queue.enqueue({ ruleId: 'first', url: r.url, body: 1 }); // being sent, held by the gate
    await r.waitFor(1);
    queue.enqueue({ ruleId: 'second', url: r.url, body: 2 });
    queue.enqueue({ ruleId: 'third', url: r.url, body: 3 });
    release();
    await queue.idle();
    expect(r.received.map((w) => w.body)).toEqual([1, 3]);
    expect(outcomes).toEqual([
      ['second', 'dropped: 1 webhook deliveries were already waiting'],
      ['first', null],
      ['third', null],
    ]);
  });
});
