import type { KubeObject } from '../object.js';
import type { FieldErrors } from './field-errors.js';
import type { NameChecker } from './object-meta.js';

/** The checks of one kind beyond metadata. Each records into `errs` and never throws. */
export interface KindValidator {
  /** How names of this kind are checked (RFC 1123 subdomain when absent). */
  nameChecker?: NameChecker;
  validate?(obj: KubeObject, errs: FieldErrors): void;
  /** Extra checks when `next` replaces `prev` (immutable fields); `validate` has already run on `next`. */
  validateUpdate?(next: KubeObject, prev: KubeObject, errs: FieldErrors): void;
}
