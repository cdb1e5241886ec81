import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';

/**
 * Which backend `auto` means on this machine: runc when we are root, runc runs and cgroups are mounted; otherwise
 * the process backend, with a warning saying why, because its containers are not isolated at all.
 */
export function chooseBackend(requested: 'auto' | 'runc' | 'process', runcPath: string, logger: Logger): 'runc' | 'process' {
  if (requested !== 'auto') return requested;
  const reasons: string[] = [];
  if (process.getuid?.() !== 0) reasons.push('not running as root');
  if (!existsSync('/sys/fs/cgroup')) reasons.push('no cgroup filesystem at /sys/fs/cgroup');
  if (reasons.length === 0) {
    try {
      execFileSync(runcPath, ['--version'], { stdio: 'ignore' });
    } catch {
      reasons.push(`runc (${runcPath}) cannot be run: install Debian's runc package`);
    }
  }
  if (reasons.length === 0) return 'runc';
  logger.warn(
    { reasons },
    `WARNING: using the process backend because ${reasons.join(', ')}: containers will run as plain host processes on the host network with NO isolation`,
  );
  return 'process';
}
