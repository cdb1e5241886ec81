/**
 * A container's environment as the kubelet builds it: envFrom sources first, then env entries (later ones win),
 * $(VAR) references expanded against what came before, then the service variables for names the user left free,
 * and HOSTNAME. A missing ConfigMap, Secret or key that is not optional is a CreateContainerConfigError.
 */
import { NodeAgentError } from '../../errors.js';
import type { ContainerResourcesSpec } from '../pods/container-resources.js';
import { podFieldValue, resourceFieldValue, type NodeAllocatable, type PodRuntimeFields } from './downward-fields.js';
import { expandReferences } from './expand-references.js';

/** ConfigMaps and Secrets by namespace and name; undefined when the API server has none. */
export interface ObjectSource {
  configMap(namespace: string, name: string): Promise<{ data?: Record<string, string>; binaryData?: Record<string, string> } | undefined>;
  /** Secret values base64-encoded, as the API returns them. */
  secret(namespace: string, name: string): Promise<{ data?: Record<string, string> } | undefined>;
}

export interface EnvContext {
  pod: any;
  container: any;
  runtime: PodRuntimeFields;
  allocatable: NodeAllocatable;
  serviceEnv: Map<string, string>;
  hostname: string;
  objects: ObjectSource;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function configError(message: string): NodeAgentError {
  return new NodeAgentError('ContainerConfigInvalid', message);
}

async function sourceData(ctx: EnvContext, kind: 'configmap' | 'secret', name: string, optional: boolean): Promise<Record<string, string> | undefined> {
  const ns = ctx.pod.metadata.namespace;
  if (kind === 'configmap') {
    const cm = await ctx.objects.configMap(ns, name);
    if (!cm && !optional) throw configError(`configmap "${name}" not found`);
    return cm?.data ?? (cm ? {} : undefined);
  }
  const secret = await ctx.objects.secret(ns, name);
  if (!secret && !optional) throw configError(`secret "${name}" not found`);
  if (!secret) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

async function valueFrom(ctx: EnvContext, from: any): Promise<string | undefined> {
  const ns = ctx.pod.metadata.namespace;
  if (from.fieldRef) return podFieldValue(ctx.pod, from.fieldRef.fieldPath, ctx.runtime);
  if (from.resourceFieldRef) {
    const ref = from.resourceFieldRef;
    const target = ref.containerName
      ? [...(ctx.pod.spec?.containers ?? []), ...(ctx.pod.spec?.initContainers ?? [])].find((c: any) => c.name === ref.containerName)
      : ctx.container;
    return resourceFieldValue(target?.resources as ContainerResourcesSpec | undefined, ref.resource, ref.divisor, ctx.allocatable);
  }
  for (const [key, kind] of [['configMapKeyRef', 'configmap'], ['secretKeyRef', 'secret']] as const) {
    const ref = from[key];
    if (!ref) continue;
    const optional = ref.optional === true;
    const data = await sourceData(ctx, kind, ref.name, optional);
    if (data === undefined) return undefined;
    if (!(ref.key in data)) {
      if (optional) return undefined;
      throw configError(`couldn't find key ${ref.key} in ${kind === 'configmap' ? 'ConfigMap' : 'Secret'} ${ns}/${ref.name}`);
    }
    return data[ref.key];
  }
  return undefined;
}

/** The environment, in a stable order: user variables as declared, then service variables, then HOSTNAME. */
export async function containerEnvironment(ctx: EnvContext): Promise<{ key: string; value: string }[]> {
  const env = new Map<string, string>();
  for (const source of ctx.container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    if (!ref) continue;
    const data = await sourceData(ctx, source.configMapRef ? 'configmap' : 'secret', ref.name, ref.optional === true);
    for (const [k, v] of Object.entries(data ?? {})) {
      const name = `${source.prefix ?? ''}${k}`;
      // the kubelet skips (and reports) keys that are not valid variable names rather than failing the container
      if (ENV_NAME.test(name)) env.set(name, v);
    }
  }
  const lookup = (name: string) => env.get(name) ?? ctx.serviceEnv.get(name);
  for (const e of ctx.container.env ?? []) {
    if (e.valueFrom) {
      const v = await valueFrom(ctx, e.valueFrom);
      if (v !== undefined) env.set(e.name, v);
    } else {
      env.set(e.name, expandReferences(e.value ?? '', lookup));
    }
  }
  for (const [k, v] of ctx.serviceEnv) if (!env.has(k)) env.set(k, v);
  if (!env.has('HOSTNAME')) env.set('HOSTNAME', ctx.hostname);
  return [...env].map(([key, value]) => ({ key, value }));
}
