import type { Logger } from 'pino';
import { NodeAgentError } from '../../errors.js';
import { CommandError, runCommand as run } from '../command-shell.js';

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
    try {
      await run(this.binary, ['--root', this.root, 'update', '-r', '-', id], { input: JSON.stringify(resources) });
    } catch (err) {
      const stderr = err instanceof CommandError ? err.stderr.trim() : '';
      throw new NodeAgentError('RuncFailed', `runc update ${id} failed: ${stderr || (err as Error).message}`, { cause: err });
    }
    this.logger.debug({ id, resources }, 'container resources updated');
  }
}
