import { readdirSync, readFileSync } from 'node:fs';

/**
 * Real CPU per thread of this process, from `/proc/self/task/<tid>/schedstat` (Linux; nanoseconds on a core,
 * and nanoseconds runnable but waiting for one): what each thread ran, unlike the profiler's samples, which
 * count a thread waiting for a core as busy. Node names every thread
 * `node`, so the threads are told apart by what the node does to them: the main thread's id is the process's,
 * and the Parquet encoder threads lower their own priority (`parquet-worker.ts`), so they run at a niceness
 * other than the main thread's; everything else (libuv's pool, V8's GC and compiler helpers, the inspector)
 * is "other".
 */

/** CPU ms of the process's threads by role, and ms they waited for a core (runnable, not running). */
export interface ThreadCpu {
  mainMs: number;
  encodersMs: number;
  otherMs: number;
  mainWaitMs: number;
  encodersWaitMs: number;
  /** Encoder threads seen. */
  encoders: number;
}

interface ThreadStat {
  runNs: number;
  waitNs: number;
  nice: number;
}

/** Each live thread's ns on a core and waiting for one, and its niceness; empty where `/proc` is not Linux's. */
function readThreads(): Map<number, ThreadStat> {
  const threads = new Map<number, ThreadStat>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return threads;
  }
  for (const tid of tids) {
    let stat: string;
    let sched: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      sched = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    // After the `(comm)` field of `stat`, nice is the 17th (field 19 in proc(5)); `schedstat` is
    // "<ns on a core> <ns waiting on the run queue> <timeslices>".
    const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    const [run, wait] = sched.split(' ');
    threads.set(Number(tid), { runNs: Number(run), waitNs: Number(wait), nice });
  }
  return threads;
}

/**
 * Counts each thread's CPU between calls of `sample()`. A thread that ended between two samples loses its last
 * interval (an encoder replaced after a crash: rare); a new one counts from its start.
 */
export class ThreadCpuMeter {
  #last = readThreads();

  /** CPU ms by role since the previous call (or since the meter was made). */
  sample(): ThreadCpu {
    const now = readThreads();
    const mainNice = now.get(process.pid)?.nice ?? 0;
    const out: ThreadCpu = {
      mainMs: 0,
      encodersMs: 0,
      otherMs: 0,
      mainWaitMs: 0,
      encodersWaitMs: 0,
      encoders: 0,
    };
    for (const [tid, t] of now) {
      const before = this.#last.get(tid);
      const ms = (t.runNs - (before?.runNs ?? 0)) / 1e6;
      const waitMs = (t.waitNs - (before?.waitNs ?? 0)) / 1e6;
      if (tid === process.pid) {
        out.mainMs += ms;
        out.mainWaitMs += waitMs;
      } else if (t.nice !== mainNice) {
        out.encodersMs += ms;
        out.encodersWaitMs += waitMs;
        out.encoders++;
      } else out.otherMs += ms;
    }
    this.#last = now;
    return out;
  }
}

/** CPU ms the calling thread has run so far (ns resolution; `NaN` where `/proc` is not Linux's). */
export function threadCpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
}
