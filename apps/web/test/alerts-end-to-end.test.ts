import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertWebhookBody } from '../src/server/alerts/alert-evaluator';
import { handleHeartbeat } from '../src/server/nodes/heartbeat-endpoint';
import { startTestIngestNode, type TestIngestNode } from './support/ingest-node';
import { type RegisteringNode, startRegisteringNode } from './support/registering-node';
import { serveRoute } from './support/route-server';
import { callerAs, openTestServices, seedUsers, type TestServices } from './support/services';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

/*
 * The console's alerts end to end: its own evaluator and stream sampler on their timers, real ingest nodes (a
 * static one in this process, a registering one as a process), rules created through the router, and webhooks
 * POSTed over HTTP to a receiver on 127.0.0.1 port 0.
 */

const SECRET = 'alerts-nodes-shared-admin-secret-0123';
const BEAT_MS = 200;

let dir: string;
let secretFile: string;
let t: TestServices;
let staticNode: TestIngestNode;
let receiver: WebhookReceiver;
let heartbeatUrl: string;
const cleanups: (() => Promise<void>)[] = [];
const admin = () => callerAs(t.services, 'admin').caller;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lakestream-alerts-'));
  secretFile = join(dir, 'node-secret');
  writeFileSync(secretFile, SECRET, { mode: 0o600 });
  staticNode = await startTestIngestNode({
    dataDir: join(dir, 'static-node'),
    secretFile,
    adminSecret: SECRET,
    flushMs: 50,
  });
  cleanups.push(staticNode.close);
  t = await openTestServices(
    {
      LAKESTREAM_INGEST_NODES: `${staticNode.adminAddress}=${secretFile}`,
      LAKESTREAM_NODE_SECRET_FILE: secretFile,
      // 10 missed beats (2 s): a live node's beats stay in time on a loaded machine.
      LAKESTREAM_NODE_MISSED_BEATS: '10',
      LAKESTREAM_STREAM_SAMPLE_MS: '200',
      LAKESTREAM_ALERT_INTERVAL_MS: '200',
      LAKESTREAM_PUBLIC_URL: 'http://127.0.0.1:3999',
    },
    { sampleStreams: true, evaluateAlerts: true, webhooks: { backoffMs: 50, timeoutMs: 2000 } },
  );
  await seedUsers(t.services);
  const route = await serveRoute((request) => handleHeartbeat(t.services, request));
  heartbeatUrl = route.url;
  cleanups.push(route.close);
  receiver = await startWebhookReceiver();
  cleanups.push(receiver.close);
}, 60_000);

afterAll(async () => {
  await t?.close();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the registering node process `alert-node` (again, after a kill: same id, new ports). */
async function startNode(): Promise<RegisteringNode> {
  const node = await startRegisteringNode({
    nodeId: 'alert-node',
    dataDir: join(dir, 'alert-node'),
    secretFile,
    controlPlaneUrl: heartbeatUrl,
    beatMs: BEAT_MS,
  });
  cleanups.push(node.kill);
  return node;
}

/** Polls `check` (bounded) until it holds: waiting on beats and samplings, never asserting on time. */
async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The webhook bodies received at `path`. */
const bodiesAt = (path: string) =>
  receiver.received.filter((w) => w.path === path).map((w) => w.body as AlertWebhookBody);

const stateOf = async (name: string) =>
  (await admin().alerts.list()).rules.find((r) => r.name === name)?.state ?? null;

describe('alerts end to end', () => {
  it('a killed registering node fires its rule, and resolves it once it is back; both POSTed', async () => {
    let node = await startNode();
    await admin().alerts.create({
      name: 'alert-node down',
      kind: 'node_unreachable',
      target: 'alert-node',
      threshold: 1,
      forSeconds: 1,
      webhookUrl: `${receiver.url}/node?token=abc`,
    });
    await until('the node is evaluated as reachable', async () => {
      const state = await stateOf('alert-node down');
      return state?.condition === 'ok' && state.value === 0 && state.subject === 'alert-node';
    });

    await node.kill();
    await until('the firing webhook', () => bodiesAt('/node?token=abc').length >= 1);
    const [firing] = bodiesAt('/node?token=abc');
    expect(firing).toMatchObject({
      rule: { name: 'alert-node down', kind: 'node_unreachable', target: 'alert-node', forSeconds: 1 },
      state: 'firing',
      threshold: 1,
      subject: 'alert-node',
      consoleUrl: 'http://127.0.0.1:3999/alerts',
    });
    expect(firing!.value).toBeGreaterThanOrEqual(1);
    expect(firing!.at - firing!.since).toBeGreaterThanOrEqual(1000);
    expect((await admin().alerts.firing()).map((s) => s.ruleName)).toEqual(['alert-node down']);

    node = await startNode();
    await until('the resolved webhook', () => bodiesAt('/node?token=abc').length >= 2);
    const resolved = bodiesAt('/node?token=abc')[1]!;
    expect(resolved).toMatchObject({ state: 'resolved', value: 0, subject: 'alert-node', since: firing!.at });
    const rule = (await admin().alerts.list()).rules.find((r) => r.name === 'alert-node down')!;
    expect(rule.delivery).toMatchObject({ error: null });
    expect(rule.delivery.deliveredAt).not.toBeNull();
    expect((await admin().alerts.history()).map((e) => [e.ruleName, e.state])).toEqual([
      ['alert-node down', 'resolved'],
      ['alert-node down', 'firing'],
    ]);
    await node.kill();
    await admin().alerts.delete({ id: rule.id });
  }, 60_000);

  it('a static node whose admin API stops answering fires; so does a credential about to expire', async () => {
    await until('the static node is sampled', () =>
      t.services.streamSampler
        .view(60)
        .nodes.some((n) => n.address === staticNode.adminAddress && n.reachable),
    );
    await admin().alerts.create({
      name: 'static node down',
      kind: 'node_unreachable',
      target: staticNode.adminAddress,
      threshold: 1,
      forSeconds: 0,
      webhookUrl: `${receiver.url}/static`,
    });
    const sp = await admin().principals.createServicePrincipal({ name: 'orders-producer' });
    const soon = await admin().credentials.create({
      principalId: sp.id,
      expiresAt: Date.now() + 2 * 86_400_000,
    });
    await admin().credentials.create({ principalId: sp.id, expiresAt: Date.now() + 30 * 86_400_000 });
    await admin().alerts.create({
      name: 'secret expiring',
      kind: 'credential_expiring',
      target: null,
      threshold: 3,
      forSeconds: 0,
      webhookUrl: `${receiver.url}/credential`,
    });

    await until('the credential webhook', () => bodiesAt('/credential').length >= 1);
    const credential = bodiesAt('/credential')[0]!;
    expect(credential).toMatchObject({
      rule: { name: 'secret expiring', condition: 'credential expiring of any credential within 3 days' },
      state: 'firing',
      threshold: 3,
      subject: soon.clientId,
    });
    expect(credential.value).toBeGreaterThan(1.9);
    expect(credential.value).toBeLessThanOrEqual(2);

    await staticNode.close();
    await until('the static node webhook', () => bodiesAt('/static').length >= 1);
    expect(bodiesAt('/static')[0]).toMatchObject({
      state: 'firing',
      subject: expect.stringMatching(/.+/),
      rule: { target: staticNode.adminAddress },
    });
    expect(bodiesAt('/static')[0]!.value).toBeGreaterThanOrEqual(1);
    const firing = (await callerAs(t.services, 'viewer').caller.alerts.firing()).map((s) => s.ruleName);
    expect(firing).toEqual(['secret expiring', 'static node down']);
  }, 60_000);
});
