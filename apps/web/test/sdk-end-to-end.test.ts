import { execFile } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openTable } from '@lakestream/delta';
import { loadZerobusSdk } from '@lakestream/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { handleTokenRequest } from '../src/server/oauth/token-endpoint';
import type { WebServices } from '../src/server/services';
import { setUpOrdersProducer, startTestIngestNode } from './support/ingest-node';
import { callerAs, openTestServices, seedUsers, type TestServices } from './support/services';

const sdk = loadZerobusSdk();
const execFileAsync = promisify(execFile);

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Serves `POST /oidc/v1/token` over plain HTTP/1.1, as `next start` would, with the route's handler. */
async function serveTokens(services: () => WebServices): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: req.method ?? 'GET',
        headers,
        ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
      });
      const respond = async () => {
        const response =
          req.url === '/oidc/v1/token' && req.method === 'POST'
            ? await handleTokenRequest(services(), request)
            : new Response('not found', { status: 404 });
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      };
      void respond();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return server;
}

describe('end to end: console → provisioning → OAuth token → official SDK stream on a real ingest node', () => {
  it('a producer with client id and secret streams JSON records that are acked and published', async () => {
    const scratch = await openTestServices();
    cleanups.push(() => scratch.close());
    const nodeDir = join(scratch.dataDir, 'node');

    // The ingest node, as its main.ts wires it: catalog store (provisioned by push), authenticator, admin API.
    const { store, node, adminAddress, secretFile, close } = await startTestIngestNode({
      dataDir: nodeDir,
      secretFile: join(scratch.dataDir, 'admin-secret'),
      adminSecret: 'e2e-admin-secret',
      flushMs: 100,
    });
    cleanups.push(close);

    // The console, its token endpoint on HTTP.
    let t: TestServices | undefined;
    const http = await serveTokens(() => t!.services);
    const consoleUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    t = await openTestServices({
      LAKESTREAM_PUBLIC_URL: consoleUrl,
      LAKESTREAM_INGEST_NODES: `${adminAddress}=${secretFile}`,
      LAKESTREAM_INGEST_ENDPOINT: `http://127.0.0.1:${node.port}`,
    });
    cleanups.push(() => t!.close());

    // An editor creates the table and grants; an admin issues the producer's credential.
    await seedUsers(t.services);
    const adminUser = callerAs(t.services, 'admin').caller;
    const { clientId, clientSecret } = await setUpOrdersProducer(t.services, 'main.sales.orders', [
      'USE_CATALOG',
      'USE_SCHEMA',
      'MODIFY',
      'SELECT',
    ]);
    await t.services.provisioner.settled();
    expect(store.current().version).toBe((await t.services.snapshot()).version);

    // The SDK: client id/secret → POST /oidc/v1/token on the console → bearer token → stream on the node.
    const client = new sdk.ZerobusSdk(`http://127.0.0.1:${node.port}`, consoleUrl);
    const stream = await client.createStream({ tableName: 'main.sales.orders' }, clientId, clientSecret, {
      recordType: sdk.RecordType.Json,
    });
    let last = -1n;
    for (let i = 0; i < 20; i++)
      last = await stream.ingestRecordOffset(JSON.stringify({ id: i, item: `tea ${i}` }));
    await stream.waitForOffset(last);
    await stream.close();
    expect(last).toBe(19n);
    const credential = await adminUser.credentials.get({ clientId });
    expect(credential.lastUsedAt).not.toBeNull();

    // The console's TypeScript snippet runs as a producer would paste it, with the id and secret in the SDKs'
    // variables; only its package import is swapped for the platform's native binding (the registry's
    // wrapper package is older, see the wire-protocol spec). It exits 0 once its record is acked.
    const { typescript } = await adminUser.tables.snippets({ name: 'main.sales.orders' });
    const packageImport = /^import \{ ([^}]+) \} from '@databricks\/zerobus-ingest-sdk';$/m;
    expect(typescript).toMatch(packageImport);
    const binding = createRequire(import.meta.url).resolve(
      '@databricks/zerobus-ingest-sdk-linux-x64-gnu/zerobus-ingest-sdk.linux-x64-gnu.node',
    );
    const producer = join(scratch.dataDir, 'producer.mjs');
    writeFileSync(
      producer,
      typescript.replace(
        packageImport,
        (_, names: string) =>
          `import { createRequire } from 'node:module';\nconst { ${names} } = createRequire(import.meta.url)(${JSON.stringify(binding)});`,
      ),
    );
    const run = await execFileAsync(process.execPath, [producer], {
      env: { ...process.env, DATABRICKS_CLIENT_ID: clientId, DATABRICKS_CLIENT_SECRET: clientSecret },
      timeout: 120_000,
    }).catch((error: { code?: unknown; stderr?: unknown; message?: unknown }) => {
      throw new Error(
        `the TypeScript snippet failed (${String(error.code)}): ${String(error.stderr || error.message)}`,
      );
    });
    expect(run.stderr).toBe('');

    // A token issued before the revocation…
    const issued = await fetch(`${consoleUrl}/oidc/v1/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=all-apis',
    });
    const { access_token: token } = (await issued.json()) as { access_token: string };

    // …is refused by the node once the revocation is provisioned; and the SDK gets no new token (401, final).
    await adminUser.credentials.revoke({ clientId });
    await t.services.provisioner.settled();
    expect(store.current().credential(clientId)?.revoked).toBe(true);
    const withOldToken = () =>
      client.createStream(
        { tableName: 'main.sales.orders' },
        clientId,
        clientSecret,
        { recordType: sdk.RecordType.Json },
        {
          getHeadersCallback: () => [
            ['authorization', `Bearer ${token}`],
            ['x-databricks-zerobus-table-name', 'main.sales.orders'],
          ],
        },
      );
    await expect(withOldToken()).rejects.toThrow(/revoked/);
    await expect(
      client.createStream({ tableName: 'main.sales.orders' }, clientId, clientSecret, {
        recordType: sdk.RecordType.Json,
      }),
    ).rejects.toThrow();

    await node.close(500);
    const log = join(nodeDir, 'tables/main/sales/orders/_delta_log');
    expect(existsSync(log)).toBe(true);
    expect(readdirSync(log).filter((f) => f.endsWith('.json')).length).toBeGreaterThanOrEqual(2);
  });
  it('MODIFY alone: "may not stream" and the SDK gets 403 naming each missing privilege once; "grant producer access" and it streams', async () => {
    const scratch = await openTestServices();
    cleanups.push(() => scratch.close());
    const nodeDir = join(scratch.dataDir, 'node');
    const { node, adminAddress, secretFile, close } = await startTestIngestNode({
      dataDir: nodeDir,
      secretFile: join(scratch.dataDir, 'admin-secret'),
      adminSecret: 'e2e-admin-secret',
      flushMs: 100,
    });
    cleanups.push(close);
    let t: TestServices | undefined;
    const http = await serveTokens(() => t!.services);
    const consoleUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    t = await openTestServices({
      LAKESTREAM_PUBLIC_URL: consoleUrl,
      LAKESTREAM_INGEST_NODES: `${adminAddress}=${secretFile}`,
      LAKESTREAM_INGEST_ENDPOINT: `http://127.0.0.1:${node.port}`,
    });
    cleanups.push(() => t!.close());
    await seedUsers(t.services);
    const table = 'main.sales.orders';
    const { principalId, clientId, clientSecret } = await setUpOrdersProducer(t.services, table, ['MODIFY']);
    await t.services.provisioner.settled();

    // The view's verdict and the token endpoint agree: may not stream, for the same missing privileges.
    const viewer = callerAs(t.services, 'viewer').caller;
    const verdict = await viewer.grants.mayStream({ principalId, table });
    expect(verdict.allowed).toBe(false);
    expect(verdict.missing).toEqual([
      "USE_CATALOG on catalog 'main'",
      "USE_SCHEMA on schema 'main.sales'",
      `SELECT on table '${table}'`,
    ]);
    const client = new sdk.ZerobusSdk(`http://127.0.0.1:${node.port}`, consoleUrl);
    const open = () =>
      client.createStream({ tableName: table }, clientId, clientSecret, { recordType: sdk.RecordType.Json });
    const refused = await open().then(
      () => 'stream created',
      (e: Error) => e.message,
    );
    for (const missing of verdict.missing) expect(refused.split(missing)).toHaveLength(2);
    expect(refused).not.toContain('MODIFY on');

    // One action grants what a producer needs; the SDK's stream is then created and ingests.
    const editor = callerAs(t.services, 'editor').caller;
    await editor.grants.grantProducerAccess({ principalId, table });
    await t.services.provisioner.settled();
    expect((await viewer.grants.mayStream({ principalId, table })).allowed).toBe(true);
    const stream = await open();
    let last = -1n;
    for (let i = 0; i < 10; i++)
      last = await stream.ingestRecordOffset(JSON.stringify({ id: i, item: `p${i}` }));
    await stream.waitForOffset(last);
    await stream.close();
    await node.close(500);
    const delta = await openTable(join(nodeDir, 'tables/main/sales/orders'));
    try {
      const ids = (await delta.scan()).getChild('id')!.toArray() as BigInt64Array;
      expect([...ids].map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    } finally {
      await delta.close();
    }
  });
});
