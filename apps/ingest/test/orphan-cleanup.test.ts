import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  type FSWatcher,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childNodeDir, startChildNode } from './support/child-node.js';
import { ORDERS } from './support/test-catalog.js';
import { readTable, rows } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

const LOCATION = 'tables/main/sales/orders';
const DATA_FILE = /^part-.*\.parquet$/;

/** Every `add`/`remove` path of every commit in `_delta_log/`, read without the library under test. */
function referencedByLog(tableDir: string): Set<string> {
  const paths = new Set<string>();
  const log = join(tableDir, '_delta_log');
  for (const name of readdirSync(log).filter((n) => /^\d{20}\.json$/.test(n))) {
    for (const line of readFileSync(join(log, name), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const action = JSON.parse(line) as { add?: { path: string }; remove?: { path: string } };
      const path = action.add?.path ?? action.remove?.path;
      if (path !== undefined) paths.add(path);
    }
  }
  return paths;
}

const dataFilesOf = (tableDir: string): string[] =>
  readdirSync(tableDir)
    .filter((n) => DATA_FILE.test(n))
    .sort();

/** Temp files of interrupted writes (`.<uuid>.tmp`) in the table root and its log, as table paths. */
const tempFilesOf = (tableDir: string): string[] =>
  ['', '_delta_log/'].flatMap((sub) =>
    readdirSync(join(tableDir, sub))
      .filter((n) => /^\.[0-9a-f-]{36}\.tmp$/.test(n))
      .map((n) => sub + n),
  );

/**
 * Whether every thread of the process is stopped (Linux `/proc/<pid>/task/<tid>/stat`, state `T`): the main
 * thread can show stopped while a libuv thread still finishes the `link` of a commit.
 */
function isStopped(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).every((tid) => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return /^[Tt]/.test(stat.slice(stat.lastIndexOf(')') + 2));
    });
  } catch {
    return true; // gone
  }
}

/**
 * Watches the table directory; whenever a data file appears, freezes the node (SIGSTOP, until it is really
 * stopped) and reads the log: a data file no commit references yet means the node is between writing a data
 * file and committing it, and it is killed right there (SIGKILL), leaving that file an orphan — once three
 * files are committed. Otherwise the node goes on (SIGCONT). Resolves with the orphan's name, or `undefined` after `timeoutMs`.
 */
async function killBetweenDataFileAndCommit(
  child: ChildProcess,
  tableDir: string,
  timeoutMs: number,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(tableDir)) {
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 10));
  }
  const pid = child.pid!;
  return new Promise((resolve) => {
    let watcher: FSWatcher | undefined;
    const finish = (orphan: string | undefined): void => {
      watcher?.close();
      clearTimeout(timer);
      resolve(orphan);
    };
    const timer = setTimeout(() => finish(undefined), Math.max(0, deadline - Date.now()));
    watcher = watch(tableDir, (_event, name) => {
      if (name === null || !DATA_FILE.test(name) || !existsSync(join(tableDir, name))) return;
      child.kill('SIGSTOP');
      const stopBy = Date.now() + 1000;
      while (!isStopped(pid) && Date.now() < stopBy) {
        // Spin: the signal is delivered asynchronously; the node must not run on while the log is read.
      }
      const referenced = referencedByLog(tableDir);
      const unreferenced = dataFilesOf(tableDir).find((f) => !referenced.has(f));
      // Only once some files are committed: they are what the cleanup must keep.
      if (unreferenced !== undefined && referenced.size >= 3) {
        child.kill('SIGKILL');
        finish(unreferenced);
      } else child.kill('SIGCONT');
    });
  });
}

/** Sets the mtime of every file under `dir` `ms` into the past. */
function ageAll(dir: string, ms: number): void {
  const t = (Date.now() - ms) / 1000;
  for (const d of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (d.isFile()) utimesSync(join(d.parentPath, d.name), t, t);
  }
}

