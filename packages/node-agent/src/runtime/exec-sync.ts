import { NodeAgentError } from '../errors.js';
import type { ExecProcess } from './backend.js';
import { settlesWithin } from './deadline.js';

/**
 * ExecSync: run a command in a container to completion and return its output and exit status, as probes and
 * `crictl exec -s` use it. Each stream keeps at most 16 MiB; the rest is read and dropped, so a chatty command
 * cannot exhaust the runtime's memory (CVE-2022-1708). With a timeout the command is killed when it runs over and
 * the call fails with ExecTimeout (gRPC DEADLINE_EXCEEDED, which the kubelet reads as a probe timeout).
 */
export interface ExecSyncResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

export const EXEC_OUTPUT_CAP = 16 * 1024 * 1024;

function collect(stream: NodeJS.ReadableStream | null): Buffer[] {
  const parts: Buffer[] = [];
  let size = 0;
  stream?.on('data', (chunk: Buffer) => {
    if (size >= EXEC_OUTPUT_CAP) return;
    const keep = chunk.subarray(0, EXEC_OUTPUT_CAP - size);
    parts.push(keep);
    size += keep.length;
  });
  return parts;
}

export async function runExecSync(proc: ExecProcess, cmd: string[], containerId: string, timeoutSeconds: number): Promise<ExecSyncResult> {
  proc.child.stdin?.end();
  const stdout = collect(proc.child.stdout);
  const stderr = collect(proc.child.stderr);
  const outputDone = Promise.all(
    [proc.child.stdout, proc.child.stderr].map((s) => new Promise((resolve) => (s ? s.once('close', resolve) : resolve(undefined)))),
  );
  if (timeoutSeconds > 0 && !(await settlesWithin(proc.exited, timeoutSeconds * 1000))) {
    await proc.kill();
    throw new NodeAgentError('ExecTimeout', `command ${JSON.stringify(cmd)} in container ${containerId} timed out after ${timeoutSeconds} s`);
  }
  const exitCode = await proc.exited;
  await settlesWithin(outputDone, 5_000);
  return { stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), exitCode };
}
