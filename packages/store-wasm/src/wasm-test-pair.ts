import { expect } from 'vitest';
import { ReferenceModel } from '../test-util/reference-model.js';
import type { EngineOptions, MvccEngine } from './engine.js';
import { isStoreError } from './errors.js';
import { utf8 } from './key-range.js';
import { type WasmEngineOptions, createWasmEngine } from './wasm.js';

/**
 * Test support for the wasm engine's tests: the engine and the ReferenceModel side by side. `both(f)` runs f on
 * each and requires deep-equal outcomes (the same result, or a StoreError with the same code and details).
 */

export type Outcome<T> = { ok: T } | { err: { code: string; details: unknown } };

/**
 * A deep copy fit for fast deep-equal: every Uint8Array becomes "<class>:<hex>" (vitest compares typed arrays
 * element by element, which takes seconds on megabytes of values), iterables become arrays.
 */
export function plain(x: unknown): unknown {
  if (x instanceof Uint8Array) return `${x.constructor.name}:${Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('hex')}`;
  if (Array.isArray(x)) return x.map(plain);
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = plain(v);
    return out;
  }
  return x;
}

export function outcome<T>(f: () => T): Outcome<T> {
  try {
    return { ok: f() };
  } catch (e) {
    if (!isStoreError(e)) throw e;
    return { err: { code: e.code, details: e.details } };
  }
}

export class EnginePair {
  readonly wasm: MvccEngine;
  readonly model: ReferenceModel;

  constructor(opts: EngineOptions & WasmEngineOptions = {}) {
    this.wasm = createWasmEngine(opts);
    this.model = new ReferenceModel(opts);
  }

  /** Runs f on both engines and returns the wasm engine's outcome after checking it equals the model's. */
  both<T>(f: (e: MvccEngine) => T, what = 'outcome'): Outcome<T> {
    const want = outcome(() => f(this.model));
    const got = outcome(() => f(this.wasm));
    expect(plain(got), what).toEqual(plain(want));
    return got;
  }

  /** Runs f on both engines, which must both succeed with equal results; returns the result. */
  ok<T>(f: (e: MvccEngine) => T, what = 'result'): T {
    const got = this.both(f, what);
    if (!('ok' in got)) throw new Error(`${what}: failed with ${got.err.code}`);
    return got.ok;
  }

  /** Runs f on both engines, which must both fail with StoreError `code`. */
  fails(f: (e: MvccEngine) => unknown, code: string, what = 'error'): void {
    const got = this.both(f, what);
    expect('err' in got ? got.err.code : 'no error', what).toBe(code);
  }

  /** Both engines hold the same history (dump records) and stats. */
  same(what = 'state'): void {
    expect(plain([...this.wasm.dump().records]), `${what}: dump`).toEqual(plain([...this.model.dump().records]));
    const { keys, revisions } = this.model.stats();
    expect(this.wasm.stats(), `${what}: stats`).toMatchObject({ keys, revisions });
    expect(this.wasm.currentRevision(), `${what}: revision`).toBe(this.model.currentRevision());
    expect(this.wasm.compactRevision(), `${what}: compacted`).toBe(this.model.compactRevision());
  }

  close(): void {
    this.wasm.close();
    this.model.close();
  }
}

/** UTF-8 bytes; keeps table rows short. */
export const b = utf8;
