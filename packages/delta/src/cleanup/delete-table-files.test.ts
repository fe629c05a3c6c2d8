import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createLocalStorage } from '../storage/local-storage.js';
import { deleteTableFiles } from './delete-table-files.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test('deletes the log, then the data files; a second run finds nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'delete-table-'));
  dirs.push(dir);
  const storage = createLocalStorage(dir, { fsync: false });
  const bytes = new TextEncoder().encode('{}');
  await storage.write('_delta_log/00000000000000000000.json', bytes);
  await storage.write('_delta_log/00000000000000000001.json', bytes);
  await storage.write('_delta_log/_last_checkpoint', bytes);
  await storage.write('part-0.parquet', bytes);
  expect(await deleteTableFiles(storage)).toEqual({ location: storage.location, logFiles: 2, dataFiles: 1 });
  expect(readdirSync(join(dir, '_delta_log'))).toEqual([]);
  expect(readdirSync(dir)).toEqual(['_delta_log']);
  expect(await deleteTableFiles(storage)).toMatchObject({ logFiles: 0, dataFiles: 0 });
});
