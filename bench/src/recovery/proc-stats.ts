import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU and memory of a live process, read from `/proc` (Linux). */
export interface ProcStats {
  /** User + system CPU seconds of the process so far, all its threads (the encoder threads included). */
  readonly cpuSeconds: number;
  /** Resident set now, and its peak since the process started (`VmHWM`), MB (10^6 bytes). */
  readonly rssMB: number;
  readonly peakRssMB: number;
}

let clockTicks: number | undefined;

/** `sysconf(_SC_CLK_TCK)`: the unit of `/proc/<pid>/stat`'s CPU times (100 on every Linux we run). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * Reads `/proc/<pid>/stat` (utime, stime) and `/proc/<pid>/status` (VmRSS, VmHWM). `undefined` once the
 * process is gone (or off Linux). CPU times have the kernel's tick resolution (10 ms).
 */
export function readProcStats(pid: number): ProcStats | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so utime (field 14) and stime (field 15) are fields[11] and fields[12].
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kB = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return {
      cpuSeconds: ticks / ticksPerSecond(),
      rssMB: (kB('VmRSS') * 1024) / 1e6,
      peakRssMB: (kB('VmHWM') * 1024) / 1e6,
    };
  } catch {
    return undefined;
  }
}
