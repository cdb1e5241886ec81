import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { NodeAgentError } from '../../errors.js';

const run = promisify(execFile);

export interface RuncState {
  id: string;
  pid: number;
  status: 'created' | 'running' | 'paused' | 'stopped';
  bundle: string;
}

/**
 * runc's command line, with one `--root` for all of this runtime's containers so they never mix with another
 * runc user's (containerd, other tests) on the same machine.
 */
export class Runc {
  constructor(
    readonly binary: string,
    readonly root: string,
    private readonly logger: Logger,
  ) {}

  /** Global flags plus `args`. */
  argv(...args: string[]): string[] {
    return [this.binary, '--root', this.root, ...args];
  }

  /**
   * `runc run` in the foreground, so that it waits for the container and exits with its status; `--keep` leaves the
   * stopped container (and its cgroup, where the OOM kill count is read) until `delete`.
   */
  runArgv(id: string, bundle: string, pidFile: string, logFile: string): string[] {
    return [this.binary, '--root', this.root, '--log', logFile, '--log-format', 'json', 'run', '--keep', '--bundle', bundle, '--pid-file', pidFile, id];
  }

  async version(): Promise<string> {
    const { stdout } = await run(this.binary, ['--version']);
    return /runc version ([^\s]+)/.exec(stdout)?.[1] ?? stdout.split('\n')[0];
  }

  async state(id: string): Promise<RuncState | undefined> {
    try {
      const { stdout } = await run(this.binary, ['--root', this.root, 'state', id]);
      return JSON.parse(stdout) as RuncState;
    } catch {
      return undefined;
    }
  }

  /** Deletes a container; `force` kills it first. Succeeds when runc does not know the container. */
  async delete(id: string, force = true): Promise<void> {
    try {
      await run(this.binary, ['--root', this.root, 'delete', ...(force ? ['--force'] : []), id]);
    } catch (err) {
      const stderr = String((err as { stderr?: string }).stderr ?? '');
      if (/does not exist|not found/.test(stderr)) return;
      throw new NodeAgentError('RuncFailed', `runc delete ${id} failed: ${stderr.trim() || (err as Error).message}`, { cause: err });
    }
  }

  /** `runc update -r -`: applies an OCI LinuxResources document to a running container. */
  async update(id: string, resources: object): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const child = execFile(this.binary, ['--root', this.root, 'update', '-r', '-', id], (err, _stdout, stderr) => {
        if (err) reject(new NodeAgentError('RuncFailed', `runc update ${id} failed: ${String(stderr).trim() || err.message}`, { cause: err }));
        else resolve();
      });
      child.stdin?.end(JSON.stringify(resources));
    });
    this.logger.debug({ id, resources }, 'container resources updated');
  }
}
