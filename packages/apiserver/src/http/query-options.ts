/**
 * Query parameters of the resource verbs, parsed and checked once. Repeated parameters keep every value
 * (URLSearchParams), bad values are 400s with the real server's wording where clients match on it.
 */
import { badRequest, invalid } from '@skiff/api';
import { defaultManager } from '../patch/managed-fields.js';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  watch: boolean;
  allowWatchBookmarks: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
  includeObject: 'None' | 'Metadata' | 'Object';
}

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export interface WriteOptions {
  dryRun: boolean;
  fieldManager?: string;
  fieldValidation: FieldValidation;
  force: boolean;
  /** Who the write's changes are recorded under in managedFields (fieldManager, or the client's name). */
  manager: string;
  /** managedFields were already computed (server-side apply): do not track the write again. */
  applied?: boolean;
  /** Warnings for the client (unknown fields dropped), sent as Warning headers. */
  warnings: string[];
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

function bool(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function int(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value for ${name}: "${v}" is not an integer`);
  return Number(v);
}

export function parseListOptions(q: URLSearchParams): ListOptions {
  const opts: ListOptions = {
    watch: bool(q.get('watch')),
    allowWatchBookmarks: bool(q.get('allowWatchBookmarks')),
    includeObject: 'Metadata',
  };
  const ls = q.get('labelSelector');
  if (ls !== null) opts.labelSelector = ls;
  const fs = q.get('fieldSelector');
  if (fs !== null) opts.fieldSelector = fs;
  const limit = int(q, 'limit');
  if (limit !== undefined) {
    if (limit < 0) throw badRequest(`invalid value for limit: ${limit}: must be greater than or equal to 0`);
    opts.limit = limit;
  }
  const cont = q.get('continue');
  if (cont) opts.continue = cont;
  const rv = q.get('resourceVersion');
  if (rv !== null && rv !== '') {
    if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version "${rv}"`);
    opts.resourceVersion = rv;
  }
  const rvm = q.get('resourceVersionMatch');
  if (rvm) {
    if (rvm !== 'NotOlderThan' && rvm !== 'Exact') {
      throw invalid('ListOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueNotSupported', field: 'resourceVersionMatch', message: `Unsupported value: "${rvm}": supported values: "Exact", "NotOlderThan"` }]);
    }
    if (opts.resourceVersion === undefined) {
      throw invalid('ListOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided' }]);
    }
    if (opts.continue) {
      throw invalid('ListOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', message: 'Forbidden: resourceVersionMatch is forbidden when continue is provided' }]);
    }
    opts.resourceVersionMatch = rvm;
  }
  const sie = q.get('sendInitialEvents');
  if (sie !== null) opts.sendInitialEvents = bool(sie);
  const to = int(q, 'timeoutSeconds');
  if (to !== undefined) opts.timeoutSeconds = Math.max(0, to);
  const io = q.get('includeObject');
  if (io !== null) {
    if (io !== 'None' && io !== 'Metadata' && io !== 'Object') throw badRequest(`invalid includeObject "${io}": must be None, Metadata or Object`);
    opts.includeObject = io;
  }
  return opts;
}

export function parseDryRun(values: string[]): boolean {
  for (const v of values) {
    if (v !== 'All') throw badRequest(`Invalid dry run value: ${JSON.stringify(v)}: supported values: "All"`);
  }
  return values.length > 0;
}

export function parseWriteOptions(q: URLSearchParams, userAgent?: string): WriteOptions {
  const fv = q.get('fieldValidation') ?? 'Warn';
  if (fv !== 'Ignore' && fv !== 'Warn' && fv !== 'Strict') {
    throw badRequest(`fieldValidation parameter unsupported: ${fv}. Supported values are: Ignore, Warn, Strict`);
  }
  const fm = q.get('fieldManager') ?? undefined;
  if (fm !== undefined && fm.length > 128) throw badRequest('fieldManager: Too long: must have at most 128 bytes');
  return {
    dryRun: parseDryRun(q.getAll('dryRun')),
    fieldManager: fm,
    fieldValidation: fv,
    force: bool(q.get('force')),
    manager: fm ?? defaultManager(userAgent),
    warnings: [],
  };
}

const PROPAGATION = new Set(['Orphan', 'Background', 'Foreground']);

/** Merges DeleteOptions from the body (kubectl) and the query (client-node may use either). */
export function parseDeleteOptions(q: URLSearchParams, body: unknown): DeleteOptions {
  const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, any>;
  if (b.kind !== undefined && b.kind !== 'DeleteOptions') throw badRequest(`expected DeleteOptions, got ${String(b.kind)}`);
  const opts: DeleteOptions = { dryRun: parseDryRun([...q.getAll('dryRun'), ...(Array.isArray(b.dryRun) ? b.dryRun : [])]) };
  const grace = b.gracePeriodSeconds ?? int(q, 'gracePeriodSeconds');
  if (grace !== undefined && grace !== null) {
    if (typeof grace !== 'number' || !Number.isInteger(grace)) throw badRequest('gracePeriodSeconds must be an integer');
    opts.gracePeriodSeconds = Math.max(0, grace);
  }
  const orphan = b.orphanDependents ?? (q.get('orphanDependents') !== null ? bool(q.get('orphanDependents')) : undefined);
  const policy = b.propagationPolicy ?? q.get('propagationPolicy') ?? (orphan === true ? 'Orphan' : orphan === false ? 'Background' : undefined);
  if (policy !== undefined && policy !== null) {
    if (!PROPAGATION.has(policy)) {
      throw invalid('DeleteOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"` }]);
    }
    opts.propagationPolicy = policy;
  }
  if (b.preconditions && typeof b.preconditions === 'object') opts.preconditions = b.preconditions;
  return opts;
}
