import { randomUUID } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createLocalStorage,
  createReferenceCache,
  createTable,
  type DeltaError,
  type OrphanFilesReport,
  openTable,
  removeOrphanFiles,
  type Storage,
  type Table,
} from '../src/index.js';
import { idsOf, simpleRows, simpleSchema } from './support/simple-table.js';
import { tempDir } from './support/temp-dir.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const DAT = join(import.meta.dirname, '../../../../shared/data/dat');

async function rejection(p: Promise<unknown>): Promise<DeltaError> {
  try {
    await p;
  } catch (err) {
    return err as DeltaError;
  }
  throw new Error('expected a rejection');
}

/** Every file under `dir` (relative paths) with its size and mtime: what "untouched" is compared by. */
function tree(dir: string, sub = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of readdirSync(join(dir, sub), { withFileTypes: true })) {
    const rel = sub === '' ? d.name : `${sub}/${d.name}`;
    if (d.isDirectory()) Object.assign(out, tree(dir, rel));
    else {
      const st = statSync(join(dir, rel));
      out[rel] = `${st.size}@${st.mtimeMs}`;
    }
  }
  return out;
}

/** Sets a file's mtime `ms` into the past. */
function age(dir: string, path: string, ms: number): void {
  const t = (Date.now() - ms) / 1000;
  utimesSync(join(dir, path), t, t);
}

/** Ages every file under `dir` (the table's own files too, so that their age never protects them). */
function ageAll(dir: string, ms: number): void {
  for (const path of Object.keys(tree(dir))) age(dir, path, ms);
}

/** A data file as a crash between writing it and committing it leaves one: real Parquet, never committed. */
function orphanDataFile(dir: string, like: string): string {
  const name = `part-00000-${randomUUID()}-c000.zstd.parquet`;
  copyFileSync(join(dir, like), join(dir, name));
  return name;
}

/** A temp file as an interrupted local write leaves one (`.<uuid>.tmp`), in `sub` of the table. */
function tempFile(dir: string, sub = ''): string {
  const path = `${sub}.${randomUUID()}.tmp`;
  writeFileSync(join(dir, path), 'half a file');
  return path;
}

async function tableWith(dir: string, appends: number, appendOnly = true): Promise<Table> {
  const table = await createTable(dir, {
    schema: simpleSchema,
    workers: 1,
    fsync: false,
    properties: { 'delta.appendOnly': String(appendOnly) },
  });
  for (let i = 0; i < appends; i++) await table.append(simpleRows(i * 10, 10));
  return table;
}

const dataFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.parquet'))
    .sort();
const removedPaths = (r: OrphanFilesReport): string[] => r.removed.map((f) => f.path).sort();

