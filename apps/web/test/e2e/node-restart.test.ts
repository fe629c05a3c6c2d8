import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { loadZerobusSdk } from '@lakestream/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from './browser';
import { type RunningProduct, startProduct } from './product';

const sdk = loadZerobusSdk();

/**
 * `npm start` keeps the console up when the ingest node dies: the real scripts/start.mjs on a temp data dir,
 * its ingest node killed with SIGKILL. While the node is down (the test holds its gRPC port, so each restart
 * fails and the backoff shows), the console serves pages and tokens and a real browser shows the node
 * unreachable; once the port is free, the launcher's next restart brings the node back on the same ports and
 * the official SDK streams to it again.
 */

const TABLE = 'main.sales.orders';
const ADMIN = { email: 'admin@example.com', password: 'correct-horse-battery' };

let product: RunningProduct;
let browser: Browser;
let page: Page;

/** Calls a tRPC procedure of the console over HTTP, as the browser does (same-origin POST, no transformer). */
async function trpc(
  path: string,
  input: unknown,
  cookie = '',
): Promise<{ data: unknown; setCookie: string }> {
  const response = await fetch(`${product.consoleUrl}/api/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: product.consoleUrl, cookie },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}: ${text}`);
  return {
    data: (JSON.parse(text) as { result: { data: unknown } }).result.data,
    setCookie: response.headers.get('set-cookie') ?? '',
  };
}

/** The admin, a table, a producer with its grants and credential: what the journey test does in the browser. */
async function setUpProducer(): Promise<{ session: string; clientId: string; clientSecret: string }> {
  const setup = await trpc('auth.setup', ADMIN);
  const session = setup.setCookie.split(';')[0] ?? '';
  expect(session).toMatch(/=./);
  await trpc('catalogs.create', { name: 'main' }, session);
  await trpc('catalogs.createSchema', { name: 'main.sales' }, session);
  const columns = [
    { name: 'id', type: 'long', nullable: false },
    { name: 'item', type: 'string' },
  ];
  await trpc('tables.create', { name: TABLE, columns }, session);
  const producer = (await trpc('principals.createServicePrincipal', { name: 'orders-producer' }, session))
    .data as { id: string };
  for (const [privilege, type, name] of [
    ['USE_CATALOG', 'catalog', 'main'],
    ['USE_SCHEMA', 'schema', 'main.sales'],
    ['MODIFY', 'table', TABLE],
    ['SELECT', 'table', TABLE],
  ] as const) {
    await trpc('grants.grant', { principalId: producer.id, privilege, securable: { type, name } }, session);
  }
  const issued = (await trpc('credentials.create', { principalId: producer.id }, session)).data as {
    clientId: string;
    clientSecret: string;
  };
  return { session, ...issued };
}

/** Streams `count` JSON records with the official SDK (OAuth through the console) and waits for their acks. */
async function streamRecords(clientId: string, clientSecret: string, first: number, count: number) {
  const client = new sdk.ZerobusSdk(product.ingestEndpoint, product.consoleUrl);
  const stream = await client.createStream({ tableName: TABLE }, clientId, clientSecret, {
    recordType: sdk.RecordType.Json,
  });
  let last = -1n;
  for (let i = first; i < first + count; i++) {
    last = await stream.ingestRecordOffset(JSON.stringify({ id: i, item: `tea ${i}` }));
  }
  await stream.waitForOffset(last);
  await stream.close();
  return last;
}

/**
 * The pid of the ingest node serving this product, found in /proc by its command line (apps/ingest's main.js
 * with this product's temp data dir), independently of what the launcher prints. Undefined when none runs.
 */
function ingestNodePid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited meanwhile
    }
    if (args.some((a) => a.endsWith('apps/ingest/dist/main.js')) && args.includes(product.dataDir)) {
      return Number(entry);
    }
  }
  return undefined;
}

