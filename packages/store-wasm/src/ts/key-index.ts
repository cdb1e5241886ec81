import { keyStringBytes } from './key-string.js';
import type { RevisionLog } from './revision-log.js';

/**
 * The history of one key, as etcd's keyIndex keeps it: a list of generations, each running from the put that
 * (re)created the key to the tombstone that deleted it. The last generation is open (no tombstone yet) and may be
 * empty. A generation carries the revision that created it and how many changes it has seen (its version).
 *
 * Here a key's revisions are a chain through the RevisionLog, newest first: `head` is the newest slot and
 * log.prev[slot] the one before it. Generations are the runs of that chain cut after each tombstone. Each slot
 * carries what etcd stores with every revision (create revision, version, lease, value), so a generation's
 * created revision and version are those of its revisions. A chain instead of an array per key keeps a key at
 * three small fields, which matters at a million keys (every full GC walks every object), and makes "the revision
 * before this one" (watch prevKv) one load.
 *
 * Worked example: put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0) on key "foo" gives
 *
 *   chain:        head -> 5.0(t) -> 4.0 -> 3.0(t) -> 2.0 -> 1.0
 *   generations:  {1.0, 2.0, 3.0(t)}  {4.0, 5.0(t)}  {}        created 1 then 4; the last one open and empty
 *
 * Reading at revision r takes the newest revision with main <= r; a tombstone there means "absent":
 *   at 2 -> 2.0 (version 2), at 3 -> absent, at 4 -> 4.0 (version 1, created 4), at 6 -> absent.
 *
 * compact(r) removes every revision <= r except the newest one at or below r, and removes that one too if it is
 * a tombstone (nothing before it can be read any more). Generations left empty disappear; a key with no revision
 * left is removed from the index by the caller.
 *   compact(2):  {2.0, 3.0(t)}  {4.0, 5.0(t)}  {}
 *   compact(4):  {4.0, 5.0(t)}  {}
 *   compact(5):  {}  -> the key is gone
 * Reads at every r' >= r give the same answers before and after.
 */
export class KeyIndex {
  /** The newest stored revision's slot, -1 when none is left. */
  head = -1;
  /**
   * The head's main revision and whether it is live (not a tombstone), copied out of the log: a range walk asks
   * "live now?" of every key it passes, and answering from the index entry spares a cache miss per key.
   */
  headMain = 0;
  headLive = false;
  /** Compaction pass that last visited this key (so a pass visits each key once). */
  mark = 0;

  constructor(
    /** The key as a latin1 string (key-string.ts): its place in the B+tree, and its bytes. */
    readonly id: string,
    /** hashBytes of the key, kept for the hash table. */
    readonly hash: number,
  ) {}

  /** A fresh copy of the key's bytes. */
  keyBytes(): Uint8Array {
    return keyStringBytes(this.id);
  }

  /** Record a new newest revision (its row already written). */
  push(log: RevisionLog, slot: number): void {
    log.setPrev(slot, this.head);
    this.setHead(log, slot);
  }

  /** The slot holding the key's state as of main revision `at`, or -1 if the key was absent then. */
  visibleAt(log: RevisionLog, at: number): number {
    if (this.headMain <= at) return this.headLive ? this.head : -1;
    let slot = this.head;
    while (slot >= 0 && log.main(slot) > at) slot = log.prev(slot);
    return slot >= 0 && !log.isTombstone(slot) ? slot : -1;
  }

  /** The slot of the key's current state, or -1 if it is deleted (or has no revisions). */
  latest(): number {
    return this.headLive ? this.head : -1;
  }

  /** The revision stored just before `slot` in this key's history, or -1 if slot starts what is left of it. */
  previous(log: RevisionLog, slot: number): number {
    return log.prev(slot);
  }

  /**
   * Cut off the revisions compact(at) removes (see above). Returns the newest of them, or -1 if none: they stay
   * chained through log.prev, oldest last, for the caller to free. The key has no revision left when head < 0.
   */
  compact(log: RevisionLog, at: number): number {
    let newer = -1;
    let keep = this.head;
    while (keep >= 0 && log.main(keep) > at) {
      newer = keep;
      keep = log.prev(keep);
    }
    if (keep < 0) return -1;
    if (log.isTombstone(keep)) {
      // Nothing at or before a tombstone can be read at `at` or later: it goes too.
      if (newer >= 0) log.setPrev(newer, -1);
      else this.setHead(log, -1);
      return keep;
    }
    const dropped = log.prev(keep);
    log.setPrev(keep, -1);
    return dropped;
  }

  /**
   * The generations, oldest first, each as the main.sub revisions of its slots with "(t)" on tombstones (the
   * notation of the example above). For tests and debugging.
   */
  generations(log: RevisionLog): string[][] {
    const chain: number[] = [];
    for (let s = this.head; s >= 0; s = log.prev(s)) chain.push(s);
    const gens: string[][] = [[]];
    for (const slot of chain.reverse()) {
      const tomb = log.isTombstone(slot);
      gens[gens.length - 1]!.push(`${log.main(slot)}.${log.sub(slot)}${tomb ? '(t)' : ''}`);
      if (tomb) gens.push([]);
    }
    return gens;
  }

  private setHead(log: RevisionLog, slot: number): void {
    this.head = slot;
    this.headMain = slot >= 0 ? log.main(slot) : 0;
    this.headLive = slot >= 0 && !log.isTombstone(slot);
  }
}
