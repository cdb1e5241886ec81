// Reading pod records in the pod arena (mirror of src/ts/record.ts).
import { Op, PodRec, Section, SelectorKind, Term } from './codes';
import { pa } from './layout';

@inline export function sectionOff(rec: i32, s: i32): i32 {
  const o = pa(rec + PodRec.Sections + 2 * s);
  return o == 0 ? 0 : rec + o;
}

@inline export function sectionCount(rec: i32, s: i32): i32 {
  return pa(rec + PodRec.Sections + 2 * s + 1);
}

@inline export function labelsOf(rec: i32): i32 {
  return rec + pa(rec + PodRec.Sections + 2 * Section.Labels);
}

@inline export function labelCountOf(rec: i32): i32 {
  return pa(rec + PodRec.Sections + 2 * Section.Labels + 1);
}

/** The pod's value id for a pod-label key, or -1; labels are sorted by key id. */
export function podLabel(labelsOff: i32, count: i32, key: i32): i32 {
  for (let i = 0; i < count; i++) {
    const k = pa(labelsOff + 2 * i);
    if (k == key) return pa(labelsOff + 2 * i + 1);
    if (k > key) return -1;
  }
  return -1;
}

export function selectorWords(sel: i32): i32 {
  const n = pa(sel + 1);
  let i = sel + 2;
  for (let r = 0; r < n; r++) i += 3 + pa(i + 2);
  return i - sel;
}

export function selectorMatches(sel: i32, labelsOff: i32, labelCount: i32): bool {
  const kind = pa(sel);
  if (kind == SelectorKind.Nothing) return false;
  if (kind == SelectorKind.Everything) return true;
  const n = pa(sel + 1);
  let i = sel + 2;
  for (let r = 0; r < n; r++) {
    const op = pa(i + 1);
    const cnt = pa(i + 2);
    const v = podLabel(labelsOff, labelCount, pa(i));
    let ok: bool;
    if (op == Op.Exists) ok = v >= 0;
    else if (op == Op.DoesNotExist) ok = v < 0;
    else {
      let found = false;
      if (v >= 0) {
        for (let j = 0; j < cnt; j++) {
          if (pa(i + 3 + j) == v) {
            found = true;
            break;
          }
        }
      }
      ok = op == Op.In ? found : !found;
    }
    if (!ok) return false;
    i += 3 + cnt;
  }
  return true;
}

export function termWords(t: i32): i32 {
  const nNs = pa(t + Term.NsCount);
  return Term.Namespaces + nNs + selectorWords(t + Term.Namespaces + nNs);
}

export function termMatches(t: i32, ns: i32, labelsOff: i32, labelCount: i32): bool {
  const nNs = pa(t + Term.NsCount);
  if (pa(t + Term.AllNamespaces) == 0) {
    let found = false;
    for (let j = 0; j < nNs; j++) {
      if (pa(t + Term.Namespaces + j) == ns) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return selectorMatches(t + Term.Namespaces + nNs, labelsOff, labelCount);
}
