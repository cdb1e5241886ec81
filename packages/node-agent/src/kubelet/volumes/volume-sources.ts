/**
 * The files of configMap, secret, downwardAPI and projected volumes, computed from the API objects they name.
 * A missing object or key that is not optional is an error the pod worker reports as FailedMount and retries.
 */
import { NodeAgentError } from '../../errors.js';
import { podFieldValue, resourceFieldValue, type NodeAllocatable, type PodRuntimeFields } from '../env/downward-fields.js';
import type { ObjectSource } from '../env/container-env.js';
import type { Payload } from './atomic-writer.js';

export interface TokenSource {
  /** A token for the pod's service account, bound to the pod (the TokenRequest API). */
  serviceAccountToken(pod: any, audience: string | undefined, expirationSeconds: number): Promise<string>;
}

export interface VolumeContext {
  pod: any;
  runtime: PodRuntimeFields;
  allocatable: NodeAllocatable;
  objects: ObjectSource & TokenSource;
}

const DEFAULT_MODE = 0o644;

function failed(message: string): NodeAgentError {
  return new NodeAgentError('VolumeSetupFailed', message);
}

interface KeyedSource {
  name: string;
  items?: { key: string; path: string; mode?: number }[];
  optional?: boolean;
  defaultMode?: number;
}

async function keyedFiles(ctx: VolumeContext, kind: 'configmap' | 'secret', src: KeyedSource, defaultMode: number, out: Payload): Promise<void> {
  const ns = ctx.pod.metadata.namespace;
  const data = new Map<string, Buffer>();
  if (kind === 'configmap') {
    const cm = await ctx.objects.configMap(ns, src.name);
    if (!cm) {
      if (src.optional) return;
      throw failed(`configmap "${src.name}" not found`);
    }
    for (const [k, v] of Object.entries(cm.data ?? {})) data.set(k, Buffer.from(v, 'utf8'));
    for (const [k, v] of Object.entries(cm.binaryData ?? {})) data.set(k, Buffer.from(v, 'base64'));
  } else {
    const secret = await ctx.objects.secret(ns, src.name);
    if (!secret) {
      if (src.optional) return;
      throw failed(`secret "${src.name}" not found`);
    }
    for (const [k, v] of Object.entries(secret.data ?? {})) data.set(k, Buffer.from(v, 'base64'));
  }
  if (!src.items?.length) {
    for (const [k, v] of data) out.set(k, { data: v, mode: defaultMode });
    return;
  }
  for (const item of src.items) {
    const value = data.get(item.key);
    if (value === undefined) {
      if (src.optional) continue;
      throw failed(`${kind} references non-existent ${kind === 'configmap' ? 'config' : 'secret'} key: ${item.key}`);
    }
    out.set(item.path, { data: value, mode: item.mode ?? defaultMode });
  }
}

function downwardFiles(ctx: VolumeContext, items: any[], defaultMode: number, out: Payload): void {
  for (const item of items ?? []) {
    let value: string;
    if (item.fieldRef) value = podFieldValue(ctx.pod, item.fieldRef.fieldPath, ctx.runtime, true);
    else if (item.resourceFieldRef) {
      const ref = item.resourceFieldRef;
      const container = [...(ctx.pod.spec?.containers ?? []), ...(ctx.pod.spec?.initContainers ?? [])].find((c: any) => c.name === ref.containerName);
      if (!container) throw failed(`downwardAPI item ${item.path} names container "${ref.containerName}", which the pod does not have`);
      value = resourceFieldValue(container.resources, ref.resource, ref.divisor, ctx.allocatable);
    } else continue;
    out.set(item.path, { data: Buffer.from(value, 'utf8'), mode: item.mode ?? defaultMode });
  }
}

/** The payload of a volume whose contents come from the API, or undefined for other kinds of volume. */
export async function volumePayload(ctx: VolumeContext, volume: any): Promise<Payload | undefined> {
  const out: Payload = new Map();
  if (volume.configMap) {
    await keyedFiles(ctx, 'configmap', volume.configMap, volume.configMap.defaultMode ?? DEFAULT_MODE, out);
  } else if (volume.secret) {
    const s = volume.secret;
    await keyedFiles(ctx, 'secret', { ...s, name: s.secretName }, s.defaultMode ?? DEFAULT_MODE, out);
  } else if (volume.downwardAPI) {
    downwardFiles(ctx, volume.downwardAPI.items, volume.downwardAPI.defaultMode ?? DEFAULT_MODE, out);
  } else if (volume.projected) {
    const mode = volume.projected.defaultMode ?? DEFAULT_MODE;
    for (const source of volume.projected.sources ?? []) {
      if (source.configMap) await keyedFiles(ctx, 'configmap', source.configMap, mode, out);
      else if (source.secret) await keyedFiles(ctx, 'secret', source.secret, mode, out);
      else if (source.downwardAPI) downwardFiles(ctx, source.downwardAPI.items, mode, out);
      else if (source.serviceAccountToken) {
        const t = source.serviceAccountToken;
        const token = await ctx.objects.serviceAccountToken(ctx.pod, t.audience, t.expirationSeconds ?? 3600);
        out.set(t.path, { data: Buffer.from(token, 'utf8'), mode });
      }
    }
  } else {
    return undefined;
  }
  return out;
}
