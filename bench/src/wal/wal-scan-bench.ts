import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openWal, recoverSegments } from '@lakestream/ingest/wal';
import { median } from '../fanin/quantile.js';
import { indexFrames, scanExactFrames, scanReusedBuffer } from './wal-scan-baselines.js';

/** Options of {@link runWalScanBench}. */
export interface WalScanBenchOptions {
  /** WAL to build, MiB (default 1024: 16 segments of 64 MiB). */
  mib?: number;
  /** Bytes per entry (default 690,000: one 1,000-record NEOWISE batch request). */
  entryBytes?: number;
  /** Interleaved rounds over every scan; medians reported (default 5). */
  rounds?: number;
}

/** One scan's medians over the rounds. */
export interface WalScanRow {
  scan: string;
  wallMs: number;
  /** User + system CPU of the process (the libuv pool's reads included). */
  cpuMs: number;
  minorFaults: number;
}

/**
 * How fast a recovering node can read its WAL (issue 12): the scans it makes today — `recoverSegments` (the
 * open-time check of every frame) and `wal.replay` over everything (the header pass, the replay), both through
 * `readFrames` (a fresh 1 MiB buffer per chunk) — beside two ways to read the same frames
 * (`wal-scan-baselines.ts`): one reused 8 MiB buffer (for scans that keep no payload), and one exact read per
 * frame from an index (for a replay that keeps payloads). Builds a WAL of `mib` MiB of `entryBytes` entries,
 * runs the scans in interleaved rounds (the page cache warm, as after a process crash), prints a Markdown table
 * of medians and removes the WAL.
 */
export async function runWalScanBench(options: WalScanBenchOptions = {}): Promise<WalScanRow[]> {
  const mib = options.mib ?? 1024;
  const entryBytes = options.entryBytes ?? 690_000;
  const rounds = options.rounds ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'lakestream-wal-scan-'));
  try {
    const entries = Math.ceil((mib * 2 ** 20) / entryBytes);
    const payload = Uint8Array.from(
      { length: entryBytes },
      (_, i) => (Math.imul(i, 2654435761) >>> 13) & 0xff,
    );
    const wal = await openWal(dir);
    for (let i = 0; i < entries; i += 8)
      await wal.append(Array.from({ length: Math.min(8, entries - i) }, () => payload));
    await wal.close();
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.wal'))
      .sort()
      .map((f) => join(dir, f));
    const index = await indexFrames(files);
    // Opened once, outside the timings: `openWal` itself is the first scan.
    const reader = await openWal(dir);
    const scans: [string, () => Promise<number>][] = [
      [
        'recoverSegments (openWal: readFrames, fresh 1 MiB chunks)',
        async () => (await recoverSegments(dir)).recovery.entries,
      ],
      [
        'wal.replay over everything (readFrames: header pass, replay)',
        async () => {
          let n = 0;
          for await (const _ of reader.replay(reader.oldestPosition)) n++;
          return n;
        },
      ],
      ['one reused 8 MiB buffer', () => scanReusedBuffer(files, 8 * 2 ** 20)],
      ['one exact read per frame (from an index)', () => scanExactFrames(index)],
    ];
    const samples = new Map<string, WalScanRow[]>(scans.map(([name]) => [name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const [name, scan] of scans) {
        const before = process.resourceUsage();
        const t = performance.now();
        const n = await scan();
        const wallMs = performance.now() - t;
        const after = process.resourceUsage();
        if (n !== entries) throw new Error(`${name}: ${n} frames, ${entries} written`);
        samples.get(name)!.push({
          scan: name,
          wallMs,
          cpuMs: (after.userCPUTime - before.userCPUTime + after.systemCPUTime - before.systemCPUTime) / 1000,
          minorFaults: after.minorPageFault - before.minorPageFault,
        });
      }
    }
    await reader.close();
    const rows = scans.map(([name]): WalScanRow => {
      const s = samples.get(name)!;
      return {
        scan: name,
        wallMs: median(s.map((x) => x.wallMs)),
        cpuMs: median(s.map((x) => x.cpuMs)),
        minorFaults: median(s.map((x) => x.minorFaults)),
      };
    });
    const base = rows[0]!;
    console.log(
      `\n## WAL scans: ${entries.toLocaleString('en-US')} entries of ${entryBytes.toLocaleString('en-US')} B (${((entries * entryBytes) / 1e9).toFixed(2)} GB, ${files.length} segments), ${rounds} interleaved rounds, medians · ${cpus()[0]?.model ?? '?'} · load average ${loadavg()[0]?.toFixed(2)}\n`,
    );
    console.log(
      '| scan | wall ms | CPU ms | minor page faults | wall vs recoverSegments | CPU vs recoverSegments |',
    );
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of rows)
      console.log(
        `| ${r.scan} | ${r.wallMs.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${r.minorFaults.toFixed(0)} | ${(r.wallMs / base.wallMs).toFixed(2)}× | ${(r.cpuMs / base.cpuMs).toFixed(2)}× |`,
      );
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { mib: { type: 'string' }, 'entry-bytes': { type: 'string' }, rounds: { type: 'string' } },
  });
  const opts: WalScanBenchOptions = {};
  if (values.mib !== undefined) opts.mib = Number(values.mib);
  if (values['entry-bytes'] !== undefined) opts.entryBytes = Number(values['entry-bytes']);
  if (values.rounds !== undefined) opts.rounds = Number(values.rounds);
  await runWalScanBench(opts);
}
