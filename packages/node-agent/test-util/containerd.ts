import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private containerd (Debian's 1.6, CRI plugin included) for integration tests: its own root, state, sockets, CNI
 * config directory and opt path under one temp directory, the native snapshotter (no overlay mounts to leak), and
 * restrict_oom_score_adj (required here: the test process may not lower oom_score_adj). `stop()` ends it and
 * removes its shims, mounts and files.
 */
export interface Containerd {
  dir: string;
  socket: string;
  logFile: string;
  /** `ctr` against this containerd, in the k8s.io namespace the CRI plugin uses. */
  ctr(...args: string[]): string;
  stop(): Promise<void>;
}

export function containerdInstalled(): boolean {
  return spawnSync('containerd', ['--version']).status === 0 && spawnSync('ctr', ['--version']).status === 0;
}

export async function startContainerd(options: { sandboxImage: string }): Promise<Containerd> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-ctrd-'));
  const socket = join(dir, 'containerd.sock');
  const logFile = join(dir, 'containerd.log');
  mkdirSync(join(dir, 'cni-conf'));
  writeFileSync(
    join(dir, 'config.toml'),
    `version = 2
root = "${dir}/root"
state = "${dir}/state"

[grpc]
  address = "${socket}"

[ttrpc]
  address = "${socket}.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${options.sandboxImage}"
  restrict_oom_score_adj = true
  disable_apparmor = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "native"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${dir}/cni-conf"
`,
  );
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn('containerd', ['--config', join(dir, 'config.toml'), '--log-level', 'warn'], { stdio: ['ignore', log, log] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    // shims outlive containerd by design; these name our socket on their command line
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (cmdline.includes(dir) && Number(pid) !== process.pid) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4])
      .filter((m): m is string => !!m && m.startsWith(dir))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (!existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const text = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
      await stop();
      throw new Error(`containerd did not start: ${text}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    dir,
    socket,
    logFile,
    ctr: (...args: string[]) => {
      const r = spawnSync('ctr', ['--address', socket, '--namespace', 'k8s.io', ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ctr ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    },
    stop,
  };
}
