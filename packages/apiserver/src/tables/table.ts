/**
 * meta.k8s.io/v1 Tables: what `kubectl get` prints. The server renders every cell (ages included); kubectl only
 * lays them out, hides columns with priority > 0 unless -o wide, and uses rows[].object for -A (namespace),
 * --show-labels, -L and --sort-by (with includeObject=Object).
 */
import type { KubeObject } from '@skiff/api';

export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: ColumnDefinition[];
  rows: TableRow[];
}

/** One column: how to head it and how to fill it from an object. */
export interface Column {
  name: string;
  type?: ColumnDefinition['type'];
  format?: string;
  description: string;
  /** 0: always shown; 1: only with -o wide. */
  priority?: number;
  cell(obj: KubeObject, now: number): unknown;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function columnDefinitions(columns: Column[]): ColumnDefinition[] {
  return columns.map((c) => ({
    name: c.name,
    type: c.type ?? 'string',
    format: c.format ?? '',
    description: c.description,
    priority: c.priority ?? 0,
  }));
}

export function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function tableRow(columns: Column[], obj: KubeObject, include: IncludeObject, now: number): TableRow {
  const row: TableRow = { cells: columns.map((c) => c.cell(obj, now)) };
  const o = rowObject(obj, include);
  if (o !== undefined) row.object = o;
  return row;
}

export function buildTable(columns: Column[], objects: KubeObject[], include: IncludeObject, meta: Table['metadata']): Table {
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: columnDefinitions(columns),
    rows: objects.map((o) => tableRow(columns, o, include, now)),
  };
}
