/**
 * One component as a child process: started in its own process group (a terminal's Ctrl-C reaches only `skiff
 * up`, which then stops components in order), output into its log file and, filtered, to the Reporter; stopped
 * with SIGTERM and, if it does not exit within its grace period, SIGKILL. Waiting for a readiness line is bounded
 * and fails early, with the component's last words, if the process exits first.
 *
 * If `skiff up` itself dies (kill -9, a crash), its components get SIGKILL from the kernel (parent-death signal,
 * set with util-linux's setpriv, which then execs the component): no orphaned store or API server keeps running.
 * KILL rather than TERM: a component waiting for a control plane that is gone would never exit; the store is
 * durable on every acknowledged write, and `skiff up` or `skiff reset` deal with what containers were left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { ClusterError } from '../errors.js';
import { LineSplitter, parseLogLine } from './log-lines.js';
import type { Reporter } from './reporter.js';

export interface ProcessSpec {
  /** Short name for output and errors: "apiserver", "skiff-node-1/cri". */
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const TAIL_LINES = 12;
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

export class SupervisedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private readonly tail: string[] = [];
  private readonly lineWaiters = new Set<(line: string) => void>();
  private exit?: ExitInfo;
  private stopRequested = false;

  constructor(spec: ProcessSpec, reporter: Reporter) {
    this.name = spec.name;
    this.logFile = spec.logFile;
    mkdirSync(dirname(spec.logFile), { recursive: true });
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
    this.log.write(`--- ${new Date().toISOString()} ${spec.command} ${spec.args.join(' ')}\n`);
    const [command, args] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', spec.command, ...spec.args]] : [spec.command, spec.args];
    this.child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: spec.env ?? process.env });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      const splitter = new LineSplitter();
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => splitter.push(chunk).forEach((l) => this.onLine(l, reporter)));
      stream.on('end', () => splitter.flush().forEach((l) => this.onLine(l, reporter)));
    }
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        this.remember(`cannot start ${spec.command}: ${err.message}`);
        this.exit ??= { code: 127, signal: null };
        resolve(this.exit);
      });
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    void this.exited.then(() => this.log.end());
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** True once stop() or kill() was called: an exit after that is expected. */
  get stopping(): boolean {
    return this.stopRequested;
  }

  /** The last lines the process wrote, for error messages. */
  lastWords(): string {
    return this.tail.join('\n');
  }

  describeExit(info: ExitInfo): string {
    const how = info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
    const words = this.lastWords();
    return `${this.name} ${how}${words ? `; its last output:\n${indent(words)}` : ''}\n  (full log: ${this.logFile})`;
  }

  /** Resolves with the first output line matching `pattern`; rejects if the process exits first or after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.lineWaiters.delete(onLine);
      };
      const onLine = (line: string) => {
        const m = pattern.exec(line);
        if (!m) return;
        done();
        resolve(m);
      };
      this.lineWaiters.add(onLine);
      timer = setTimeout(() => {
        done();
        reject(new ClusterError('StartTimeout', `${this.name} did not report ready within ${Math.round(timeoutMs / 1000)} s (log: ${this.logFile})`));
      }, timeoutMs);
      void this.exited.then((info) => {
        if (!this.lineWaiters.has(onLine)) return;
        done();
        reject(new ClusterError('ComponentFailed', this.describeExit(info)));
      });
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`. Resolves once the process is gone. */
  async stop(graceMs: number): Promise<ExitInfo> {
    this.stopRequested = true;
    if (this.exit) return this.exit;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    const info = await this.exited;
    clearTimeout(timer);
    return info;
  }

  kill(): void {
    this.stopRequested = true;
    if (!this.exit) this.signal('SIGKILL');
  }

  private signal(sig: NodeJS.Signals): void {
    try {
      this.child.kill(sig);
    } catch {
      // already gone
    }
  }

  private onLine(raw: string, reporter: Reporter): void {
    this.log.write(`${raw}\n`);
    const line = parseLogLine(raw);
    if (!line) return;
    this.remember(line.structured ? line.text : raw);
    reporter.component(this.name, line);
    for (const waiter of [...this.lineWaiters]) waiter(raw);
  }

  private remember(text: string): void {
    this.tail.push(text);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
