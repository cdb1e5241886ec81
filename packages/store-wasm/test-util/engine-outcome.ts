import type { MvccEngine } from '../src/engine.js';
import { isStoreError } from '../src/errors.js';
import type { Op } from './mvcc-ops.js';
import { rangeEndOf, resolveRevision } from './mvcc-ops.js';

/**
 * Running one generated Op on an engine and turning what happened into plain, comparable data: results with
 * bytes as hex strings and absent fields dropped, or the StoreError's code and details. Anything other than a
 * StoreError is a crash and is rethrown.
 */

export type Outcome = { ok: unknown } | { error: string; details: unknown };

/** Plain data for toEqual: Uint8Array -> "hex:..", undefined properties dropped, arrays and objects recursed. */
export function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return `hex:${Buffer.from(v.buffer, v.byteOffset, v.length).toString('hex')}`;
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = plain(x);
    return out;
  }
  return v;
}

/**
 * Overwrite every byte array inside a result. Run after recording an outcome: if an engine handed out its own
 * storage, later reads will differ from the reference model's.
 */
export function scribble(v: unknown): void {
  if (v instanceof Uint8Array) v.fill(0xee);
  else if (Array.isArray(v)) v.forEach(scribble);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) scribble(x);
}

/** The revisions an op's RevisionChoices resolve to, from the store's state before it runs. */
export interface RevisionContext {
  current: number;
  compacted: number;
}

/**
 * Apply op to engine (dumpLoad is the caller's: it replaces the engine). The op is cloned first and the clone's
 * bytes scribbled afterwards, so an engine that kept a caller's buffer instead of copying it is caught too.
 */
export function runOp(engine: MvccEngine, op: Exclude<Op, { op: 'dumpLoad' }>, ctx: RevisionContext): Outcome {
  const own = structuredClone(op);
  try {
    const result = dispatch(engine, own, ctx);
    const out = plain(result);
    scribble(result);
    return { ok: out };
  } catch (err) {
    if (isStoreError(err)) return { error: err.code, details: plain(err.details) };
    throw err;
  } finally {
    scribble(own);
  }
}

function dispatch(engine: MvccEngine, op: Exclude<Op, { op: 'dumpLoad' }>, ctx: RevisionContext): unknown {
  const rev = (c: Parameters<typeof resolveRevision>[0]): number => resolveRevision(c, ctx.current, ctx.compacted);
  switch (op.op) {
    case 'put':
      return engine.put(op.key, op.value, {
        lease: op.lease,
        prevKv: op.prevKv,
        ignoreValue: op.ignoreValue,
        ignoreLease: op.ignoreLease,
      });
    case 'deleteRange':
      return engine.deleteRange(op.key, rangeEndOf(op.key, op.end), { prevKv: op.prevKv });
    case 'range':
      return engine.range(op.key, rangeEndOf(op.key, op.end), {
        revision: op.revision === null ? 0 : rev(op.revision),
        limit: op.limit,
        keysOnly: op.keysOnly,
        countOnly: op.countOnly,
      });
    case 'txn':
      return engine.txn(op.txn);
    case 'compact':
      engine.compact(rev(op.revision));
      return null;
    case 'changes':
      return engine.changes(rev(op.from), rev(op.to), {
        ...(op.filter ? { key: op.filter.key, rangeEnd: rangeEndOf(op.filter.key, op.filter.end) } : {}),
        prevKv: op.prevKv,
        limit: op.limit,
      });
  }
}

/** What stats() must agree on (memoryBytes is each engine's own estimate). */
export function comparableState(engine: MvccEngine): unknown {
  const { keys, revisions } = engine.stats();
  return { current: engine.currentRevision(), compacted: engine.compactRevision(), keys, revisions };
}

/** The whole dump as plain data. */
export function plainDump(engine: MvccEngine): unknown {
  const { header, records } = engine.dump();
  return { header, records: [...records].map(plain) };
}
