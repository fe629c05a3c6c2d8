import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A POST the receiver got. */
export interface ReceivedWebhook {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/** A local HTTP server on 127.0.0.1 port 0 that collects the JSON POSTed to it. */
export interface WebhookReceiver extends AsyncDisposable {
  /** Its base URL (`http://127.0.0.1:<port>`). */
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Resolves once `count` POSTs arrived (bounded by `timeoutMs`; rejects saying how many did). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/**
 * Starts a webhook receiver. `answer` decides each response (default 204); it is called after the body was
 * read and recorded, with the number of POSTs so far.
 */
export async function startWebhookReceiver(
  answer: (res: ServerResponse, count: number) => void = (res) => res.writeHead(204).end(),
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    received.push({
      path: req.url ?? '/',
      contentType: req.headers['content-type'],
      body: text === '' ? null : JSON.parse(text),
    });
    for (const wake of waiters.splice(0)) wake();
    answer(res, received.length);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    async waitFor(count, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > end) throw new Error(`expected ${count} webhook POSTs, got ${received.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200).unref();
        });
      }
      return received.slice(0, count);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
