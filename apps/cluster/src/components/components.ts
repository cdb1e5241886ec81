/**
 * Where each component's process entry lives. Every component is a package of this workspace with a bin; `skiff
 * <component> ...` runs that bin in-process with the remaining arguments, and `skiff up` starts each as `skiff
 * <component> ...` in a child process. A component whose package does not declare its bin yet is a seam: `skiff up`
 * says so and runs without it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ComponentName = 'store' | 'apiserver' | 'scheduler' | 'controller-manager' | 'node' | 'cri' | 'proxy';

export interface ComponentDef {
  readonly name: ComponentName;
  /** Directory under packages/. */
  readonly packageDir: string;
  readonly bin: string;
  readonly summary: string;
}

export const COMPONENTS: readonly ComponentDef[] = [
  { name: 'store', packageDir: 'store-wasm', bin: 'skiff-store', summary: 'the store, served over the etcd v3 API (etcd\'s flags)' },
  { name: 'apiserver', packageDir: 'apiserver', bin: 'skiff-apiserver', summary: 'the Kubernetes API server' },
  { name: 'scheduler', packageDir: 'scheduler-wasm', bin: 'skiff-scheduler', summary: 'the scheduler' },
  { name: 'controller-manager', packageDir: 'controllers', bin: 'skiff-controller-manager', summary: 'the controller manager' },
  { name: 'node', packageDir: 'node-agent', bin: 'skiff-node-agent', summary: 'the node agent (kubelet)' },
  { name: 'cri', packageDir: 'node-agent', bin: 'skiff-cri', summary: 'the CRI runtime on runc, with CNI pod networks' },
  { name: 'proxy', packageDir: 'proxy-lb', bin: 'skiff-proxy', summary: 'the per-node service proxy' },
];

export function componentDef(name: string): ComponentDef | undefined {
  return COMPONENTS.find((c) => c.name === name);
}

export type Availability =
  | { available: true; entry: string }
  | { available: false; reason: string };

/** The repository root: the nearest directory above this file holding pnpm-workspace.yaml. */
export function workspaceRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}: skiff runs from the Skiff repository`);
  }
}

/** Whether the component's bin is declared and built, and where its entry file is. */
export function locateComponent(def: ComponentDef, root: string = workspaceRoot()): Availability {
  const pkgDir = join(root, 'packages', def.packageDir);
  const manifest = join(pkgDir, 'package.json');
  if (!existsSync(manifest)) return { available: false, reason: `packages/${def.packageDir} does not exist yet` };
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> | string };
  const rel = typeof pkg.bin === 'object' ? pkg.bin[def.bin] : undefined;
  if (!rel) return { available: false, reason: `packages/${def.packageDir} has no ${def.bin} bin yet` };
  const entry = join(pkgDir, rel);
  if (!existsSync(entry)) return { available: false, reason: `${entry} is not built: run \`pnpm build\`` };
  return { available: true, entry };
}

/** The `skiff` CLI's own entry (dist/bin/skiff.js), for starting components as `skiff <component>`. */
export function skiffEntry(root: string = workspaceRoot()): string {
  return join(root, 'apps', 'cluster', 'dist', 'bin', 'skiff.js');
}
