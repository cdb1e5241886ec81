import { finished } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { AttachRequest, ExecRequest } from '../cri/cri-messages.js';
import type { ExecProcess, PodDialer } from '../runtime/backend.js';
import { Channel, ChannelConnection } from './channel-protocol.js';

/**
 * What the streaming server needs from the runtime: start an exec'd command, reach a running container's stdio,
 * and dial ports of a pod.
 */
export interface AttachTarget {
  subscribe(listener: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): () => void;
  readonly hasStdin: boolean;
  readonly stdinOnce: boolean;
  writeStdin(chunk: Buffer): void;
  closeStdin(): void;
  /** Resolves when the container's output ends (it exited). */
  readonly closed: Promise<void>;
}

export interface StreamingRuntime {
  startExec(request: ExecRequest): ExecProcess;
  attachTarget(containerId: string): AttachTarget;
  dialer(podSandboxId: string): PodDialer;
}

function unsupported(conn: ChannelConnection): boolean {
  if (conn.protocol) return false;
  conn.close(1002, 'use subprotocol v5.channel.k8s.io or v4.channel.k8s.io');
  return true;
}

/** Runs one exec session: stdio frames both ways, resize, and the exit status on the error channel. */
export async function runExec(ws: WebSocket, request: ExecRequest, runtime: StreamingRuntime, logger: Logger): Promise<void> {
  const conn = new ChannelConnection(ws);
  if (unsupported(conn)) return;
  let proc: ExecProcess;
  try {
    proc = runtime.startExec(request);
  } catch (err) {
    conn.finish(undefined, (err as Error).message);
    return;
  }
  const { child } = proc;
  if (request.stdin && child.stdin) conn.stdin.pipe(child.stdin);
  else child.stdin?.end();
  child.stdin?.on('error', () => undefined);
  const outputs: Promise<unknown>[] = [];
  for (const [stream, channel, wanted] of [
    [child.stdout, Channel.stdout, request.stdout],
    [child.stderr, Channel.stderr, request.stderr],
  ] as const) {
    if (!stream) continue;
    if (wanted) {
      const writer = conn.writer(channel);
      stream.pipe(writer);
      outputs.push(finished(writer).catch(() => undefined));
    } else {
      stream.resume();
    }
  }
  conn.onResize((size) => void proc.resize(size.width, size.height));
  // a client that goes away before the command ends takes the command with it, as containerd does
  conn.onClose(() => {
    if (child.exitCode === null && child.signalCode === null) void proc.kill();
  });
  const code = await proc.exited;
  await Promise.race([Promise.all(outputs), new Promise((r) => setTimeout(r, 5_000))]);
  logger.debug({ container: request.containerId, cmd: request.cmd, exitCode: code }, 'exec finished');
  conn.finish(code);
}

/** Runs one attach session on a running container's stdio. */
export async function runAttach(ws: WebSocket, request: AttachRequest, runtime: StreamingRuntime, logger: Logger): Promise<void> {
  const conn = new ChannelConnection(ws);
  if (unsupported(conn)) return;
  let target: AttachTarget;
  try {
    target = runtime.attachTarget(request.containerId);
  } catch (err) {
    conn.finish(undefined, (err as Error).message);
    return;
  }
  const unsubscribe = target.subscribe((stream, chunk) => {
    if (stream === 'stdout' && request.stdout) conn.send(Channel.stdout, chunk);
    if (stream === 'stderr' && request.stderr) conn.send(Channel.stderr, chunk);
  });
  if (request.stdin && target.hasStdin) {
    conn.stdin.on('data', (chunk: Buffer) => target.writeStdin(chunk));
    conn.stdin.on('end', () => {
      if (target.stdinOnce) target.closeStdin();
    });
  }
  conn.onClose(unsubscribe);
  await Promise.race([target.closed, new Promise<void>((resolve) => conn.onClose(resolve))]);
  unsubscribe();
  logger.debug({ container: request.containerId }, 'attach finished');
  conn.finish(0);
}
