/**
 * Collects validation failures by field path and turns them into one 422 Invalid Status, in the message forms the
 * real server prints ("spec.replicas: Invalid value: -1: must be greater than or equal to 0").
 */
import { invalid, type StatusCause, type StatusError } from '../errors.js';

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  message: string;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? `[]${typeof value[0]}` : 'object';
  return String(value);
}

/**
 * Values each format check has passed, so that the label keys, container names and images every object repeats
 * are not matched against the same regular expressions again. Checks are pure functions of the value.
 */
const passed = new WeakMap<(v: string) => string[], Set<string>>();
const MAX_PASSED_PER_CHECK = 4096;

export class FieldErrors {
  readonly list: FieldError[] = [];

  get empty(): boolean {
    return this.list.length === 0;
  }

  private add(type: FieldErrorType, field: string, message: string): this {
    this.list.push({ type, field, message });
    return this;
  }

  required(field: string, detail = ''): this {
    return this.add('FieldValueRequired', field, detail ? `Required value: ${detail}` : 'Required value');
  }

  invalid(field: string, value: unknown, detail: string): this {
    return this.add('FieldValueInvalid', field, `Invalid value: ${show(value)}: ${detail}`);
  }

  notSupported(field: string, value: unknown, supported: string[]): this {
    const list = supported.map((s) => JSON.stringify(s)).join(', ');
    return this.add('FieldValueNotSupported', field, `Unsupported value: ${show(value)}: supported values: ${list}`);
  }

  duplicate(field: string, value: unknown): this {
    return this.add('FieldValueDuplicate', field, `Duplicate value: ${show(value)}`);
  }

  forbidden(field: string, detail: string): this {
    return this.add('FieldValueForbidden', field, `Forbidden: ${detail}`);
  }

  tooLong(field: string, max: number): this {
    return this.add('FieldValueTooLong', field, `Too long: may not be more than ${max} bytes`);
  }

  tooMany(field: string, actual: number, max: number): this {
    return this.add('FieldValueTooMany', field, `Too many: ${actual}: must have at most ${max} items`);
  }

  notFound(field: string, value: unknown): this {
    return this.add('FieldValueNotFound', field, `Not found: ${show(value)}`);
  }

  immutable(field: string, value: unknown): this {
    return this.invalid(field, value, 'field is immutable');
  }

  /** Runs a name-format check and records each problem it reports as an invalid value. */
  check(field: string, value: string, checker: (v: string) => string[]): this {
    let ok = passed.get(checker);
    if (ok?.has(value)) return this;
    const problems = checker(value);
    if (problems.length === 0) {
      if (!ok) passed.set(checker, (ok = new Set()));
      if (ok.size >= MAX_PASSED_PER_CHECK) ok.clear();
      ok.add(value);
      return this;
    }
    for (const msg of problems) this.invalid(field, value, msg);
    return this;
  }

  merge(other: FieldErrors): this {
    this.list.push(...other.list);
    return this;
  }

  toStatusError(kind: string, group: string, name: string): StatusError {
    const causes: StatusCause[] = this.list.map((e) => ({ reason: e.type, message: e.message, field: e.field }));
    return invalid(kind, group, name, causes);
  }

  /** Throws the 422 when anything was recorded. */
  throwIfAny(kind: string, group: string, name: string): void {
    if (!this.empty) throw this.toStatusError(kind, group, name);
  }
}
