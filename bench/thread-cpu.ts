// CPU time per thread of this process (Linux), in nanoseconds: the first field of
// /proc/self/task/<tid>/schedstat. On a loaded machine wall time says little; how a call's CPU time
// splits between the main thread and the others says how much a quiet machine's wall time could
// shrink with threads.
import { readdirSync, readFileSync } from 'node:fs';

export function threadCpuNs(): Map<string, number> {
  const byThread = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      byThread.set(tid, Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return byThread;
}

/** CPU ms per call between two snapshots: the main thread's, and the busiest other thread's. */
export function threadSplitMs(before: Map<string, number>, after: Map<string, number>, calls: number): { main_ms: number; other_ms: number } {
  const main = String(process.pid);
  let other = 0;
  for (const [tid, ns] of after) if (tid !== main) other = Math.max(other, ns - (before.get(tid) ?? 0));
  const mainNs = (after.get(main) ?? 0) - (before.get(main) ?? 0);
  return { main_ms: mainNs / 1e6 / calls, other_ms: other / 1e6 / calls };
}
