import type { KubeObject } from '@skiff/api';
import { age } from './human-duration.js';
import type { Column } from './table.js';

export const nameColumn: Column = {
  name: 'Name',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  cell: (o) => o.metadata?.name ?? '',
};

export const ageColumn: Column = {
  name: 'Age',
  description: 'Time since the object was created.',
  cell: (o, now) => age(o.metadata?.creationTimestamp, now),
};

/** Container names and images of a pod template, comma-separated (the -o wide columns of workloads). */
export function containersColumn(template: (o: KubeObject) => any): Column {
  return {
    name: 'Containers',
    description: 'Names of each container in the template.',
    priority: 1,
    cell: (o) => ((template(o)?.spec?.containers ?? []) as any[]).map((c) => c.name).join(','),
  };
}

export function imagesColumn(template: (o: KubeObject) => any): Column {
  return {
    name: 'Images',
    description: 'Images referenced by each container in the template.',
    priority: 1,
    cell: (o) => ((template(o)?.spec?.containers ?? []) as any[]).map((c) => c.image).join(','),
  };
}

/** A label selector object in its string form, `<none>` when empty. */
export function selectorString(sel: any): string {
  if (!sel) return '<none>';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${[...(e.values ?? [])].sort().join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${[...(e.values ?? [])].sort().join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

export function selectorColumn(sel: (o: KubeObject) => any): Column {
  return { name: 'Selector', description: 'The label selector of the object.', priority: 1, cell: (o) => selectorString(sel(o)) };
}

/** A map selector (services) as `k=v,k2=v2`. */
export function mapSelectorString(m: Record<string, string> | undefined): string {
  const entries = Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

export const int = (v: unknown): number => (typeof v === 'number' ? v : 0);
