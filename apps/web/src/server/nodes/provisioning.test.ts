import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectAdmin } from './admin-client';
import { createProvisioner } from './provisioning';

const sockets: Socket[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const close of closers.splice(0)) await close();
});

describe('createProvisioner', () => {
  it('counts a node that accepts connections but never answers as unreachable after the call timeout', async () => {
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => silent.close(() => resolve())));
    const port = (silent.address() as { port: number }).port;
    const provisioner = createProvisioner({
      nodes: [{ address: `127.0.0.1:${port}` }],
      snapshot: async () => emptySnapshot(3, 'http://console', 'lakestream-ingest'),
      connect: connectAdmin,
      callTimeoutMs: 300,
    });
    closers.push(() => provisioner.close());
    const started = Date.now();
    await provisioner.reconcile();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(provisioner.states()[0]).toMatchObject({
      reachable: false,
      latestVersion: 3,
      lastError: `GetStatus of 127.0.0.1:${port} did not answer within 300 ms`,
    });
    await provisioner.notifyChanged();
    expect(provisioner.states()[0]?.lastError).toBe(
      `PushCatalog to 127.0.0.1:${port} did not answer within 300 ms`,
    );
  });

  it('says in words that nothing answers at a node that is down (connection refused), and what happens next', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const provisioner = createProvisioner({
      nodes: [{ address: `127.0.0.1:${port}` }],
      snapshot: async () => emptySnapshot(1, 'i', 'a'),
      connect: connectAdmin,
    });
    closers.push(() => provisioner.close());
    await provisioner.reconcile();
    expect(provisioner.states()[0]).toMatchObject({
      reachable: false,
      lastError: `nothing answers at 127.0.0.1:${port} (connection refused): the node is down or restarting; it keeps its WAL and catalog and is brought up to date when it is back`,
    });
  });

  it('reports a secret file that cannot be read', async () => {
    const provisioner = createProvisioner({
      nodes: [{ address: '127.0.0.1:1', secretFile: '/nonexistent/admin-secret' }],
      snapshot: async () => emptySnapshot(1, 'i', 'a'),
      connect: connectAdmin,
    });
    closers.push(() => provisioner.close());
    await provisioner.notifyChanged();
    expect(provisioner.states()[0]?.lastError).toMatch(/ENOENT.*\/nonexistent\/admin-secret/);
  });
});

/** A catalog snapshot with nothing in it, at `version`. */
function emptySnapshot(version: number, issuer: string, audience: string) {
  return {
    version,
    issuer,
    audience,
    tables: [],
    principals: [],
    grants: [],
    credentials: [],
    tokenKeys: [],
  };
}
