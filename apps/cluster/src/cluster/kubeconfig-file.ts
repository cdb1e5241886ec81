/**
 * The kubeconfig files `skiff up` writes: the admin one at <data dir>/kubeconfig (what `export KUBECONFIG=...`
 * points kubectl at) and one per component. The API server has no authentication yet, so the user entry is empty;
 * the context still names a user so that kubectl and client libraries accept the file.
 */
import { renameSync, writeFileSync } from 'node:fs';

export interface KubeconfigOptions {
  server: string;
  /** Cluster and context name, e.g. "skiff". */
  name: string;
  user: string;
  namespace?: string;
}

export function renderKubeconfig(o: KubeconfigOptions): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${o.name}`,
    '  cluster:',
    `    server: ${JSON.stringify(o.server)}`,
    'users:',
    `- name: ${o.user}`,
    '  user: {}',
    'contexts:',
    `- name: ${o.name}`,
    '  context:',
    `    cluster: ${o.name}`,
    `    user: ${o.user}`,
    `    namespace: ${o.namespace ?? 'default'}`,
    `current-context: ${o.name}`,
    '',
  ].join('\n');
}

/** Atomic, so a kubectl reading the file while `skiff up` rewrites it never sees half of it. */
export function writeKubeconfig(path: string, o: KubeconfigOptions): void {
  writeFileSync(`${path}.tmp`, renderKubeconfig(o), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}
