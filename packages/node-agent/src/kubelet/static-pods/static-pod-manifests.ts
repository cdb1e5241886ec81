/**
 * Static pods: Pod manifests in a directory on the node (the kubelet's --pod-manifest-path), run by the node agent
 * without the API server's say. Each file (.yaml, .yml or .json; dotfiles skipped) holds one v1 Pod. The pod this
 * node runs from it is named `<name>-<nodeName>`, bound to this node, defaulted and validated as the API server
 * would, and its UID is a hash of the manifest and the node, so the same manifest gives the same UID after an
 * agent restart (its running containers are adopted, not restarted) and a changed manifest a new one (the old pod
 * is stopped and the new one started).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyDefaults, ResourceRegistry, validateObject, type Pod } from '@skiff/api';
import { parseAllDocuments } from 'yaml';
import { CONFIG_HASH, CONFIG_SEEN, CONFIG_SOURCE } from './config-annotations.js';

const podsDef = new ResourceRegistry().get('', 'v1', 'pods')!;
const MANIFEST = /\.(ya?ml|json)$/;

export interface ManifestProblem {
  file: string;
  message: string;
}

function fail(message: string): never {
  throw new Error(message);
}

/** The static pod one manifest's text describes on this node; throws with what is wrong with it. */
export function staticPodFrom(text: string, nodeName: string, seenAt: string): Pod {
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  if (docs.length !== 1) fail(`a static pod manifest holds exactly one Pod, found ${docs.length} documents`);
  const doc = docs[0]!;
  if (doc.errors.length) fail(`not valid YAML or JSON: ${doc.errors[0]!.message.split('\n')[0]}`);
  const pod = doc.toJSON() as any;
  if (!pod || typeof pod !== 'object' || Array.isArray(pod)) fail('expected a Pod object');
  if (pod.kind !== 'Pod' || pod.apiVersion !== 'v1') fail(`expected apiVersion v1 and kind Pod, got ${pod.apiVersion ?? '(none)'} ${pod.kind ?? '(none)'}`);
  if (typeof pod.metadata?.name !== 'string' || !pod.metadata.name) fail('metadata.name is required');
  const metadata = pod.metadata;
  metadata.name = `${metadata.name}-${nodeName}`;
  metadata.namespace = metadata.namespace || 'default';
  delete metadata.uid;
  delete metadata.resourceVersion;
  pod.spec = { ...(pod.spec ?? {}), nodeName };
  delete pod.status;
  applyDefaults(podsDef, pod);
  try {
    validateObject(podsDef, pod);
  } catch (e) {
    fail((e as Error).message);
  }
  // The identity: what the manifest says on this node (annotations the agent adds are not part of it).
  const hash = createHash('sha256').update(nodeName).update('\0').update(JSON.stringify(pod)).digest('hex').slice(0, 32);
  metadata.uid = hash;
  metadata.annotations = { ...(metadata.annotations ?? {}), [CONFIG_SOURCE]: 'file', [CONFIG_HASH]: hash, [CONFIG_SEEN]: seenAt };
  metadata.creationTimestamp ??= seenAt;
  pod.status = { phase: 'Pending' };
  return pod as Pod;
}

export interface ManifestScan {
  /** By UID. */
  pods: Map<string, Pod>;
  problems: ManifestProblem[];
}

/** Every static pod the directory describes now (a missing directory describes none). */
export async function readStaticPods(dir: string, nodeName: string, seenAt: string): Promise<ManifestScan> {
  const pods = new Map<string, Pod>();
  const problems: ManifestProblem[] = [];
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => !f.startsWith('.') && MANIFEST.test(f)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { pods, problems };
    throw e;
  }
  const names = new Map<string, string>();
  for (const file of files) {
    try {
      const pod = staticPodFrom(await readFile(join(dir, file), 'utf8'), nodeName, seenAt);
      const key = `${pod.metadata!.namespace}/${pod.metadata!.name}`;
      const first = names.get(key);
      if (first) fail(`pod ${key} is already defined by ${first}`);
      names.set(key, file);
      pods.set(pod.metadata!.uid!, pod);
    } catch (e) {
      problems.push({ file, message: (e as Error).message });
    }
  }
  return { pods, problems };
}
