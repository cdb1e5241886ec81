import { afterEach, describe, expect, it } from 'vitest';
import { engineAvailability } from '../../test-util/engines.js';
import { rawEtcd, type RawEtcd } from '../../test-util/raw-etcd.js';
import { serveStore, type ServedStore } from '../../test-util/skiff-store-server.js';
import { eventually } from '@skiff/test-util';

/**
 * A progress response promises that every later event on the stream has a greater revision. That must hold even
 * while a watch is still replaying history (the store replays in chunks, between which progress can be asked for).
 */

const HISTORY = 3000;
const b = (s: string): Buffer => Buffer.from(s);

interface Seen {
  kind: 'events' | 'progress';
  revisions: number[];
}

for (const { kind, available, reason } of engineAvailability()) {
  describe.skipIf(!available)(`progress on skiff-store (${kind} engine) ${reason ?? ''}`, () => {
    let served: ServedStore | undefined;
    let raw: RawEtcd | undefined;
    afterEach(async () => {
      raw?.close();
      await served?.stop();
    });

    it('never reports progress past an event it has yet to send, while a watch replays a long history', async () => {
      served = await serveStore(kind, { progressNotifyIntervalMs: 5 });
      raw = rawEtcd(served.endpoint);
      for (let i = 0; i < HISTORY; i += 100) {
        const ops = Array.from({ length: 100 }, (_, j) => ({ request_put: { key: b(`h/${i + j}`), value: b('v') } }));
        // One txn per 100 keys would give few revisions; single puts give HISTORY of them, so use puts in parallel.
        await Promise.all(ops.map((op) => raw!.unary('KV', 'Put', op.request_put)));
      }
      const stream = raw.watch();
      const seen: Seen[] = [];
      stream.on('data', (r: { watch_id: string; created: boolean; header: { revision: string }; events: { kv: { mod_revision: string } }[] }) => {
        if (r.created) return;
        if (r.events.length > 0) seen.push({ kind: 'events', revisions: r.events.map((e) => Number(e.kv.mod_revision)) });
        else seen.push({ kind: 'progress', revisions: [Number(r.header.revision)] });
      });
      stream.on('error', () => {});
      stream.write({ create_request: { key: b('h/'), range_end: b('h0'), start_revision: 1, progress_notify: true } });
      // Ask for progress again and again while the history streams in.
      const asking = setInterval(() => stream.write({ progress_request: {} }), 1);
      try {
        await eventually(() => seen.flatMap((s) => (s.kind === 'events' ? s.revisions : [])).length === HISTORY, 'the whole history');
      } finally {
        clearInterval(asking);
        stream.cancel();
      }
      let promised = 0;
      for (const s of seen) {
        if (s.kind === 'progress') promised = Math.max(promised, s.revisions[0]!);
        else for (const rev of s.revisions) expect(rev, `an event at ${rev} after progress reported ${promised}`).toBeGreaterThan(promised);
      }
      expect(seen.some((s) => s.kind === 'progress')).toBe(true);
    }, 60_000);
  });
}
