import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../process-alive.js';
import { shellQuote } from './shell-quote.js';

/**
 * Runs the runtime's commands (ip, mount, umount, mkfifo, CNI plugins, runc delete/state/update, and the shims)
 * through one long-lived /bin/sh. Node's spawn forks the whole runtime process, synchronously: 2-4 ms of blocked
 * event loop per command, growing with the heap, and a pod start runs several. The shell forks itself, which costs
 * a fraction of that and happens outside this process. Profiles of pod bursts put about 40% of the runtime's own
 * CPU in spawn.
 *
 * Protocol, one line per command written to the shell's stdin:
 *
 *   ( COMMAND <in >out 2>err & echo "P id $!"; wait $!; echo "X id $?" ) & echo "J id $!"
 *
 * P gives the command's pid (to kill it on timeout), X its exit status, J the pid of the subshell, which the shell
 * must be told to `wait` for once it is done: a non-interactive shell never reaps its background jobs by itself.
 * Each report is one short write to a pipe, so reports of concurrent commands never interleave.
 *
 * A short command (`run`) has its stdin, stdout and stderr in files on tmpfs (when there is one), named after this
 * process so that files a crashed runtime left are recognised and removed by the next. They are read and written
 * synchronously: a few microseconds each, where the promise API's round trip through the thread pool costs this
 * thread far more. A long-running one (`launch`, the shims) opens the paths it is given and has no timeout.
 */
export interface CommandOptions {
  /** The whole environment of the command; the runtime's own when omitted. */
  env?: NodeJS.ProcessEnv;
  /** Written to the command's stdin. */
  input?: string;
  /** Killed (SIGKILL) after this long; default 60 s. */
  timeoutMs?: number;
}

export interface LaunchOptions {
  /** The whole environment of the command; the runtime's own when omitted. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Paths to open for the command: stdin read-only (none: /dev/null), stdout and stderr read-write (so FIFOs never
   * block the open and never see EPIPE); no stderr: it goes where stdout goes.
   */
  stdio: { stdin?: string; stdout: string; stderr?: string };
  /** Its own session (setsid), so it outlives this process's process group. */
  newSession?: boolean;
}

