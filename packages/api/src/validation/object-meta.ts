/**
 * metadata checks shared by every kind: name format, labels, annotations, owner references, finalizers, and the
 * fields an update must not change.
 */
import type { ObjectMeta } from '../object.js';
import type { FieldErrors } from './field-errors.js';
import { dns1123Subdomain, labelValue, qualifiedName } from './names.js';

export type NameChecker = (name: string) => string[];

/** Annotations may hold this many bytes in total (keys plus values). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabels(labels: unknown, path: string, errs: FieldErrors): void {
  if (labels === undefined || labels === null) return;
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    errs.invalid(path, labels, 'must be a map of string keys to string values');
    return;
  }
  for (const [k, v] of Object.entries(labels)) {
    errs.check(path, k, qualifiedName);
    if (typeof v !== 'string') errs.invalid(`${path}[${k}]`, v, 'must be a string');
    else errs.check(path, v, labelValue);
  }
}

export function validateAnnotations(annotations: unknown, path: string, errs: FieldErrors): void {
  if (annotations === undefined || annotations === null) return;
  if (typeof annotations !== 'object' || Array.isArray(annotations)) {
    errs.invalid(path, annotations, 'must be a map of string keys to string values');
    return;
  }
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    errs.check(path, k.toLowerCase(), qualifiedName);
    if (typeof v !== 'string') errs.invalid(`${path}[${k}]`, v, 'must be a string');
    else size += k.length + Buffer.byteLength(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT);
}

export function validateObjectMeta(meta: ObjectMeta, namespaced: boolean, nameChecker: NameChecker, errs: FieldErrors): void {
  if (!meta.name) {
    if (!meta.generateName) errs.required('metadata.name', 'name or generateName is required');
  } else {
    errs.check('metadata.name', meta.name, nameChecker);
  }
  if (namespaced && !meta.namespace) errs.required('metadata.namespace');
  if (!namespaced && meta.namespace) errs.forbidden('metadata.namespace', 'not allowed on this type');
  validateLabels(meta.labels, 'metadata.labels', errs);
  validateAnnotations(meta.annotations, 'metadata.annotations', errs);
  (meta.ownerReferences ?? []).forEach((ref, i) => {
    const p = `metadata.ownerReferences[${i}]`;
    if (!ref.apiVersion) errs.invalid(`${p}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty');
    if (!ref.kind) errs.invalid(`${p}.kind`, ref.kind ?? '', 'kind must not be empty');
    if (!ref.name) errs.invalid(`${p}.name`, ref.name ?? '', 'name must not be empty');
    if (!ref.uid) errs.invalid(`${p}.uid`, ref.uid ?? '', 'uid must not be empty');
  });
  if ((meta.ownerReferences ?? []).filter((r) => r.controller).length > 1) {
    errs.invalid('metadata.ownerReferences', meta.ownerReferences, 'Only one reference can have Controller set to true');
  }
  (meta.finalizers ?? []).forEach((f, i) => {
    if (typeof f !== 'string') errs.invalid(`metadata.finalizers[${i}]`, f, 'must be a string');
    else errs.check(`metadata.finalizers[${i}]`, f, qualifiedName);
  });
}

/** Fields the server owns or that identify the object: an update may not change them. */
export function validateObjectMetaUpdate(next: ObjectMeta, prev: ObjectMeta, errs: FieldErrors): void {
  if (next.name !== prev.name) errs.immutable('metadata.name', next.name);
  if ((next.namespace ?? '') !== (prev.namespace ?? '')) errs.immutable('metadata.namespace', next.namespace);
  if (next.uid !== prev.uid) errs.immutable('metadata.uid', next.uid);
  if (next.creationTimestamp !== prev.creationTimestamp) errs.immutable('metadata.creationTimestamp', next.creationTimestamp);
}

export const defaultNameChecker: NameChecker = dns1123Subdomain;