describe('removeOrphanFiles', () => {
  it('removes old temp files and old unreferenced data files; keeps younger ones and every referenced file', async () => {
    const dir = tempDir('delta-orphans-');
    await using table = await tableWith(dir, 3);
    const referenced = dataFiles(dir);
    expect(referenced).toHaveLength(3);
    const orphanOld = orphanDataFile(dir, referenced[0]!);
    const tempOld = tempFile(dir);
    const logTempOld = tempFile(dir, '_delta_log/');
    ageAll(dir, 2 * HOUR);
    const orphanYoung = orphanDataFile(dir, referenced[0]!);
    const tempYoung = tempFile(dir);
    const logTempYoung = tempFile(dir, '_delta_log/');
    writeFileSync(join(dir, 'notes.txt'), 'not a data file');
    age(dir, 'notes.txt', 2 * HOUR);

    // Under the default window (7 days) a file two hours old is young.
    const byDefault = await removeOrphanFiles(dir);
    expect(byDefault.removed).toEqual([]);
    expect(byDefault.kept).toEqual({ referenced: 3, young: 6, other: 1 });

    const before = tree(dir);
    const report = await removeOrphanFiles(dir, { minAgeMs: HOUR });
    expect(removedPaths(report)).toEqual([logTempOld, tempOld, orphanOld].sort());
    expect(report.removed.find((f) => f.path === orphanOld)).toEqual({
      path: orphanOld,
      bytes: statSync(join(dir, referenced[0]!)).size,
      kind: 'data',
    });
    expect(report.removed.find((f) => f.path === tempOld)).toMatchObject({ bytes: 11, kind: 'temp' });
    expect(report.removedBytes).toBe(report.removed.reduce((n, f) => n + f.bytes, 0));
    expect(report.kept).toEqual({ referenced: 3, young: 3, other: 1 });
    expect(report.failed).toEqual([]);
    expect(report.location).toBe(dir);
    const expected = { ...before };
    for (const p of [orphanOld, tempOld, logTempOld]) delete expected[p];
    expect(tree(dir)).toEqual(expected);
    for (const p of [orphanYoung, tempYoung, logTempYoung]) expect(expected[p]).toBeDefined();
    expect(idsOf(await table.scan())).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('keeps the files of old versions: a removed file stays referenced (time travel)', async () => {
    const dir = tempDir('delta-orphans-');
    await using table = await tableWith(dir, 3, false);
    const first = (await table.history()).find((h) => h.version === 1)!;
    expect(first.added.files).toBe(1);
    const firstFile = (await table.snapshot(1)).files[0]!.path;
    await table.commit([{ remove: { path: firstFile, dataChange: true, deletionTimestamp: Date.now() } }]);
    const orphan = orphanDataFile(dir, firstFile);
    ageAll(dir, 30 * DAY);

    const report = await removeOrphanFiles(dir, { minAgeMs: 0 });
    expect(removedPaths(report)).toEqual([orphan]);
    expect(report.kept.referenced).toBe(3);
    expect(dataFiles(dir)).toContain(firstFile);
    expect(idsOf(await table.scan({ version: 1 }))).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('keeps files that only a checkpoint references once the commits before it were cleaned up', async () => {
    const dir = tempDir('delta-orphans-');
    await using table = await tableWith(dir, 9, false);
    // Version 10 removes the file of version 2 and is checkpointed (adds and the remove's tombstone).
    const atOne = (await table.snapshot(1)).files.map((f) => f.path);
    const v2File = (await table.snapshot(2)).files.map((f) => f.path).find((p) => !atOne.includes(p))!;
    const r = await table.commit([{ remove: { path: v2File, dataChange: true } }]);
    expect(r).toMatchObject({ version: 10, checkpointed: true });
    await table.append(simpleRows(100, 10));
    const all = dataFiles(dir);
    expect(all).toHaveLength(10);
    // A log cleanup removed the commits before the checkpoint (as Spark's does after logRetentionDuration).
    for (let v = 0; v < 10; v++) unlinkSync(join(dir, '_delta_log', `${String(v).padStart(20, '0')}.json`));
    const orphan = orphanDataFile(dir, v2File);
    ageAll(dir, 30 * DAY);

    const report = await removeOrphanFiles(dir, { minAgeMs: 0 });
    expect(removedPaths(report)).toEqual([orphan]);
    expect(report.kept.referenced).toBe(10);
    expect(report.logFilesRead).toBe(3); // commits 10 and 11, checkpoint 10
    expect(dataFiles(dir)).toEqual(all);
  });

  it('never touches _delta_log: commits, checkpoints, _last_checkpoint, other files there', async () => {
    const dir = tempDir('delta-orphans-');
    {
      await using table = await tableWith(dir, 11);
      expect(table.version).toBe(11);
    }
    writeFileSync(join(dir, '_delta_log', '00000000000000000003.crc'), '{}');
    writeFileSync(join(dir, '_delta_log', 'stray.parquet'), 'x');
    mkdirSync(join(dir, '_delta_log', '_sidecars'));
    writeFileSync(join(dir, '_delta_log', '_sidecars', `${randomUUID()}.parquet`), 'x');
    const logTemp = tempFile(dir, '_delta_log/');
    ageAll(dir, 365 * DAY);
    const log = (): Record<string, string> =>
      Object.fromEntries(Object.entries(tree(dir)).filter(([p]) => p.startsWith('_delta_log/')));
    const before = log();
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([
        '_delta_log/00000000000000000000.json',
        '_delta_log/00000000000000000010.checkpoint.parquet',
        '_delta_log/_last_checkpoint',
      ]),
    );

    const report = await removeOrphanFiles(dir, { minAgeMs: 0 });
    expect(removedPaths(report)).toEqual([logTemp]);
    const expected = { ...before };
    delete expected[logTemp];
    expect(log()).toEqual(expected);
  });

  const unreadable: { name: string; code: string; spoil: (dir: string) => void }[] = [
    {
      name: 'a commit that is not JSON',
      code: 'CORRUPT_LOG',
      spoil: (dir) => appendFileSync(join(dir, '_delta_log', '00000000000000000002.json'), '{"add": oops\n'),
    },
    {
      name: 'a missing commit no checkpoint covers',
      code: 'CORRUPT_LOG',
      spoil: (dir) => unlinkSync(join(dir, '_delta_log', '00000000000000000002.json')),
    },
    {
      name: 'an unreadable checkpoint whose earlier commits are gone',
      code: 'CORRUPT_LOG',
      spoil: (dir) => {
        for (let v = 0; v < 3; v++)
          unlinkSync(join(dir, '_delta_log', `${String(v).padStart(20, '0')}.json`));
        writeFileSync(join(dir, '_delta_log', '00000000000000000002.checkpoint.parquet'), 'not parquet');
      },
    },
    {
      name: 'no log at all',
      code: 'TABLE_NOT_FOUND',
      spoil: (dir) => rmSync(join(dir, '_delta_log'), { recursive: true }),
    },
    {
      name: 'a protocol needing a reader feature we lack (v2 checkpoints: references in sidecars)',
      code: 'UNSUPPORTED_FEATURE',
      spoil: (dir) =>
        writeFileSync(
          join(dir, '_delta_log', '00000000000000000004.json'),
          `${JSON.stringify({ protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['v2Checkpoint'], writerFeatures: ['v2Checkpoint'] } })}\n`,
        ),
    },
  ];

  it.each(unreadable)('leaves a table alone when its log cannot be read: $name', async ({ code, spoil }) => {
    const dir = tempDir('delta-orphans-');
    {
      await using table = await tableWith(dir, 3);
      expect(table.version).toBe(3);
    }
    orphanDataFile(dir, dataFiles(dir)[0]!);
    tempFile(dir);
    tempFile(dir, '_delta_log/');
    spoil(dir);
    ageAll(dir, 30 * DAY);
    const before = tree(dir);
    const err = await rejection(removeOrphanFiles(dir, { minAgeMs: 0 }));
    expect(err.name).toBe('DeltaError');
    expect(err.code).toBe(code);
    expect(err.message).toContain(dir);
    expect(tree(dir)).toEqual(before);
  });

  it('with a cache reads each log file once, and starts over when the table is created again in its place', async () => {
    const dir = tempDir('delta-orphans-');
    const cache = createReferenceCache();
    {
      await using table = await tableWith(dir, 3);
      expect((await removeOrphanFiles(dir, { minAgeMs: 0, cache })).logFilesRead).toBe(4);
      expect((await removeOrphanFiles(dir, { minAgeMs: 0, cache })).logFilesRead).toBe(0);
      await table.append(simpleRows(100, 10));
      const report = await removeOrphanFiles(dir, { minAgeMs: 0, cache });
      expect(report.logFilesRead).toBe(1);
      expect(report.kept.referenced).toBe(4);
      expect(cache).toMatchObject({ location: dir, logFiles: 5 });
    }
    // Dropped and created again at the same place: same commit names, other files.
    rmSync(dir, { recursive: true });
    {
      await using again = await tableWith(dir, 2);
      expect(again.version).toBe(2);
    }
    const files = dataFiles(dir);
    ageAll(dir, 30 * DAY);
    const report = await removeOrphanFiles(dir, { minAgeMs: 0, cache });
    expect(report.removed).toEqual([]);
    expect(report.kept.referenced).toBe(2);
    expect(report.logFilesRead).toBe(3);
    expect(dataFiles(dir)).toEqual(files);

    const other = tempDir('delta-orphans-');
    await (await tableWith(other, 0)).close();
    expect((await rejection(removeOrphanFiles(other, { cache }))).code).toBe('INVALID_ARGUMENT');
  });

  it('keeps a file committed while the run works (read again just before deleting)', async () => {
    const dir = tempDir('delta-orphans-');
    await using table = await tableWith(dir, 2);
    const late = orphanDataFile(dir, dataFiles(dir)[0]!);
    const stray = orphanDataFile(dir, dataFiles(dir)[0]!);
    ageAll(dir, 30 * DAY);
    const local = createLocalStorage(dir, { fsync: false });
    let committed = false;
    // Another writer commits `late` after this run read the log (its file was written long before).
    const racing: Storage = {
      ...local,
      listDetailed: local.listDetailed!,
      async list(prefix, options) {
        if (!committed) {
          committed = true;
          const size = statSync(join(dir, late)).size;
          await table.commit([
            {
              add: { path: late, partitionValues: {}, size, modificationTime: Date.now(), dataChange: true },
            },
          ]);
        }
        return local.list(prefix, options);
      },
    };
    const report = await removeOrphanFiles(racing, { minAgeMs: 0 });
    expect(committed).toBe(true);
    expect(removedPaths(report)).toEqual([stray]);
    expect(report.kept.referenced).toBe(3);
    expect(dataFiles(dir)).toContain(late);
    expect(idsOf(await table.scan())).toHaveLength(30);
  });

  it('refuses a storage without listDetailed, a negative age, and stops when its signal fires', async () => {
    const dir = tempDir('delta-orphans-');
    await (await tableWith(dir, 1)).close();
    const orphan = orphanDataFile(dir, dataFiles(dir)[0]!);
    ageAll(dir, 30 * DAY);
    const { listDetailed: _, ...plain } = createLocalStorage(dir);
    const noListing = await rejection(removeOrphanFiles(plain, { minAgeMs: 0 }));
    expect(noListing.code).toBe('INVALID_ARGUMENT');
    expect(noListing.message).toContain(dir);
    expect((await rejection(removeOrphanFiles(dir, { minAgeMs: -1 }))).code).toBe('INVALID_ARGUMENT');
    const aborted = AbortSignal.abort(new Error('stopping'));
    expect((await rejection(removeOrphanFiles(dir, { minAgeMs: 0, signal: aborted }))).message).toBe(
      'stopping',
    );
    expect(dataFiles(dir)).toContain(orphan);
  });
});

describe('createLocalStorage listDetailed', () => {
  it('lists the files directly in a folder with size and mtime, flags its own temp files, hides the rest', async () => {
    const dir = tempDir('delta-orphans-');
    const storage = createLocalStorage(dir, { fsync: false });
    await storage.write('a.parquet', new Uint8Array(5));
    await storage.write('sub/b.parquet', new Uint8Array(3));
    writeFileSync(join(dir, '.a.parquet.crc'), 'crc');
    const temp = tempFile(dir);
    age(dir, 'a.parquet', DAY);
    const listed = await storage.listDetailed!('');
    expect(listed.map(({ path, size, temp }) => ({ path, size, temp }))).toEqual(
      [
        { path: 'a.parquet', size: 5, temp: false },
        { path: temp, size: 11, temp: true },
      ].sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
    const a = listed.find((o) => o.path === 'a.parquet')!;
    expect(a.modifiedMs).toBeCloseTo(Date.now() - DAY, -4);
    expect((await storage.listDetailed!('sub/')).map((o) => o.path)).toEqual(['sub/b.parquet']);
    expect(await storage.listDetailed!('missing/')).toEqual([]);
  });
});

describe('removeOrphanFiles on tables Spark wrote (DAT)', () => {
  const cases = readdirSync(DAT, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

  it.each(cases)('%s: every file is referenced; an orphan in the root is removed', async (name) => {
    const dir = tempDir('delta-orphans-dat-');
    cpSync(join(DAT, name, 'delta'), dir, { recursive: true });
    const chmod = (p: string): void => {
      chmodSync(p, 0o755);
      for (const d of readdirSync(p, { withFileTypes: true })) if (d.isDirectory()) chmod(join(p, d.name));
    };
    chmod(dir);
    const anyData = Object.keys(tree(dir)).find(
      (p) => p.endsWith('.parquet') && !p.startsWith('_delta_log'),
    )!;
    const orphan = `part-00000-${randomUUID()}-c000.snappy.parquet`;
    copyFileSync(join(dir, anyData), join(dir, orphan));
    ageAll(dir, 365 * DAY);
    const before = tree(dir);
    const report = await removeOrphanFiles(dir, { minAgeMs: 0 });
    expect(removedPaths(report)).toEqual([orphan]);
    expect(report.kept.referenced).toBe(dataFiles(dir).length);
    delete before[orphan];
    expect(tree(dir)).toEqual(before);
    await using table = await openTable(dir);
    await table.scan();
  });
});
