/**
 * Field selectors (`?fieldSelector=metadata.name=web,status.phase!=Running`): equality only, AND-ed. Values may
 * escape `\,`, `\=` and `\\`. Which fields a resource supports is the caller's business (see field-labels.ts).
 */
import { badRequest } from '../errors.js';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export class FieldSelector {
  readonly requirements: readonly FieldRequirement[];

  constructor(requirements: FieldRequirement[]) {
    this.requirements = requirements;
  }

  isEverything(): boolean {
    return this.requirements.length === 0;
  }

  /** `fields` maps each supported field label to the object's value for it. */
  matches(fields: Record<string, string>): boolean {
    for (const r of this.requirements) {
      const v = fields[r.field] ?? '';
      if (r.operator === '=' ? v !== r.value : v === r.value) return false;
    }
    return true;
  }

  /** The value the selector pins a field to, if it has an equality requirement on it (for index lookups). */
  exactValue(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** Splits on `sep` characters that are not escaped with a backslash. */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export function parseFieldSelector(input: string | undefined): FieldSelector {
  const s = (input ?? '').trim();
  if (s === '') return new FieldSelector([]);
  const reqs: FieldRequirement[] = [];
  for (const part of splitUnescaped(s, ',')) {
    const m = /^([^!=]+?)\s*(==|!=|=)(.*)$/s.exec(part.trim());
    if (!m) throw badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    reqs.push({ field: m[1]!.trim(), operator: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]!.trim()) });
  }
  return new FieldSelector(reqs);
}
