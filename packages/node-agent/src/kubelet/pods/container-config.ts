/**
 * The CRI ContainerConfig of one container of a pod: command and args with $(VAR) expanded, environment, volume
 * mounts (subPath included), the termination-message file, resources, security context, and the labels and
 * annotations a restarted kubelet needs to recognise the container.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { NodeAgentError } from '../../errors.js';
import type { ContainerConfig, Mount, MountPropagation, PartialMessage } from '../../cri/cri-types.js';
import {
  CONTAINER_HASH,
  CONTAINER_KIND,
  RESTART_COUNT,
  TERMINATION_GRACE,
  TERMINATION_MESSAGE_PATH,
  TERMINATION_MESSAGE_POLICY,
  containerLabels,
  type ContainerKind,
} from '../cri-labels.js';
import { expandReferences } from '../env/expand-references.js';
import type { VolumeHost } from '../volumes/volume-manager.js';
import { linuxResources, type QosClass } from './container-resources.js';

export interface ContainerConfigInput {
  pod: any;
  container: any;
  kind: ContainerKind;
  attempt: number;
  env: { key: string; value: string }[];
  volumes: Map<string, VolumeHost>;
  qos: QosClass;
  memoryCapacityBytes: number;
  /** The node file mounted at terminationMessagePath. */
  terminationLogFile: string;
  /** An ephemeral container's target (CRI id): it shares that container's PID namespace. */
  targetId?: string;
}

const PROPAGATION: Record<string, MountPropagation> = {
  None: 'PROPAGATION_PRIVATE',
  HostToContainer: 'PROPAGATION_HOST_TO_CONTAINER',
  Bidirectional: 'PROPAGATION_BIDIRECTIONAL',
};

/** A hash of the container's spec: a different hash on a running container means its spec changed (new image). */
export function containerHash(container: unknown): string {
  return createHash('sha256').update(JSON.stringify(container)).digest('hex').slice(0, 16);
}

function configError(message: string): NodeAgentError {
  return new NodeAgentError('ContainerConfigInvalid', message);
}

function subPathOf(mount: any, lookup: (name: string) => string | undefined): string {
  const raw = mount.subPathExpr !== undefined ? expandReferences(mount.subPathExpr, lookup) : (mount.subPath ?? '');
  if (!raw) return '';
  const n = normalize(raw);
  if (raw.startsWith('/') || n === '..' || n.startsWith(`..${sep}`)) throw configError(`subPath "${raw}" must be a relative path inside the volume`);
  return n;
}

export function containerMounts(input: ContainerConfigInput, lookup: (name: string) => string | undefined): PartialMessage<Mount>[] {
  const mounts: PartialMessage<Mount>[] = [];
  for (const m of input.container.volumeMounts ?? []) {
    const host = input.volumes.get(m.name);
    if (!host) throw configError(`cannot find volume "${m.name}" to mount into container "${input.container.name}"`);
    const sub = subPathOf(m, lookup);
    let hostPath = host.path;
    if (sub) {
      hostPath = join(host.path, sub);
      // the kubelet creates a missing subPath directory, so an emptyDir can hand out per-container directories
      if (!existsSync(hostPath)) mkdirSync(hostPath, { recursive: true });
    }
    mounts.push({
      containerPath: m.mountPath,
      hostPath,
      readonly: m.readOnly === true,
      propagation: PROPAGATION[m.mountPropagation ?? 'None'] ?? 'PROPAGATION_PRIVATE',
    });
  }
  const tmp = input.container.terminationMessagePath ?? '/dev/termination-log';
  if (tmp && !mounts.some((m) => m.containerPath === tmp)) mounts.push({ containerPath: tmp, hostPath: input.terminationLogFile, readonly: false });
  return mounts;
}

export function containerConfig(input: ContainerConfigInput): PartialMessage<ContainerConfig> {
  const { pod, container } = input;
  const envMap = new Map(input.env.map((e) => [e.key, e.value]));
  const lookup = (name: string) => envMap.get(name);
  const sc = { ...(pod.spec?.securityContext ?? {}), ...(container.securityContext ?? {}) };
  const own = container.securityContext ?? {};
  const ref = { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid };
  return {
    metadata: { name: container.name, attempt: input.attempt },
    image: { image: container.image, userSpecifiedImage: container.image },
    command: (container.command ?? []).map((c: string) => expandReferences(c, lookup)),
    args: (container.args ?? []).map((a: string) => expandReferences(a, lookup)),
    workingDir: container.workingDir ?? '',
    envs: input.env,
    mounts: containerMounts(input, lookup),
    labels: containerLabels(ref, container.name),
    annotations: {
      [CONTAINER_HASH]: containerHash(container),
      [RESTART_COUNT]: String(input.attempt),
      [TERMINATION_GRACE]: String(pod.spec?.terminationGracePeriodSeconds ?? 30),
      [TERMINATION_MESSAGE_PATH]: container.terminationMessagePath ?? '/dev/termination-log',
      [TERMINATION_MESSAGE_POLICY]: container.terminationMessagePolicy ?? 'File',
      [CONTAINER_KIND]: input.kind,
    },
    logPath: `${container.name}/${input.attempt}.log`,
    stdin: container.stdin === true,
    stdinOnce: container.stdinOnce === true,
    tty: container.tty === true,
    linux: {
      resources: linuxResources(container.resources, input.qos, input.memoryCapacityBytes),
      securityContext: {
        privileged: own.privileged === true,
        runAsUser: sc.runAsUser !== undefined ? { value: sc.runAsUser } : null,
        runAsGroup: sc.runAsGroup !== undefined ? { value: sc.runAsGroup } : null,
        readonlyRootfs: own.readOnlyRootFilesystem === true,
        supplementalGroups: pod.spec?.securityContext?.supplementalGroups ?? [],
        noNewPrivs: own.allowPrivilegeEscalation === false,
        capabilities: own.capabilities ? { addCapabilities: own.capabilities.add ?? [], dropCapabilities: own.capabilities.drop ?? [] } : null,
        namespaceOptions: {
          network: pod.spec?.hostNetwork ? 'NODE' : 'POD',
          pid: pod.spec?.hostPID ? 'NODE' : input.targetId ? 'TARGET' : pod.spec?.shareProcessNamespace ? 'POD' : 'CONTAINER',
          ipc: pod.spec?.hostIPC ? 'NODE' : 'POD',
          targetId: input.targetId ?? '',
        },
      },
    },
  };
}
