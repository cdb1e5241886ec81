/**
 * Starting and stopping one container, with the kubelet's events and hooks:
 *
 *   start: image (Pulling/Pulled or ErrImagePull) -> environment and config (CreateContainerConfigError)
 *          -> CreateContainer (Created, or CreateContainerError) -> StartContainer (Started, or RunContainerError)
 *          -> postStart hook (a failure kills the container: FailedPostStartHook)
 *   stop:  Killing -> preStop hook within the grace period (FailedPreStopHook) -> StopContainer with what is left
 *          of the grace period (at least 2 s, as the kubelet allows), which is SIGTERM, then SIGKILL
 *
 * A start that cannot proceed returns the waiting reason the container's status should show.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PartialMessage, PodSandboxConfig } from '../../cri/cri-types.js';
import { isNodeAgentError } from '../../errors.js';
import { containerEnvironment } from '../env/container-env.js';
import { serviceEnvironment } from '../env/service-env.js';
import { logTail } from '../logs/log-streamer.js';
import { runAction } from '../probes/run-action.js';
import type { VolumeHost } from '../volumes/volume-manager.js';
import { containerConfig } from './container-config.js';
import { qosClassOf } from './container-resources.js';
import type { KillAction, StartAction } from './pod-actions.js';
import type { PodContext } from './pod-context.js';
import type { ContainerInstance } from './pod-runtime-state.js';
import type { WaitingNote } from './pod-status.js';
import { podHostname } from './sandbox-config.js';

const MIN_GRACE_SECONDS = 2;
const MAX_MESSAGE_BYTES = 4096;

export interface SandboxRef {
  id: string;
  ip: string;
  config: PartialMessage<PodSandboxConfig>;
}

function cleanMessage(err: unknown): string {
  return (err as Error).message.replace(/^[A-Za-z]+: /, '');
}

export function terminationLogFile(ctx: PodContext, pod: any, name: string, attempt: number): string {
  return join(ctx.volumes.podDir(pod.metadata.uid), 'containers', name, `${attempt}.termination-log`);
}

export async function startContainer(
  ctx: PodContext,
  pod: any,
  sandbox: SandboxRef,
  start: StartAction,
  volumes: Map<string, VolumeHost>,
): Promise<WaitingNote | undefined> {
  const c = start.container;
  const record = (type: 'Normal' | 'Warning', reason: string, message: string) => ctx.api.event(pod, type, reason, message);

  let containerId = start.existing?.id;
  if (!containerId) {
    const pulled = await ctx.images.ensure(pod.metadata.uid, c, record);
    if (!pulled.ok) return { reason: pulled.reason, message: pulled.message };

    let config;
    try {
      const hostIPs = ctx.node.hostIPs;
      const podIPs = pod.spec?.hostNetwork ? hostIPs : sandbox.ip ? [sandbox.ip] : [];
      const env = await containerEnvironment({
        pod,
        container: c,
        runtime: { podIPs, hostIPs },
        allocatable: ctx.node.allocatable,
        serviceEnv: serviceEnvironment(ctx.api.services(), pod.metadata.namespace, pod.spec?.enableServiceLinks !== false),
        hostname: podHostname(pod),
        objects: ctx.api.objects,
      });
      const logFile = terminationLogFile(ctx, pod, c.name, start.attempt);
      await mkdir(join(logFile, '..'), { recursive: true });
      await writeFile(logFile, '');
      config = containerConfig({
        pod,
        container: c,
        kind: start.kind,
        attempt: start.attempt,
        env,
        volumes,
        qos: qosClassOf(pod.spec),
        memoryCapacityBytes: ctx.node.memoryCapacityBytes,
        terminationLogFile: logFile,
        ...(start.targetId ? { targetId: start.targetId } : {}),
      });
    } catch (err) {
      const message = cleanMessage(err);
      record('Warning', 'Failed', `Error: ${message}`);
      return { reason: 'CreateContainerConfigError', message };
    }
    try {
      containerId = (await ctx.cri.createContainer({ podSandboxId: sandbox.id, config, sandboxConfig: sandbox.config })).containerId;
    } catch (err) {
      const message = cleanMessage(err);
      record('Warning', 'Failed', `Error: ${message}`);
      return { reason: 'CreateContainerError', message };
    }
    record('Normal', 'Created', `Created container ${c.name}`);
  }
  try {
    await ctx.cri.startContainer({ containerId });
  } catch (err) {
    const message = cleanMessage(err);
    record('Warning', 'Failed', `Error: failed to start container "${c.name}": ${message}`);
    return { reason: 'RunContainerError', message };
  }
  record('Normal', 'Started', `Started container ${c.name}`);

  const postStart = c.lifecycle?.postStart;
  if (postStart) {
    const graceMs = (pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    const result = await runAction(postStart, { cri: ctx.cri, containerId, container: c, podIP: sandbox.ip || ctx.node.hostIPs[0]! }, graceMs);
    if (!result.ok) {
      record('Warning', 'FailedPostStartHook', `PostStartHook failed: ${result.message}`.trim());
      await ctx.cri.stopContainer({ containerId, timeout: MIN_GRACE_SECONDS }).catch(() => undefined);
      return { reason: 'PostStartHookError', message: result.message };
    }
  }
  return undefined;
}

/** Stops a running container: preStop, then SIGTERM and SIGKILL once `graceSeconds` are over. */
export async function killContainer(ctx: PodContext, pod: any, kill: KillAction, graceSeconds: number, spec: any | undefined, podIP: string): Promise<void> {
  const deadline = Date.now() + graceSeconds * 1000;
  ctx.api.event(pod, 'Normal', 'Killing', kill.message);
  const preStop = spec?.lifecycle?.preStop;
  if (preStop && kill.instance.state === 'CONTAINER_RUNNING') {
    const result = await runAction(preStop, { cri: ctx.cri, containerId: kill.instance.id, container: spec, podIP }, Math.max(1000, deadline - Date.now()));
    if (!result.ok) ctx.api.event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${result.message}`.trim());
  }
  const remaining = Math.max(MIN_GRACE_SECONDS, Math.ceil((deadline - Date.now()) / 1000));
  try {
    await ctx.cri.stopContainer({ containerId: kill.instance.id, timeout: remaining }, { timeoutMs: remaining * 1000 + 60_000 });
  } catch (err) {
    if (!isNodeAgentError(err)) throw err;
    ctx.logger.warn({ container: kill.instance.id, err: err.message }, 'stopping a container failed');
  }
}

/** The termination message of an exited container: its message file, or its log's end (FallbackToLogsOnError). */
export async function terminationMessage(ctx: PodContext, pod: any, instance: ContainerInstance): Promise<string> {
  const file = terminationLogFile(ctx, pod, instance.name, instance.attempt);
  const text = await readFile(file).then(
    (b) => b.subarray(0, MAX_MESSAGE_BYTES).toString('utf8'),
    () => '',
  );
  if (text || instance.exitCode === 0) return text;
  if (instance.annotations['io.kubernetes.container.terminationMessagePolicy'] !== 'FallbackToLogsOnError' || !instance.logPath) return '';
  return logTail(instance.logPath, 80, 2048);
}