describe('crash leftovers', () => {
  it('a node SIGKILLed between a data file and its commit leaves an orphan; restarted, it removes it and every temp file, keeping each referenced file', async () => {
    const { tokens, provisioning, dataDir, cleanup } = await childNodeDir();
    const tableDir = join(dataDir, LOCATION);
    try {
      let orphan: string | undefined;
      const acked: number[] = [];
      let nextId = 0;
      let attempts = 0;
      for (; attempts < 5 && orphan === undefined; attempts++) {
        const node = await startChildNode(dataDir, provisioning, ['--flush-ms', '50']);
        const client = zerobusClient(node.port);
        const s = openStream(client, 'EphemeralStream', tokens.good.token, ORDERS);
        s.send(req.create(ORDERS, 2));
        await s.streamId();
        const sent: number[][] = [];
        let producing = true;
        const producer = (async () => {
          for (let offset = 0; producing && offset < 5000; offset++) {
            const ids = Array.from({ length: 20 }, () => nextId++);
            sent.push(ids);
            s.send(
              req.json(
                offset,
                ids.map((id) => JSON.stringify({ id, item: `item-${id}` })),
              ),
            );
            await new Promise((r) => setTimeout(r, 10));
          }
        })();
        orphan = await killBetweenDataFileAndCommit(node.process, tableDir, 20_000);
        producing = false;
        await producer;
        if (orphan === undefined) node.process.kill('SIGTERM');
        await node.exited;
        // Committed after all (a thread finished its syscall as it stopped): not an orphan, try again.
        if (orphan !== undefined && referencedByLog(tableDir).has(orphan)) orphan = undefined;
        for (let o = 0; o <= Number(s.acked); o++) acked.push(...sent[o]!);
        s.call.cancel();
        client.close();
      }
      expect(orphan).toBeDefined();
      const referencedBefore = referencedByLog(tableDir);
      expect(referencedBefore.has(orphan!)).toBe(false);
      // What the kill left: the data file(s) not committed, and any temp file of a write it cut short.
      const orphans = dataFilesOf(tableDir).filter((f) => !referencedBefore.has(f));
      const crashTemps = tempFilesOf(tableDir);
      expect(referencedBefore.size).toBeGreaterThanOrEqual(3);
      console.log(
        `orphan-cleanup test: killed between ${orphan} and its commit on attempt ${attempts}, ${referencedBefore.size} files committed before; temp files it left: ${crashTemps.length}`,
      );

      // Temp files a crash can leave too: a table write's, the node's state files'.
      const tableTemp = `.${randomUUID()}.tmp`;
      writeFileSync(join(tableDir, tableTemp), 'half a data file');
      const stateTemps = [
        join(dataDir, 'streams.json.tmp'),
        join(dataDir, '.held.json.tmp-123-0a1b2c3d'),
        join(dataDir, '.published.json.tmp-123-0a1b2c3d'),
        join(dataDir, 'descriptors', `${'ab'.repeat(32)}.desc.tmp`),
      ];
      for (const p of stateTemps) writeFileSync(p, 'half a state file');
      // The kill may have interrupted a state write of its own (the trim point is saved every second).
      for (const name of readdirSync(dataDir))
        if (name.startsWith('.') && name.includes('.json.tmp-') && !stateTemps.includes(join(dataDir, name)))
          stateTemps.push(join(dataDir, name));
      // The crash was two hours ago: age alone protects no file (the referenced ones included).
      ageAll(tableDir, 2 * 60 * 60 * 1000);

      const node = await startChildNode(dataDir, provisioning, ['--orphan-file-age-ms', '60000']);
      try {
        const deadline = Date.now() + 30_000;
        let removed: Record<string, unknown> | undefined;
        while (removed === undefined && Date.now() < deadline) {
          removed = node.lines.find((l) => l.msg === 'removed orphan files');
          if (removed === undefined) await new Promise((r) => setTimeout(r, 50));
        }
        const expected = [...orphans, ...crashTemps, tableTemp].sort();
        expect(removed).toMatchObject({ table: ORDERS, files: expected.length });
        expect((removed!.paths as string[]).sort()).toEqual(expected);
        expect(removed!.bytes).toBeGreaterThan(0);
        const stateRemoved = node.lines.find(
          (l) => l.msg === 'removed temp files a crash left in the data directory',
        );
        expect(stateRemoved).toMatchObject({ files: stateTemps.length });
        expect((stateRemoved!.paths as string[]).sort()).toEqual([...stateTemps].sort());

        for (const p of expected) expect(existsSync(join(tableDir, p))).toBe(false);
        expect(tempFilesOf(tableDir)).toEqual([]);
        for (const p of stateTemps) expect(existsSync(p)).toBe(false);
        // Every file a version references is there (those of before the crash and recovery's), and nothing else.
        const referenced = referencedByLog(tableDir);
        for (const p of referencedBefore) expect(referenced.has(p)).toBe(true);
        expect(dataFilesOf(tableDir)).toEqual([...referenced].sort());
        for (const p of referenced) expect(statSync(join(tableDir, p)).isFile()).toBe(true);

        const metrics = await (await fetch(`http://127.0.0.1:${node.metricsPort}/metrics`)).text();
        expect(metrics).toContain(`lakestream_orphan_files_removed_total{kind="data"} ${orphans.length}`);
        expect(metrics).toContain(
          `lakestream_orphan_files_removed_total{kind="temp"} ${crashTemps.length + 1}`,
        );
        expect(metrics).toContain(
          `lakestream_orphan_files_removed_total{kind="state_temp"} ${stateTemps.length}`,
        );
        expect(metrics).toMatch(/lakestream_orphan_bytes_removed_total\{kind="data"\} [1-9]/);
      } finally {
        node.process.kill('SIGTERM');
        expect(await node.exited).toBe(0);
      }

      // The table reads back whole: every acked record, none twice.
      const ids = rows(await readTable(dataDir, LOCATION)).map((r) => Number(r.id));
      expect(new Set(ids).size).toBe(ids.length);
      const present = new Set(ids);
      expect(acked.length).toBeGreaterThan(0);
      expect(acked.filter((id) => !present.has(id))).toEqual([]);
    } finally {
      await cleanup();
    }
  }, 180_000);
});