/** Listens on 127.0.0.1:`port` as soon as it is free (the killed node's socket closes within moments). */
async function holdPort(port: number, withinMs: number): Promise<Server> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const server = createServer((socket) => socket.destroy());
    const error = await new Promise<Error | undefined>((done) => {
      server.once('error', done);
      server.listen(port, '127.0.0.1', () => done(undefined));
    });
    if (error === undefined) return server;
    if (Date.now() > deadline) {
      throw new Error(
        `port ${port} still taken after ${withinMs} ms (${error.message}):\n${product.output()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  product = await startProduct();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (product === undefined) return;
  // Ctrl-C (SIGTERM) still stops both cleanly after a restart: the launcher exits 0.
  expect(await product.stop()).toBe(0);
}, 60_000);

describe('npm start keeps the console up while the ingest node is down', () => {
  it('restarts a killed node with backoff; the console serves and shows it unreachable meanwhile', async () => {
    const { session, clientId, clientSecret } = await setUpProducer();
    expect(await streamRecords(clientId, clientSecret, 0, 5)).toBe(4n);

    const context = browser.contexts()[0] ?? (await browser.newContext());
    const [name, value] = session.split('=') as [string, string];
    await context.addCookies([{ name, value, url: product.consoleUrl }]);
    page = await context.newPage();
    await page.goto(`${product.consoleUrl}/nodes`);
    await expect
      .poll(() => page.getByTestId('nodes-table').textContent(), { timeout: 30_000 })
      .toMatch(/(^|[^n])reachable/);

    // SIGKILL the node, then keep its gRPC port so that each restart fails until the test lets it succeed.
    const port = Number(new URL(product.ingestEndpoint).port);
    const killed = ingestNodePid();
    if (killed === undefined) throw new Error(`no ingest node process found:\n${product.output()}`);
    process.kill(killed, 'SIGKILL');
    const holder = await holdPort(port, 900);
    try {
      // The browser: the nodes page says unreachable (a badge and the banner), not an error page.
      await page.goto(`${product.consoleUrl}/nodes`);
      await expect
        .poll(() => page.getByTestId('nodes-table').textContent(), { timeout: 30_000 })
        .toContain('unreachable');
      await expect.poll(() => page.getByText(/1 node is unreachable/).count()).toBe(1);
      const row = (await page.getByTestId('nodes-table').textContent()) ?? '';
      expect(row).toContain('(connection refused): the node is down or restarting');
      expect(row).toContain('last known');
      expect(await page.getByTestId('error-message').count()).toBe(0);
      await screenshot(page, 90, 'node-down-nodes');
      // The streams page names the unreachable node too.
      await page.goto(`${product.consoleUrl}/streams`);
      await expect
        .poll(() => page.getByText(/1 ingest node is unreachable/).count(), { timeout: 30_000 })
        .toBe(1);
      expect(await page.getByTestId('error-message').count()).toBe(0);
      await screenshot(page, 91, 'node-down-streams');
      // The console still serves meanwhile: a page, the token endpoint the SDKs call.
      expect((await fetch(`${product.consoleUrl}/sign-in`)).status).toBe(200);
      const token = await fetch(`${product.consoleUrl}/oidc/v1/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials&scope=all-apis',
      });
      expect(token.status).toBe(200);
      expect(((await token.json()) as { access_token?: string }).access_token).toBeTruthy();

      // The launcher said why the node stopped and when it restarts.
      await expect
        .poll(() => product.output(), { timeout: 60_000, interval: 250 })
        .toMatch(new RegExp(`ingest node \\(pid ${killed}\\) stopped \\(SIGKILL\\).*restarting it in 1 s`));
      // The first restart fails on the held port and says why; the next one waits twice as long.
      await expect
        .poll(() => product.output(), { timeout: 60_000, interval: 250 })
        .toMatch(/stopped \(exit code 1: .*EADDRINUSE.*\) before it was ready; restarting it in 2 s/);
    } finally {
      await new Promise((r) => holder.close(r));
    }

    // The next restart binds the same ports; the node is back and the SDK streams to it again.
    await expect
      .poll(() => product.output(), { timeout: 90_000, interval: 250 })
      .toMatch(/the ingest node is back \(pid \d+, restart \d+\), on port/);
    expect(ingestNodePid()).not.toBe(killed);
    expect(await streamRecords(clientId, clientSecret, 5, 5)).toBe(4n);
    await page.goto(`${product.consoleUrl}/nodes`);
    await expect
      .poll(() => page.getByTestId('nodes-table').textContent(), { timeout: 30_000 })
      .not.toContain('unreachable');
  }, 300_000);
});
