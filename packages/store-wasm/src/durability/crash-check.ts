import { fromUtf8 } from '../key-range.js';
import type { WatchEvent } from '../kv.js';
import type { LocalStore, Store } from '../store.js';
import type { CrashLine, CrashOp } from './crash-protocol.js';

/** Every write the children tried and every acknowledgement they printed, across all crash cycles. */
export class CrashLedger {
  readonly tries = new Map<string, CrashOp>();
  readonly acks = new Map<string, CrashLine>();

  record(line: CrashLine): void {
    if (line.t === 'try') this.tries.set(line.id!, line.op!);
    else if (line.t === 'ack') this.acks.set(line.id!, line);
  }
}

const describeEvent = (e: WatchEvent) => `${e.type.toLowerCase()} ${fromUtf8(e.kv.key)}${e.type === 'PUT' ? `=${fromUtf8(e.kv.value).split('|')[0]} lease ${e.kv.lease}` : ''}`;

/** What an acknowledged op must have left at its revision, as describeEvent() prints it; undefined: nothing to check. */
function expectedEvents(id: string, op: CrashOp, ack: CrashLine): string[] | undefined {
  switch (op.kind) {
    case 'put':
      return [`put ${op.key}=${id} lease ${op.lease}`];
    case 'del':
      return ack.deleted ? [`delete ${op.key}`] : undefined;
    case 'txn':
      return (ack.succeeded ? op.then : op.else).map((p) => `put ${p.key}=${id} lease 0`);
    default:
      return undefined;
  }
}

/**
 * Checks a store recovered after a crash against the ledger. Returns the problems found, empty when:
 *  - every acknowledged write is there at its acknowledged revision, exactly (no more, no less at that revision);
 *  - revisions run 2..current without a gap, and each one is the whole effect of one write that was tried
 *    (no partial record applied, nothing invented, nothing applied twice);
 *  - acknowledged leases exist unless a revoke was tried, acknowledged revokes are gone;
 *  - the current value of every key is the last change in its history.
 */
export async function checkRecovered(store: LocalStore, ledger: CrashLedger): Promise<string[]> {
  const problems: string[] = [];
  const current = store.localStatus().revision;
  const byRev = new Map<number, WatchEvent[]>();
  for (const e of history(store, current)) {
    const list = byRev.get(e.kv.modRevision) ?? [];
    list.push(e);
    byRev.set(e.kv.modRevision, list);
  }
  for (let rev = 2; rev <= current; rev++) if (!byRev.has(rev)) problems.push(`revision ${rev} holds no change: revisions are not contiguous`);

  const appliedAt = new Map<string, number>();
  const deleters = new DeleteSources(ledger);
  for (const [rev, events] of byRev) {
    const ids = new Set(events.filter((e) => e.type === 'PUT').map((e) => fromUtf8(e.kv.value).split('|')[0]!));
    if (ids.size > 1) problems.push(`revision ${rev} mixes writes ${[...ids].join(', ')}`);
    for (const id of ids) {
      if (!ledger.tries.has(id)) problems.push(`revision ${rev} holds write ${id}, which was never tried`);
      if (appliedAt.has(id)) problems.push(`write ${id} applied twice, at ${appliedAt.get(id)} and ${rev}`);
      appliedAt.set(id, rev);
    }
    if (ids.size === 0 && !deleters.explain(events, rev)) problems.push(`revision ${rev} deletes ${events.map(describeEvent).join(', ')} for no tried write`);
  }

  let maxAcked = 0;
  const leases = new Set(await store.leases());
  const revokesTried = new Set([...ledger.tries.values()].filter((op) => op.kind === 'revoke').map((op) => (op as { lease: number }).lease));
  for (const [id, ack] of ledger.acks) {
    const op = ledger.tries.get(id);
    if (!op) {
      problems.push(`write ${id} acknowledged but never tried`);
      continue;
    }
    maxAcked = Math.max(maxAcked, ack.rev ?? 0);
    const want = expectedEvents(id, op, ack);
    if (want) {
      const got = (byRev.get(ack.rev!) ?? []).map(describeEvent);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        problems.push(`acknowledged ${op.kind} ${id} at revision ${ack.rev}: expected [${want.join('; ')}], found [${got.join('; ')}]`);
      }
    }
    if (op.kind === 'grant' && !revokesTried.has(op.lease) && !leases.has(op.lease)) problems.push(`acknowledged lease ${op.lease} (${id}) is missing`);
    if (op.kind === 'revoke' && leases.has(op.lease)) problems.push(`lease ${op.lease} is back although its revoke ${id} was acknowledged`);
  }
  if (current < maxAcked) problems.push(`store is at revision ${current}, below the acknowledged revision ${maxAcked}`);

  const last = new Map<string, WatchEvent>();
  for (const rev of [...byRev.keys()].sort((a, b) => a - b)) for (const e of byRev.get(rev)!) last.set(fromUtf8(e.kv.key), e);
  const now = await store.range(new TextEncoder().encode('/crash/'), new TextEncoder().encode('/crash0'));
  const live = new Map(now.kvs.map((kv) => [fromUtf8(kv.key), kv]));
  for (const [key, e] of last) {
    const kv = live.get(key);
    if (e.type === 'DELETE' ? kv !== undefined : kv?.modRevision !== e.kv.modRevision) problems.push(`key ${key} does not match its last change (${describeEvent(e)} at ${e.kv.modRevision})`);
  }
  if (live.size !== [...last.values()].filter((e) => e.type === 'PUT').length) problems.push('the live keys differ from the history');
  return problems;
}

/** Every change from revision 2 to `current`, read a page at a time as the engine contract allows. */
function* history(store: LocalStore, current: number): Generator<WatchEvent> {
  for (let from = 2; from <= current; ) {
    const page = store.engine.changes(from, current, { limit: HISTORY_PAGE });
    if (page.length === 0) return;
    yield* page;
    from = page[page.length - 1]!.kv.modRevision + 1;
  }
}

const HISTORY_PAGE = 500;

/** Who could have deleted a key: tried deleteRanges by key, tried revokes by the writer owning the lease's keys. */
class DeleteSources {
  private readonly dels = new Map<string, string[]>();
  private readonly revokes = new Map<string, string[]>();

  constructor(private readonly ledger: CrashLedger) {
    for (const [id, op] of ledger.tries) {
      if (op.kind === 'del') push(this.dels, op.key, id);
      // Writer w's lease ids are (cycle * 1000 + w) * 100000 + n + 1 (crash-writer.ts); its keys are /crash/w<w>/...
      if (op.kind === 'revoke') push(this.revokes, `/crash/w${Math.floor(op.lease / 100_000) % 1000}/`, id);
    }
  }

  /** A revision of deletes only: a tried deleteRange of that one key, or a tried revoke of that writer's lease. */
  explain(events: WatchEvent[], rev: number): boolean {
    const keys = events.map((e) => fromUtf8(e.kv.key));
    const possible = (ids: string[] | undefined) => (ids ?? []).some((id) => [undefined, rev].includes(this.ledger.acks.get(id)?.rev));
    if (keys.length === 1 && possible(this.dels.get(keys[0]!))) return true;
    const prefix = keys[0]!.slice(0, keys[0]!.indexOf('/', '/crash/'.length) + 1);
    return keys.every((k) => k.startsWith(prefix)) && possible(this.revokes.get(prefix));
  }
}

function push(map: Map<string, string[]>, key: string, id: string): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}
