import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

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

/** Scheduler time of a group of threads: on a CPU, and runnable but waiting for one (s). */
export interface SchedTime {
  readonly runS: number;
  readonly waitS: number;
}

/** {@link SchedTime} of a process's threads by kind. */
export interface ThreadSched {
  /** The main thread (its tid is the pid): gRPC, decoding, the WAL reads, publishing. */
  readonly main: SchedTime;
  /** Threads at a niceness above 0: the Parquet encoders (`createParquetPool`'s niceness 10). */
  readonly niced: SchedTime;
  /** The rest: libuv's pool (file reads, fsync), V8's GC and compiler threads. */
  readonly other: SchedTime;
}

/**
 * Reads `/proc/<pid>/task/<tid>/schedstat` (ns on a CPU, ns waiting on a run queue) and each thread's niceness
 * (`stat` field 19) and adds them up by kind; `undefined` once the process is gone. Threads that already ended
 * are not counted. On a shared machine the waiting time says how much of a stage's wall time was spent not
 * running at all — which a CPU profile counts as busy.
 */
export function readThreadSched(pid: number): ThreadSched | undefined {
  const sum = { main: [0, 0], niced: [0, 0], other: [0, 0] };
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  for (const tid of tids) {
    try {
      const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      const kind = tid === String(pid) ? 'main' : nice > 0 ? 'niced' : 'other';
      sum[kind][0]! += (run ?? 0) / 1e9;
      sum[kind][1]! += (wait ?? 0) / 1e9;
    } catch {
      // The thread ended meanwhile.
    }
  }
  const of = ([runS, waitS]: number[]): SchedTime => ({ runS: runS ?? 0, waitS: waitS ?? 0 });
  return { main: of(sum.main), niced: of(sum.niced), other: of(sum.other) };
}
