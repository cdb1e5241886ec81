import type { V1LabelSelector } from '@kubernetes/client-node';
import { Op, SelectorKind } from '../core/codes.js';
import type { Interner } from './interner.js';

/**
 * A metav1.LabelSelector compiled for pod labels, as LabelSelectorAsSelector reads it: nil selects nothing, {}
 * selects everything (and counts as "empty", which PodTopologySpread treats as matching no pods), otherwise a list
 * of requirements that must all hold. Words: [kind, count, then per requirement: keyId, op, n, valueIds...].
 */
export interface CompiledSelector {
  kind: number;
  words: number[];
}

export class SelectorError extends Error {}

export interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

export function selectorRequirements(sel: V1LabelSelector): Requirement[] {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, operator: 'In', values: [value] });
  for (const e of sel.matchExpressions ?? []) reqs.push({ key: e.key, operator: e.operator, values: e.values });
  return reqs;
}

/** Validates and compiles; throws SelectorError with the reason for a malformed selector. */
export function compileSelector(
  sel: V1LabelSelector | null | undefined,
  extra: Requirement[],
  keys: Interner,
  values: Interner,
): CompiledSelector {
  if (sel === null || sel === undefined) return { kind: SelectorKind.Nothing, words: [SelectorKind.Nothing, 0] };
  const reqs = [...selectorRequirements(sel), ...extra];
  if (reqs.length === 0) return { kind: SelectorKind.Everything, words: [SelectorKind.Everything, 0] };
  const words: number[] = [SelectorKind.Requirements, reqs.length];
  for (const r of reqs) {
    if (typeof r.key !== 'string' || r.key === '') throw new SelectorError('a requirement needs a key');
    const vals = r.values ?? [];
    let op: number;
    switch (r.operator) {
      case 'In':
      case 'NotIn':
        if (vals.length === 0) throw new SelectorError(`operator ${r.operator} needs at least one value (key ${r.key})`);
        op = r.operator === 'In' ? Op.In : Op.NotIn;
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (vals.length !== 0) throw new SelectorError(`operator ${r.operator} takes no values (key ${r.key})`);
        op = r.operator === 'Exists' ? Op.Exists : Op.DoesNotExist;
        break;
      default:
        throw new SelectorError(`unknown operator "${String(r.operator)}" (key ${r.key})`);
    }
    words.push(keys.intern(r.key), op, vals.length);
    for (const v of vals) words.push(values.intern(String(v)));
  }
  return { kind: SelectorKind.Requirements, words };
}

/** Evaluates a compiled selector against a plain label map (used at encode time, e.g. for self-matching). */
export function selectorMatchesLabels(c: CompiledSelector, labels: Record<string, string>, keys: Interner, values: Interner): boolean {
  if (c.kind === SelectorKind.Nothing) return false;
  if (c.kind === SelectorKind.Everything) return true;
  const w = c.words;
  let i = 2;
  for (let r = 0; r < w[1]!; r++) {
    const key = keys.name(w[i]!);
    const op = w[i + 1]!;
    const n = w[i + 2]!;
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    let inSet = false;
    if (has) {
      const vid = values.get(labels[key]!);
      for (let j = 0; j < n; j++) if (w[i + 3 + j] === vid) inSet = true;
    }
    i += 3 + n;
    const ok = op === Op.In ? has && inSet : op === Op.NotIn ? !has || !inSet : op === Op.Exists ? has : !has;
    if (!ok) return false;
  }
  return true;
}

/**
 * Evaluates a LabelSelector directly against a label map, without interning (for namespaces, PDBs and workload
 * selectors, which are matched outside the kernels). nil matches nothing; {} matches everything.
 */
export function labelSelectorMatches(sel: V1LabelSelector | null | undefined, labels: Record<string, string>): boolean {
  if (sel === null || sel === undefined) return false;
  for (const r of selectorRequirements(sel)) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const inSet = has && (r.values ?? []).includes(labels[r.key]!);
    switch (r.operator) {
      case 'In':
        if (!inSet) return false;
        break;
      case 'NotIn':
        if (inSet) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        throw new SelectorError(`unknown operator "${String(r.operator)}" (key ${r.key})`);
    }
  }
  return true;
}

/** Whether a selector selects no labels at all ({} with no requirements): labels.Selector.Empty(). */
export function isEmptySelector(sel: V1LabelSelector): boolean {
  return selectorRequirements(sel).length === 0;
}
