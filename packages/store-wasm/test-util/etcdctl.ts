import { spawn } from 'node:child_process';
import { ETCDCTL_BIN } from './real-etcd.js';

export interface EtcdctlResult {
  stdout: string;
  /** stderr without clientv3's JSON retry warnings, which name random client ids. */
  stderr: string;
  code: number | null;
}

export interface EtcdctlOptions {
  stdin?: string;
  /** Kill etcdctl after this long (it is then reported with code null). Default 15 s. */
  timeoutMs?: number;
  /** Resolve (and kill etcdctl) as soon as stdout contains this text. */
  until?: string;
}

/** Runs `ETCDCTL_API=3 etcdctl --endpoints=ENDPOINT ...args`, bounded in time, and collects its output. */
export function etcdctl(endpoint: string, args: string[], opts: EtcdctlOptions = {}): Promise<EtcdctlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(ETCDCTL_BIN, [`--endpoints=${endpoint}`, '--dial-timeout=5s', '--command-timeout=10s', ...args], {
      env: { ...process.env, ETCDCTL_API: '3' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (code: number | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const kept = stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{"level":'));
      resolve({ stdout, stderr: kept.join('\n'), code });
    };
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    };
    const timer = setTimeout(() => {
      kill();
      finish(null);
    }, opts.timeoutMs ?? 15_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      stdout += s;
      const at = opts.until === undefined ? -1 : stdout.indexOf(opts.until);
      if (at >= 0) {
        // Cut at the marker: what arrives in the same chunk after it depends on timing.
        stdout = stdout.slice(0, at + opts.until!.length);
        kill();
        finish(0);
      }
    });
    child.stderr.on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => finish(code));
    // etcdctl may exit before reading all of its stdin (it refuses a request first): that is its answer, not ours.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? '');
  });
}
