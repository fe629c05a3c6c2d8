import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createLocalStorage, createTable, openTable, type Snapshot, type Storage } from '../src/index.js';
import { idsOf, simpleRows, simpleSchema } from './support/simple-table.js';
import { tempDir } from './support/temp-dir.js';

/** A view of a table that hides every checkpoint, so snapshots replay JSON commits only. */
function jsonOnly(storage: Storage): Storage {
  const hidden = (p: string): boolean => p.includes('.checkpoint.') || p.endsWith('_last_checkpoint');
  return {
    ...storage,
    list: async (prefix, options) => (await storage.list(prefix, options)).filter((p) => !hidden(p)),
    read: async (path) => (hidden(path) ? undefined : storage.read(path)),
  };
}

function comparable(s: Snapshot) {
  return {
    version: s.version,
    protocol: s.protocol,
    metadata: s.metadata,
    files: [...s.files].sort((a, b) => a.path.localeCompare(b.path)),
    txns: [...s.txns].sort(),
  };
}

describe('checkpoints', () => {
  it('every 10 commits; a snapshot from the checkpoint equals one from JSON alone', async () => {
    const dir = tempDir('delta-checkpoint-');
    {
      await using table = await createTable(dir, { schema: simpleSchema, workers: 1 });
      let checkpoints = 0;
      for (let v = 0; v < 24; v++) {
        if (v === 12) {
          // A schema change between checkpoints: the next checkpoint carries the new metaData.
          const evolved = await table.evolveSchema({
            ...simpleSchema,
            fields: [...simpleSchema.fields, { name: 'extra', type: 'double', nullable: true, metadata: {} }],
          });
          if (evolved.checkpointed) checkpoints++;
        }
        const result = await table.append(simpleRows(v * 10, 10, v >= 12), {
          txn: { appId: v % 2 === 0 ? 'even' : 'odd', version: BigInt(v) },
        });
        if (result.checkpointed) checkpoints++;
      }
      expect(table.version).toBe(25);
      expect(checkpoints).toBe(2);
    }
    const log = join(dir, '_delta_log');
    expect(existsSync(join(log, '00000000000000000010.checkpoint.parquet'))).toBe(true);
    expect(existsSync(join(log, '00000000000000000020.checkpoint.parquet'))).toBe(true);
    const last = JSON.parse(readFileSync(join(log, '_last_checkpoint'), 'utf8')) as Record<string, number>;
    // protocol + metaData + 2 txns + 19 adds at version 20
    expect(last).toMatchObject({ version: 20, size: 23, numOfAddFiles: 19 });

    const storage = createLocalStorage(dir);
    await using fromCheckpoint = await openTable(storage);
    await using fromJson = await openTable(jsonOnly(storage));
    for (const version of [undefined, 20, 15, 10, 9]) {
      const a = await fromCheckpoint.snapshot(version);
      const b = await fromJson.snapshot(version);
      expect(comparable(a)).toEqual(comparable(b));
    }
    const latest = await fromCheckpoint.snapshot();
    expect(latest.latestTxnVersion('even')).toBe(22n);
    expect(latest.latestTxnVersion('odd')).toBe(23n);
    expect(latest.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'extra']);
    expect(idsOf(await fromCheckpoint.scan())).toEqual(Array.from({ length: 240 }, (_, i) => i));

    // An independent reader sees the classic checkpoint schema.
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const cp = join(log, '00000000000000000020.checkpoint.parquet');
      const r = await conn.runAndReadAll(
        `SELECT count(add) AS adds, count(txn) AS txns, count(metaData) AS meta, count(protocol) AS proto,
                max(txn.version)::VARCHAR AS maxtxn FROM read_parquet('${cp}')`,
      );
      // Version 20 is the append of txn 18 (version 13 was the schema change).
      expect(r.getRowObjectsJson()[0]).toEqual({
        adds: '19',
        txns: '2',
        meta: '1',
        proto: '1',
        maxtxn: '18',
      });
    } finally {
      conn.closeSync();
    }
  });
});

describe('a checkpoint due at a version its writer did not write', () => {
  /** The table in `dir` as a writer whose checkpoints fail (as if killed right after each commit). */
  function noCheckpoints(dir: string): Storage {
    // Without its `description` no pool worker can open it: the checkpoint is written through `write` on
    // this thread, where it fails.
    const { description: _, ...storage } = createLocalStorage(dir);
    return {
      ...storage,
      write: async (path, data) => {
        if (path.includes('.checkpoint.') || path.endsWith('_last_checkpoint'))
          throw new Error(`killed before writing ${path}`);
        await storage.write(path, data);
      },
    };
  }

  it('is written by the next commit of any writer, and only once', async () => {
    const dir = tempDir('delta-late-checkpoint-');
    const log = join(dir, '_delta_log');
    await (await createTable(dir, { schema: simpleSchema, workers: 1 })).close();
    {
      // Versions 1..10: the checkpoint due at 10 is never written.
      await using dying = await openTable(noCheckpoints(dir), { workers: 1 });
      for (let v = 1; v <= 10; v++) {
        const r = await dying.append(simpleRows(v * 10, 10), { txn: { appId: 'a', version: BigInt(v) } });
        expect(r.checkpointed).toBe(false);
      }
    }
    expect(existsSync(join(log, '_last_checkpoint'))).toBe(false);

    // The next writer (a restarted node) writes it at its first commit, 11.
    await using next = await openTable(dir, { workers: 1 });
    const r11 = await next.append(simpleRows(110, 10), { txn: { appId: 'a', version: 11n } });
    expect(r11).toMatchObject({ version: 11, checkpointed: true });
    expect(existsSync(join(log, '00000000000000000011.checkpoint.parquet'))).toBe(true);
    expect(JSON.parse(readFileSync(join(log, '_last_checkpoint'), 'utf8'))).toMatchObject({ version: 11 });
    // Once written, later commits before the next multiple write none (another handle reads it from the log).
    await using other = await openTable(dir, { workers: 1 });
    const r12 = await other.append(simpleRows(120, 10), { txn: { appId: 'b', version: 12n } });
    const r13 = await next.append(simpleRows(130, 10), { txn: { appId: 'a', version: 13n } });
    expect([r12.version, r12.checkpointed, r13.version, r13.checkpointed]).toEqual([12, false, 13, false]);

    // Versions 14..20 by a writer whose checkpoint at 20 fails: 21, by a handle that knew of 11, writes it.
    {
      await using failing = await openTable(noCheckpoints(dir), { workers: 1 });
      for (let v = 14; v <= 20; v++) {
        const r = await failing.append(simpleRows(v * 10, 10), { txn: { appId: 'c', version: BigInt(v) } });
        expect(r.checkpointed).toBe(false);
      }
    }
    const r21 = await next.append(simpleRows(210, 10), { txn: { appId: 'a', version: 21n } });
    expect(r21).toMatchObject({ version: 21, checkpointed: true });
    await using reread = await openTable(dir, { workers: 1 });
    expect(idsOf(await reread.scan())).toEqual(Array.from({ length: 210 }, (_, i) => i + 10));
  });
});
