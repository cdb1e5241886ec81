import type { KeyIndex } from './key-index.js';
import type { TsState } from './ts-state.js';

/**
 * compact(at): drop history no read at a revision >= at can reach (KeyIndex.compact states the rule per key), free
 * its slots and value bytes, and remove keys left with no revision.
 *
 * Only keys changed since the previous compaction need a visit. After compact(p), each key has at most one
 * revision <= p, and it is not a tombstone; if the key has no revision in (p, at], that one is still its newest at
 * or below `at` and stays. So the pass walks the change log over (p, at] instead of every key, which is the
 * difference between O(changes) and O(keys) for the periodic compactions a Kubernetes apiserver issues.
 */
export function compactState(state: TsState, at: number): void {
  const log = state.log;
  const from = log.lowerBound(state.compacted + 1);
  const to = log.lowerBound(at + 1);
  const pass = ++state.compactionPasses;
  const order = log.order;
  for (let pos = from; pos < to; pos++) {
    // A slot freed earlier in this pass has no owner any more; its key has been compacted already.
    const ki = log.owner[order[pos]!];
    if (!ki || ki.mark === pass) continue;
    ki.mark = pass;
    compactKey(state, ki, at);
  }
  log.sweep(to);
  state.compacted = at;
  if (state.arena.markSparse()) evacuateValues(state);
}

/** Compact one key's history at `at`, free what it drops, and forget the key if nothing is left. */
export function compactKey(state: TsState, ki: KeyIndex, at: number): void {
  const log = state.log;
  const arena = state.arena;
  for (let slot = ki.compact(log, at); slot >= 0; ) {
    const older = log.prev(slot);
    arena.release(log.valueSlab(slot), log.valueLength(slot));
    log.free(slot);
    slot = older;
  }
  if (ki.head < 0) state.dropKey(ki);
}

/** Copy the values still live in slabs marked sparse to the current slab, so the sparse slabs are dropped. */
function evacuateValues(state: TsState): void {
  const log = state.log;
  const arena = state.arena;
  const order = log.order;
  for (let pos = 0; pos < log.orderLength; pos++) {
    const slot = order[pos]!;
    const slab = log.valueSlab(slot);
    if (!arena.isEvacuating(slab)) continue;
    const off = log.valueOffset(slot);
    const len = log.valueLength(slot);
    arena.store(arena.bytes(slab), off, off + len);
    arena.release(slab, len);
    log.setValue(slot, arena.slab, arena.offset, len);
  }
}