export interface LaunchedCommand {
  pid: number;
  /** Its exit status, once it exits. Never settles if the shell dies first: then the command runs on unwatched. */
  exited: Promise<number>;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** A command that exited non-zero, was killed, or could not be run; shaped like execFile's errors. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

interface Job {
  id: number;
  /** For messages: the command as asked for (without the environment). */
  argv: string[];
  pid?: number;
  subshell?: number;
  status?: number;
  timer?: NodeJS.Timeout;
  timedOut?: boolean;
  /** A launched command: told its pid, and left running if the shell dies. */
  onPid?(pid: number): void;
  resolve(job: Job): void;
  reject(err: Error): void;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

/** Where command files go: tmpfs when the machine has it (no journal, no disk), else the temp directory. */
function filesRoot(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/** `argv` run with exactly `env` (through env -i), or with the shell's own environment when there is none. */
function withEnv(env: NodeJS.ProcessEnv | undefined, argv: string[]): string[] {
  if (!env) return argv;
  return ['env', '-i', ...Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`])), ...argv];
}

function readIfThere(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function removeIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // never made (the command did not get as far), or gone
  }
}

export class CommandShell {
  private shell: ChildProcess | undefined;
  /** Path prefix of this shell's command files. */
  private files: string | undefined;
  private readonly jobs = new Map<number, Job>();
  private serial = 0;
  private pendingLine = '';
  private toReap: number[] = [];
  private reapScheduled = false;

  /** Runs `file` with `args` (no shell expansion: every word is quoted) and resolves with its output on exit 0. */
  async run(file: string, args: string[], options: CommandOptions = {}): Promise<CommandResult> {
    const shell = this.ensureShell();
    const id = ++this.serial;
    const prefix = this.files!;
    const files = { input: `${prefix}${id}.in`, out: `${prefix}${id}.out`, err: `${prefix}${id}.err` };
    if (options.input !== undefined) writeFileSync(files.input, options.input);
    const stdin = options.input !== undefined ? shellQuote([files.input]) : '/dev/null';
    const command = `${shellQuote(withEnv(options.env, [file, ...args]))} <${stdin} >${shellQuote([files.out])} 2>${shellQuote([files.err])}`;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let job: Job;
    let stdout = '';
    let stderr = '';
    try {
      job = await new Promise<Job>((resolve, reject) => {
        const job: Job = { id, argv: [file, ...args], resolve, reject };
        job.timer = setTimeout(() => {
          job.timedOut = true;
          if (job.pid) this.kill(job.pid);
        }, timeoutMs);
        this.submit(shell, job, command);
      });
      stdout = readIfThere(files.out);
      stderr = readIfThere(files.err);
    } finally {
      removeIfThere(files.out);
      removeIfThere(files.err);
      if (options.input !== undefined) removeIfThere(files.input);
    }
    const status = job.status!;
    if (status === 0) return { stdout, stderr };
    const signal = status > 128 ? (SIGNAL_NAMES.get(status - 128) ?? null) : null;
    const why = job.timedOut ? `timed out after ${timeoutMs} ms` : signal ? `was killed by ${signal}` : `exited with status ${status}`;
    throw new CommandError(`command ${[file, ...args].join(' ')} ${why}${stderr.trim() ? `: ${stderr.trim()}` : ''}`, signal ? null : status, signal, stdout, stderr);
  }

  /** Starts a long-running command (no timeout, no captured output) and resolves with its pid once it runs. */
  launch(file: string, args: string[], options: LaunchOptions): Promise<LaunchedCommand> {
    const shell = this.ensureShell();
    const id = ++this.serial;
    const argv = [...(options.newSession ? ['setsid'] : []), ...withEnv(options.env, [file, ...args])];
    const { stdin, stdout, stderr } = options.stdio;
    const redirects = `<${stdin ? shellQuote([stdin]) : '/dev/null'} 1<>${shellQuote([stdout])} ${stderr ? `2<>${shellQuote([stderr])}` : '2>&1'}`;
    // in a subshell of its own, so that the cd and exec leave the reporting subshell around it alone
    const command = `( ${options.cwd ? `cd ${shellQuote([options.cwd])} && ` : ''}exec ${shellQuote(argv)} ${redirects} )`;
    return new Promise<LaunchedCommand>((resolveLaunch, rejectLaunch) => {
      let exitedWith!: (status: number) => void;
      const exited = new Promise<number>((resolve) => (exitedWith = resolve));
      const job: Job = {
        id,
        argv: [file, ...args],
        onPid: (pid) => resolveLaunch({ pid, exited }),
        resolve: (done) => exitedWith(done.status!),
        reject: (err) => rejectLaunch(err),
      };
      this.submit(shell, job, command);
    });
  }

  /** Registers `job` and sends `command` to the shell wrapped in the reporting protocol (see the top). */
  private submit(shell: ChildProcess, job: Job, command: string): void {
    this.jobs.set(job.id, job);
    this.refShell(true);
    shell.stdin!.write(`( ${command} & echo "P ${job.id} $!"; wait $!; echo "X ${job.id} $?" ) & echo "J ${job.id} $!"\n`);
  }

  /** Ends the shell; commands still running finish on their own. */
  close(): void {
    this.shell?.stdin?.end();
    this.shell = undefined;
  }

  private ensureShell(): ChildProcess {
    if (this.shell && this.shell.exitCode === null && this.shell.signalCode === null) return this.shell;
    this.files ??= this.filePrefix();
    const shell = spawn('/bin/sh', ['-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.shell = shell;
    shell.stdout!.setEncoding('utf8');
    shell.stdout!.on('data', (chunk: string) => this.onReports(chunk));
    let complaints = '';
    shell.stderr!.setEncoding('utf8');
    shell.stderr!.on('data', (chunk: string) => (complaints = (complaints + chunk).slice(-2000)));
    shell.stdin!.on('error', () => undefined);
    shell.on('error', (err) => this.failAll(shell, `the command shell could not run: ${err.message}`));
    shell.on('exit', (code, signal) => this.failAll(shell, `the command shell exited (${signal ?? code})${complaints.trim() ? `: ${complaints.trim()}` : ''}`));
    this.refShell(false);
    return shell;
  }

  /** The shell keeps this process alive only while a command runs. */
  private refShell(on: boolean): void {
    const shell = this.shell;
    if (!shell) return;
    const handles = [shell, shell.stdout, shell.stderr, shell.stdin] as Array<{ ref?(): void; unref?(): void } | null>;
    for (const h of handles) (on ? h?.ref : h?.unref)?.call(h);
  }

  private onReports(chunk: string): void {
    const text = this.pendingLine + chunk;
    const lines = text.split('\n');
    this.pendingLine = lines.pop()!;
    for (const line of lines) {
      const [kind, idText, valueText] = line.split(' ');
      const job = this.jobs.get(Number(idText));
      const value = Number(valueText);
      if (!job || !Number.isInteger(value)) continue;
      if (kind === 'P') {
        job.pid = value;
        if (job.timedOut) this.kill(value);
        if (job.onPid) {
          job.onPid(value);
          if (!this.hasShortJobs()) this.refShell(false);
        }
      } else if (kind === 'J') job.subshell = value;
      else if (kind === 'X') job.status = value;
      if (job.status !== undefined && job.subshell !== undefined) this.complete(job);
    }
  }

  private complete(job: Job): void {
    clearTimeout(job.timer);
    this.jobs.delete(job.id);
    this.toReap.push(job.subshell!);
    if (!this.reapScheduled) {
      this.reapScheduled = true;
      setImmediate(() => {
        this.reapScheduled = false;
        const pids = this.toReap.splice(0);
        if (pids.length && this.shell) this.shell.stdin!.write(`wait ${pids.join(' ')}\n`);
      });
    }
    if (!this.hasShortJobs()) this.refShell(false);
    job.resolve(job);
  }

  /** Launched commands run for long: only short ones keep the process alive. */
  private hasShortJobs(): boolean {
    for (const job of this.jobs.values()) if (!job.onPid) return true;
    return false;
  }

  private failAll(shell: ChildProcess, message: string): void {
    if (this.shell === shell) this.shell = undefined;
    for (const job of this.jobs.values()) {
      clearTimeout(job.timer);
      // A launched command runs on by itself (a shim outlives the runtime anyway). A short one, with no shell
      // left to report its status, would only be an orphan.
      if (job.onPid) {
        if (job.pid === undefined) job.reject(new CommandError(`command ${job.argv.join(' ')} did not start: ${message}`, null, null, '', ''));
        continue;
      }
      if (job.pid) this.kill(job.pid);
      job.reject(new CommandError(`command ${job.argv.join(' ')} did not finish: ${message}`, null, null, '', ''));
    }
    this.jobs.clear();
  }

  private kill(pid: number): void {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** A prefix no other process uses; command files left by processes that are gone are removed. */
  private filePrefix(): string {
    const root = filesRoot();
    const mark = 'skiff-command-';
    for (const name of readdirSync(root).filter((n) => n.startsWith(mark))) {
      const owner = Number(name.slice(mark.length).split('-')[0]);
      if (Number.isInteger(owner) && owner !== process.pid && !processAlive(owner)) rmSync(join(root, name), { force: true });
    }
    return join(root, `${mark}${process.pid}-${Date.now().toString(36)}-`);
  }
}

/** The process's one command shell. */
export const commandShell = new CommandShell();

/** `commandShell.run`, for call sites that used a promisified execFile. */
export function runCommand(file: string, args: string[], options?: CommandOptions): Promise<CommandResult> {
  return commandShell.run(file, args, options);
}
