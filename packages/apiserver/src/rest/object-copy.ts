/**
 * Copies of the current object for an update that will replace parts of it anyway: those parts are not copied
 * only to be thrown away. Otherwise exactly deepCopy: same keys, same order.
 */
import { deepCopy, isPlainObject, type KubeObject } from '@skiff/api';

export interface CopyOptions {
  /** metadata.managedFields stays the very same array (the caller puts it back, or a new one, before writing). */
  shareManagedFields: boolean;
  /** Taken as the copy's status, in status's place (last when the object has none), instead of a copy. */
  status?: { value: unknown };
}

/** Sets `out[k]`, as an own property even for "__proto__" (as deepCopy does). */
function setOwn(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

/** deepCopy(obj), with the parts `opts` names taken rather than copied. */
export function copyObject(obj: KubeObject, opts: CopyOptions): KubeObject {
  const o = obj as Record<string, unknown>;
  if (!isPlainObject(o) || Object.getPrototypeOf(o) !== Object.prototype) {
    const copy = deepCopy(obj);
    if (opts.status) copy.status = opts.status.value;
    return copy;
  }
  const out: Record<string, unknown> = {};
  let sawStatus = false;
  for (const k in o) {
    const v = o[k];
    if (k === 'status' && opts.status) {
      sawStatus = true;
      out.status = opts.status.value;
    } else if (k === 'metadata' && opts.shareManagedFields && isPlainObject(v) && Object.getPrototypeOf(v) === Object.prototype) {
      const meta: Record<string, unknown> = {};
      for (const mk in v) setOwn(meta, mk, mk === 'managedFields' ? v[mk] : deepCopy(v[mk]));
      out.metadata = meta;
    } else setOwn(out, k, deepCopy(v));
  }
  if (opts.status && !sawStatus) out.status = opts.status.value;
  return out as KubeObject;
}
