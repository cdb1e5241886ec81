/**
 * Label selectors: the string form of `?labelSelector=` and the object form of `spec.selector`, both compiled to
 * one list of requirements that must all hold (an empty list matches every object).
 *
 *   "app=web,tier!=db"           equality: = == !=
 *   "env in (prod,qa),!canary"   sets: in, notin, existence (key), absence (!key)
 *   "replicas>2"                 Gt and Lt compare integers
 */
import { badRequest } from '../errors.js';
import { labelValue, qualifiedName } from '../validation/names.js';

export type Operator = 'Equals' | 'DoubleEquals' | 'NotEquals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export interface LabelSelectorRequirementObject {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirementObject[];
}

export class LabelSelector {
  /** Sorted by key, as Kubernetes sorts them, so that String() is canonical. */
  readonly requirements: readonly Requirement[];
  /** A selector that matches nothing (a nil selector object). */
  readonly matchesNothing: boolean;

  constructor(requirements: Requirement[], matchesNothing = false) {
    this.requirements = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.matchesNothing = matchesNothing;
  }

  static everything(): LabelSelector {
    return new LabelSelector([]);
  }

  static nothing(): LabelSelector {
    return new LabelSelector([], true);
  }

  isEverything(): boolean {
    return !this.matchesNothing && this.requirements.length === 0;
  }

  matches(labels: Record<string, string> | undefined): boolean {
    if (this.matchesNothing) return false;
    const l = labels ?? {};
    for (const r of this.requirements) if (!matchRequirement(r, l)) return false;
    return true;
  }

  toString(): string {
    return this.requirements.map(formatRequirement).join(',');
  }
}

function has(l: Record<string, string>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(l, k);
}

function matchRequirement(r: Requirement, l: Record<string, string>): boolean {
  switch (r.operator) {
    case 'Equals':
    case 'DoubleEquals':
    case 'In':
      return has(l, r.key) && r.values.includes(l[r.key]!);
    case 'NotEquals':
    case 'NotIn':
      return !has(l, r.key) || !r.values.includes(l[r.key]!);
    case 'Exists':
      return has(l, r.key);
    case 'DoesNotExist':
      return !has(l, r.key);
    case 'Gt':
    case 'Lt': {
      if (!has(l, r.key)) return false;
      const v = Number(l[r.key]);
      const bound = Number(r.values[0]);
      if (!Number.isInteger(v) || !/^-?\d+$/.test(l[r.key]!)) return false;
      return r.operator === 'Gt' ? v > bound : v < bound;
    }
  }
}

function formatRequirement(r: Requirement): string {
  switch (r.operator) {
    case 'Equals':
      return `${r.key}=${r.values[0]}`;
    case 'DoubleEquals':
      return `${r.key}==${r.values[0]}`;
    case 'NotEquals':
      return `${r.key}!=${r.values[0]}`;
    case 'In':
      return `${r.key} in (${[...r.values].sort().join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${[...r.values].sort().join(',')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'Gt':
      return `${r.key}>${r.values[0]}`;
    case 'Lt':
      return `${r.key}<${r.values[0]}`;
  }
}

function checkKey(key: string): void {
  const errs = qualifiedName(key);
  if (errs.length) throw badRequest(`unable to parse requirement: invalid label key "${key}": ${errs.join('; ')}`);
}

function checkValue(value: string): void {
  const errs = labelValue(value);
  if (errs.length) throw badRequest(`unable to parse requirement: invalid label value: "${value}": ${errs.join('; ')}`);
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

const SET_RE = /^([^\s!=<>()]+)\s+(in|notin)\s*\(([^()]*)\)$/;
const BINARY_RE = /^([^\s!=<>()]+)\s*(==|!=|=|>|<)\s*([^\s!=<>(),]*)$/;
const EXISTS_RE = /^(!?)\s*([^\s!=<>()]+)$/;

/** Parses the string form; a malformed selector is a 400 BadRequest. */
export function parseLabelSelector(input: string | undefined): LabelSelector {
  const s = (input ?? '').trim();
  if (s === '') return LabelSelector.everything();
  const reqs: Requirement[] = [];
  for (const raw of splitTopLevel(s)) {
    const part = raw.trim();
    if (part === '') throw badRequest(`unable to parse requirement: found '', expected: identifier`);
    let m = SET_RE.exec(part);
    if (m) {
      const values = m[3]!.split(',').map((v) => v.trim());
      if (m[3]!.trim() === '') throw badRequest(`unable to parse requirement: for 'in', 'notin' operators, values set can't be empty`);
      checkKey(m[1]!);
      values.forEach(checkValue);
      reqs.push({ key: m[1]!, operator: m[2] === 'in' ? 'In' : 'NotIn', values });
      continue;
    }
    m = BINARY_RE.exec(part);
    if (m) {
      const key = m[1]!;
      const op = m[2]!;
      const value = m[3]!;
      checkKey(key);
      if (op === '>' || op === '<') {
        if (!/^-?\d+$/.test(value)) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
        reqs.push({ key, operator: op === '>' ? 'Gt' : 'Lt', values: [value] });
      } else {
        checkValue(value);
        reqs.push({ key, operator: op === '=' ? 'Equals' : op === '==' ? 'DoubleEquals' : 'NotEquals', values: [value] });
      }
      continue;
    }
    m = EXISTS_RE.exec(part);
    if (m) {
      checkKey(m[2]!);
      reqs.push({ key: m[2]!, operator: m[1] ? 'DoesNotExist' : 'Exists', values: [] });
      continue;
    }
    throw badRequest(`unable to parse requirement: couldn't parse "${part}" as a label requirement`);
  }
  return new LabelSelector(reqs);
}

/**
 * Compiles a `spec.selector` object. `undefined`/`null` matches nothing, `{}` matches everything (Kubernetes'
 * LabelSelectorAsSelector). Problems come back as messages rather than thrown, for validation to report by field.
 */
export function labelSelectorFromObject(sel: LabelSelectorObject | null | undefined): LabelSelector {
  if (sel === null || sel === undefined) return LabelSelector.nothing();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, operator: 'Equals', values: [String(v)] });
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator as Operator;
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(op)) throw badRequest(`"${e.operator}" is not a valid label selector operator`);
    reqs.push({ key: e.key, operator: op, values: [...(e.values ?? [])] });
  }
  return new LabelSelector(reqs);
}

/** Problems in a selector object, by relative field path, for validation. */
export function validateLabelSelectorObject(sel: LabelSelectorObject, path: string): { field: string; message: string; value?: unknown }[] {
  const errs: { field: string; message: string; value?: unknown }[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    for (const e of qualifiedName(k)) errs.push({ field: `${path}.matchLabels`, message: e, value: k });
    for (const e of labelValue(String(v))) errs.push({ field: `${path}.matchLabels`, message: e, value: v });
  }
  (sel.matchExpressions ?? []).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) {
      errs.push({ field: `${p}.operator`, message: `not a valid selector operator`, value: e.operator });
    } else if ((e.operator === 'In' || e.operator === 'NotIn') && !(e.values ?? []).length) {
      errs.push({ field: `${p}.values`, message: 'must be specified when `operator` is \'In\' or \'NotIn\'' });
    } else if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && (e.values ?? []).length) {
      errs.push({ field: `${p}.values`, message: 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'' });
    }
    for (const m of qualifiedName(e.key ?? '')) errs.push({ field: `${p}.key`, message: m, value: e.key });
  });
  return errs;
}
