import { spawnSync } from 'node:child_process';
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAdminClient } from '../src/admin/admin-client.js';
import { childNodeDir, INGEST_BIN, startChildNode } from './support/child-node.js';
import { ORDERS, orderSchema, testSnapshot } from './support/test-catalog.js';
import { readTable, tempDir } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

/** Every file and directory under `root` but `tables/`, with its permission bits. */
async function modesUnder(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const name = relative(root, path);
      if (name === 'tables') continue;
      out[entry.isDirectory() ? `${name}/` : name] = ((await stat(path)).mode & 0o777).toString(8);
      if (entry.isDirectory()) await walk(path);
    }
  };
  out['./'] = ((await stat(root)).mode & 0o777).toString(8);
  await walk(root);
  return out;
}

describe("the node's files are its user's alone", () => {
  it('creates the data directory and every directory in it 0700, every file 0600, under umask 000', async () => {
    const { tokens, provisioning, dataDir, cleanup } = await childNodeDir();
    try {
      const node = await startChildNode(dataDir, provisioning, [], { umask: '000' });
      const client = zerobusClient(node.port);
      // A persistent PROTO stream: its descriptor, its WAL entries and (at the stop) streams.json.
      const s = openStream(client, 'PersistentStream', tokens.good.token, ORDERS);
      const schema = orderSchema();
      s.send(req.persistentCreate(ORDERS, 1, schema.descriptorProto));
      await s.streamId();
      s.send(req.proto(0, [schema.type.encode(schema.type.fromObject({ id: 1 })).finish()]));
      await s.ackedAtLeast(0);
      expect((await s.finish()).code).toBe(0);
      client.close();
      // A pushed catalog is written to catalog/snapshot.json.
      const secret = (await readFile(join(dataDir, 'admin-secret'), 'utf8')).trim();
      const admin = createAdminClient(`127.0.0.1:${node.adminPort}`, secret);
      await admin.pushCatalog(JSON.stringify({ ...testSnapshot(tokens), version: 2 }));
      admin.close();
      node.process.kill('SIGTERM');
      expect(await node.exited).toBe(0);

      const modes = await modesUnder(dataDir);
      const names = Object.keys(modes);
      for (const expected of [
        './',
        'wal/',
        'descriptors/',
        'catalog/',
        'node-id',
        'admin-secret',
        'streams.json',
      ]) {
        expect(names).toContain(expected);
      }
      expect(names.some((n) => /^wal\/\d+\.wal$/.test(n))).toBe(true);
      expect(names.some((n) => /^descriptors\/[0-9a-f]{64}\.desc$/.test(n))).toBe(true);
      expect(names).toContain('catalog/snapshot.json');
      const open = Object.entries(modes).filter(([n, m]) => m !== (n.endsWith('/') ? '700' : '600'));
      expect(open).toEqual([]);
      // The table stays readable by the node's user (its readers run as that user).
      expect((await readTable(dataDir, 'tables/main/sales/orders')).numRows).toBe(1);
    } finally {
      await cleanup();
    }
  }, 60_000);

  it('refuses to start (exit code 2) with an admin secret file other users may read, saying how to fix it', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'admin-secret.txt');
      await writeFile(file, 'an-admin-secret-of-some-length\n');
      await chmod(file, 0o644);
      const run = spawnSync(
        process.execPath,
        [INGEST_BIN, '--data-dir', join(dir, 'data'), '--admin-secret-file', file],
        { encoding: 'utf8', timeout: 30_000 },
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(
        `invalid configuration:\n  --admin-secret-file: ${file} is open to other users (mode 0644), and it holds the admin API's secret: run chmod 600 ${file}\n`,
      );
    } finally {
      await cleanup();
    }
  }, 60_000);
});
