import { describe, expect, it } from 'vitest';
import { DeltaError, type Storage } from '../../src/index.js';

/** Opens a fresh, empty storage (its own directory or object-name prefix); `pageSize` where the adapter pages. */
export type OpenEmptyStorage = (options: { pageSize: number }) => Promise<Storage>;

/** The listing page size the suite asks for, so a handful of objects spans several pages. */
const PAGE_SIZE = 3;

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : new TextDecoder().decode(b);
const commit = (v: number): string => `_delta_log/${String(v).padStart(20, '0')}.json`;

/** Writes `paths` (each holding its own name) in the order given, a few at a time. */
async function writeAll(storage: Storage, paths: readonly string[]): Promise<void> {
  for (let i = 0; i < paths.length; i += 4) {
    await Promise.all(paths.slice(i, i + 4).map((p) => storage.write(p, bytes(p))));
  }
}

/**
 * The behaviour every {@link Storage} adapter must have for the Delta log and orphan cleanup to be correct on
 * it: one suite, run against the local directory, Azurite, and S3 when configured.
 */
export function describeStorageConformance(name: string, open: OpenEmptyStorage): void {
  const fresh = (): Promise<Storage> => open({ pageSize: PAGE_SIZE });

  describe(`Storage conformance: ${name}`, () => {
    it('lists a folder sorted, after startAfter, by name prefix; a missing folder as empty', async () => {
      const storage = await fresh();
      const versions = [3, 0, 5, 1, 4, 2];
      await writeAll(storage, [
        ...versions.map(commit),
        '_delta_log/00000000000000000003.checkpoint.parquet',
        '_delta_log/_last_checkpoint',
        'part-00000-a.parquet',
        '_delta_logs/elsewhere.json',
      ]);
      // '.c' sorts before '.j': the checkpoint of version 3 comes before its commit.
      const all = [
        commit(0),
        commit(1),
        commit(2),
        '_delta_log/00000000000000000003.checkpoint.parquet',
        commit(3),
        commit(4),
        commit(5),
        '_delta_log/_last_checkpoint',
      ];
      expect(await storage.list('_delta_log/')).toEqual(all);
      expect(await storage.list('_delta_log/', { startAfter: commit(3) })).toEqual(all.slice(5));
      // startAfter need not exist: everything sorting after it.
      expect(await storage.list('_delta_log/', { startAfter: '_delta_log/00000000000000000003.d' })).toEqual(
        all.slice(4),
      );
      expect(await storage.list('_delta_log/', { startAfter: '_delta_log/~' })).toEqual([]);
      expect(await storage.list('_delta_log/0000000000000000000')).toEqual(all.slice(0, 7));
      expect(await storage.list('_delta_log/00000000000000000003.')).toEqual(all.slice(3, 5));
      expect(await storage.list('no-such-folder/')).toEqual([]);
    });

    it('pages through more objects than one listing page holds', async () => {
      const storage = await fresh();
      const paths = Array.from({ length: 3 * PAGE_SIZE + 2 }, (_, v) => commit(v));
      await writeAll(storage, [...paths].reverse());
      expect(await storage.list('_delta_log/')).toEqual(paths);
      expect(await storage.list('_delta_log/', { startAfter: paths[PAGE_SIZE + 1] as string })).toEqual(
        paths.slice(PAGE_SIZE + 2),
      );
      const detailed = await storage.listDetailed!('_delta_log/');
      expect(detailed.map((o) => o.path)).toEqual(paths);
    });

    it('never lists hidden names (starting with `.`)', async () => {
      const storage = await fresh();
      await writeAll(storage, [
        '.hidden',
        '_delta_log/.00000000000000000000.json.crc',
        commit(0),
        'part-0.parquet',
      ]);
      expect(await storage.list('_delta_log/')).toEqual([commit(0)]);
      expect(await storage.list('')).not.toContain('.hidden');
      expect((await storage.listDetailed!('_delta_log/')).map((o) => o.path)).toEqual([commit(0)]);
      expect((await storage.listDetailed!('')).map((o) => o.path)).toEqual(['part-0.parquet']);
    });

    it('reads a missing object as undefined, and refuses paths that escape the table', async () => {
      const storage = await fresh();
      expect(await storage.read('part-missing.parquet')).toBeUndefined();
      expect(await storage.read('no-such-folder/x')).toBeUndefined();
      const escaping = await storage.read('../outside').catch((e: unknown) => e);
      expect(escaping).toBeInstanceOf(DeltaError);
      expect((escaping as DeltaError).code).toBe('INVALID_ARGUMENT');
    });

    it('writes and replaces objects whole: a reader sees the old bytes or the new, never a part', async () => {
      const storage = await fresh();
      const size = 1 << 20;
      const a = new Uint8Array(size).fill(0x61);
      const b = new Uint8Array(size).fill(0x62);
      const isOneOf = (got: Uint8Array | undefined): string =>
        got === undefined
          ? 'missing'
          : Buffer.from(a).equals(got)
            ? 'a'
            : Buffer.from(b).equals(got)
              ? 'b'
              : 'torn';
      await storage.write('nested/folder/data.bin', a);
      expect(isOneOf(await storage.read('nested/folder/data.bin'))).toBe('a');
      const seen: string[] = [];
      const reader = async (): Promise<void> => {
        for (let i = 0; i < 6; i++) seen.push(isOneOf(await storage.read('nested/folder/data.bin')));
      };
      const writer = async (): Promise<void> => {
        for (let i = 0; i < 6; i++) await storage.write('nested/folder/data.bin', i % 2 === 0 ? b : a);
      };
      await Promise.all([writer(), reader(), reader()]);
      expect(seen.filter((s) => s !== 'a' && s !== 'b')).toEqual([]);
      await storage.write('nested/folder/data.bin', bytes('small'));
      expect(text(await storage.read('nested/folder/data.bin'))).toBe('small');
    });

    it('putIfAbsent: of 16 racing creators exactly one wins and its bytes stay', async () => {
      const storage = await fresh();
      const path = commit(7);
      const contents = Array.from({ length: 16 }, (_, i) => `{"commitInfo":{"writer":${i}}}\n`);
      const won = await Promise.all(contents.map((c) => storage.putIfAbsent(path, bytes(c))));
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = contents[won.indexOf(true)];
      expect(text(await storage.read(path))).toBe(winner);
      expect(await storage.putIfAbsent(path, bytes('late'))).toBe(false);
      expect(text(await storage.read(path))).toBe(winner);
      expect(await storage.list('_delta_log/')).toEqual([path]);
    });

    it('deletes an object; deleting a missing one is no error', async () => {
      const storage = await fresh();
      await writeAll(storage, ['part-1.parquet', 'part-2.parquet']);
      await storage.delete('part-1.parquet');
      expect(await storage.read('part-1.parquet')).toBeUndefined();
      expect(await storage.list('part-')).toEqual(['part-2.parquet']);
      await storage.delete('part-1.parquet');
      await storage.delete('no-such-folder/part-3.parquet');
      expect(await storage.putIfAbsent('part-1.parquet', bytes('again'))).toBe(true);
    });

    it('listDetailed: the objects directly in a folder with sizes and modification times', async () => {
      const storage = await fresh();
      const before = Date.now();
      await writeAll(storage, ['part-b.parquet', 'part-a.parquet', commit(0), 'sub/folder/part-c.parquet']);
      await storage.write('part-b.parquet', bytes('twelve bytes'));
      const root = await storage.listDetailed!('');
      expect(root.map((o) => [o.path, o.size, o.temp])).toEqual([
        ['part-a.parquet', 'part-a.parquet'.length, false],
        ['part-b.parquet', 12, false],
      ]);
      for (const o of root) expect(Math.abs(o.modifiedMs - before)).toBeLessThan(10 * 60_000);
      expect((await storage.listDetailed!('_delta_log/')).map((o) => o.path)).toEqual([commit(0)]);
      expect((await storage.listDetailed!('sub/folder/')).map((o) => o.path)).toEqual([
        'sub/folder/part-c.parquet',
      ]);
      expect(await storage.listDetailed!('no-such-folder/')).toEqual([]);
    });
  });
}
