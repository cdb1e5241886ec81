import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU time another process (a server under test) has used, from Linux's /proc/<pid>/stat. On a shared machine the
 * servers' CPU per operation is a fairer comparison than wall-clock rate alone, so the suite reports both.
 */

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(out.stdout.trim());
    if (out.status !== 0 || !(n > 0)) throw new Error(`getconf CLK_TCK failed: ${out.stderr || out.stdout}`);
    ticksPerSecond = n;
  }
  return ticksPerSecond;
}

/** User + system CPU seconds of `pid` so far, or undefined where /proc is not available. */
export function processCpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses; the fields after its closing ')' do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}
