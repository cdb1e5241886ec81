import { invalidConfig } from '../errors.js';

/**
 * Strict reading of plugin args and configuration objects, like the scheduler's strict decoding: unknown
 * fields and wrong types are InvalidConfig errors naming the field path.
 */
export class ArgsReader {
  private readonly obj: Record<string, unknown>;

  constructor(
    raw: unknown,
    readonly field: string,
    allowed: readonly string[],
  ) {
    if (raw === undefined || raw === null) this.obj = {};
    else if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidConfig(field, 'must be an object');
    else this.obj = raw as Record<string, unknown>;
    for (const key of Object.keys(this.obj)) {
      if (key === 'apiVersion' || key === 'kind') continue;
      if (!allowed.includes(key)) throw invalidConfig(`${field}.${key}`, 'unknown field');
    }
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  raw(key: string): unknown {
    return this.obj[key];
  }

  int(key: string, dflt: number, min: number, max: number): number {
    const v = this.obj[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidConfig(`${this.field}.${key}`, 'must be an integer');
    if (v < min || v > max) throw invalidConfig(`${this.field}.${key}`, `must be in the range [${min}, ${max}], got ${v}`);
    return v;
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.obj[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') throw invalidConfig(`${this.field}.${key}`, 'must be a boolean');
    return v;
  }

  string(key: string, dflt: string): string {
    const v = this.obj[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'string') throw invalidConfig(`${this.field}.${key}`, 'must be a string');
    return v;
  }

  strings(key: string): string[] {
    const v = this.obj[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw invalidConfig(`${this.field}.${key}`, 'must be a list of strings');
    return v as string[];
  }

  list(key: string): unknown[] {
    const v = this.obj[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw invalidConfig(`${this.field}.${key}`, 'must be a list');
    return v;
  }
}

/** Resource specs ({name, weight}) as NodeResourcesFit and BalancedAllocation take them. */
export function readResources(r: ArgsReader, key: string, dflt: { name: string; weight: number }[]): { name: string; weight: number }[] {
  if (!r.has(key)) return dflt.map((x) => ({ ...x }));
  const seen = new Set<string>();
  return r.list(key).map((item, i) => {
    const rr = new ArgsReader(item, `${r.field}.${key}[${i}]`, ['name', 'weight']);
    const name = rr.string('name', '');
    if (!name) throw invalidConfig(`${rr.field}.name`, 'is required');
    if (seen.has(name)) throw invalidConfig(`${rr.field}.name`, `duplicate resource "${name}"`);
    seen.add(name);
    // v1 defaulting turns an unset or zero weight into 1 before validation.
    const weight = rr.int('weight', 1, 0, 100);
    return { name, weight: weight === 0 ? 1 : weight };
  });
}
