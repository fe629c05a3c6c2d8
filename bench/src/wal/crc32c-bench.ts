import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { crc32c } from '@lakestream/ingest/wal';
import { crc32cBytewise, crc32cSlicing8, crc32cSlicing16 } from './crc32c-baselines.js';

/** Options of {@link runCrc32cBench}. */
export interface Crc32cBenchOptions {
  /** Buffer sizes in bytes (default 693,648: one 1,000-record NEOWISE request; and 4 KiB). */
  sizes?: number[];
  /** Bytes checksummed per timed repetition and loop (default 64 MB). */
  bytesPerRep?: number;
  /** Timed repetitions per loop, run round-robin; the median is reported (default 7). */
  reps?: number;
}

/** One loop's median throughput on one buffer size. */
export interface Crc32cBenchRow {
  size: number;
  loop: 'bytewise' | 'slicing-by-8' | 'slicing-by-16 words' | 'native @node-rs/crc32 (now)';
  mbps: number;
}

const LOOPS = [
  ['bytewise', crc32cBytewise],
  ['slicing-by-8', crc32cSlicing8],
  ['slicing-by-16 words', crc32cSlicing16],
  ['native @node-rs/crc32 (now)', crc32c],
] as const;

/**
 * The WAL's CRC32C (`apps/ingest/src/wal/crc32c.ts`, native) side by side with the two JavaScript loops it
 * replaced and a bytewise loop, on the same seeded bytes at an unaligned offset (as a WAL payload inside a larger buffer may be). Every
 * loop must agree on every checksum first. Prints a Markdown table with ratios; returns the rows.
 */
export function runCrc32cBench(options: Crc32cBenchOptions = {}): Crc32cBenchRow[] {
  const sizes = options.sizes ?? [693_648, 4096];
  const bytesPerRep = options.bytesPerRep ?? 64e6;
  const reps = options.reps ?? 7;
  const rows: Crc32cBenchRow[] = [];
  for (const size of sizes) {
    const backing = Uint8Array.from({ length: size + 3 }, (_, i) => (Math.imul(i, 2654435761) >>> 13) & 0xff);
    const data = backing.subarray(3);
    const expected = crc32cBytewise(data);
    for (const [name, f] of LOOPS) {
      if (f(data) !== expected)
        throw new Error(`${name} disagrees with the bytewise CRC32C on ${size} bytes`);
    }
    const loops = Math.max(1, Math.round(bytesPerRep / size));
    const times = new Map<string, number[]>(LOOPS.map(([name]) => [name, []]));
    let sink = 0;
    for (const [, f] of LOOPS) sink ^= f(data); // warm-up
    for (let r = 0; r < reps; r++) {
      for (const [name, f] of LOOPS) {
        const t = performance.now();
        for (let k = 0; k < loops; k++) sink ^= f(data);
        times.get(name)!.push(performance.now() - t);
      }
    }
    if (sink === 0.5) console.log(sink);
    for (const [name] of LOOPS) {
      const sorted = times.get(name)!.sort((a, b) => a - b);
      const ms = sorted[sorted.length >> 1]!;
      rows.push({ size, loop: name, mbps: (loops * size) / ms / 1e3 });
    }
  }
  console.log(
    `\n## CRC32C: ${reps} interleaved repetitions of ${bytesPerRep / 1e6} MB per loop, medians · ${cpus()[0]?.model ?? '?'} · load average ${loadavg()[0]?.toFixed(2)}\n`,
  );
  console.log('| buffer (bytes) | loop | MB/s | vs bytewise | vs slicing-by-16 |');
  console.log('|---:|---|---:|---:|---:|');
  for (const r of rows) {
    const of = (loop: Crc32cBenchRow['loop']) => rows.find((x) => x.size === r.size && x.loop === loop)!.mbps;
    console.log(
      `| ${r.size.toLocaleString('en-US')} | ${r.loop} | ${r.mbps.toFixed(0)} | ${(r.mbps / of('bytewise')).toFixed(2)}× | ${(r.mbps / of('slicing-by-16 words')).toFixed(2)}× |`,
    );
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runCrc32cBench();
