import { Op, PodRec, SelectorKind, Term } from '../core/codes.js';

/**
 * Reading pod records in the pod arena (layout in codes.ts). `a` is the arena, `rec` a record's first word.
 * Selectors and terms are addressed by their word offset in the same arena.
 */
export function sectionOff(a: Int32Array, rec: number, s: number): number {
  const off = a[rec + PodRec.Sections + 2 * s]!;
  return off === 0 ? 0 : rec + off;
}

export function sectionCount(a: Int32Array, rec: number, s: number): number {
  return a[rec + PodRec.Sections + 2 * s + 1]!;
}

/** The pod's value id for a pod-label key, or -1; labels are sorted by key id. */
export function podLabel(a: Int32Array, labelsOff: number, count: number, key: number): number {
  for (let i = 0; i < count; i++) {
    const k = a[labelsOff + 2 * i]!;
    if (k === key) return a[labelsOff + 2 * i + 1]!;
    if (k > key) return -1;
  }
  return -1;
}

export function selectorWords(a: Int32Array, sel: number): number {
  const n = a[sel + 1]!;
  let i = sel + 2;
  for (let r = 0; r < n; r++) i += 3 + a[i + 2]!;
  return i - sel;
}

/** labels.Selector.Matches against the pod whose labels start at `labelsOff`. */
export function selectorMatches(a: Int32Array, sel: number, labelsOff: number, labelCount: number): boolean {
  const kind = a[sel]!;
  if (kind === SelectorKind.Nothing) return false;
  if (kind === SelectorKind.Everything) return true;
  const n = a[sel + 1]!;
  let i = sel + 2;
  for (let r = 0; r < n; r++) {
    const op = a[i + 1]!;
    const cnt = a[i + 2]!;
    const v = podLabel(a, labelsOff, labelCount, a[i]!);
    let ok: boolean;
    if (op === Op.Exists) ok = v >= 0;
    else if (op === Op.DoesNotExist) ok = v < 0;
    else {
      let found = false;
      if (v >= 0) {
        for (let j = 0; j < cnt; j++) {
          if (a[i + 3 + j] === v) {
            found = true;
            break;
          }
        }
      }
      ok = op === Op.In ? found : !found;
    }
    if (!ok) return false;
    i += 3 + cnt;
  }
  return true;
}

export function termWords(a: Int32Array, t: number): number {
  const nNs = a[t + Term.NsCount]!;
  return Term.Namespaces + nNs + selectorWords(a, t + Term.Namespaces + nNs);
}

/** AffinityTerm.Matches: the pod's namespace is among the term's (or the term takes all) and its labels match. */
export function termMatches(a: Int32Array, t: number, ns: number, labelsOff: number, labelCount: number): boolean {
  const nNs = a[t + Term.NsCount]!;
  if (a[t + Term.AllNamespaces] === 0) {
    let found = false;
    for (let j = 0; j < nNs; j++) {
      if (a[t + Term.Namespaces + j] === ns) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return selectorMatches(a, t + Term.Namespaces + nNs, labelsOff, labelCount);
}
