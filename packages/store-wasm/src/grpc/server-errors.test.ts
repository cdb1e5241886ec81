import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { engineAvailability } from '../../test-util/engines.js';
import { rawBytesClient, rawEtcd, type RawEtcd } from '../../test-util/raw-etcd.js';
import { serveStore, type ServedStore } from '../../test-util/skiff-store-server.js';
import { eventually } from '@skiff/test-util';

/**
 * Bad requests get etcd's errors, and none of them stops the server or loses a write: after each case the server
 * still answers, and every write it acknowledged is there.
 */

const available = engineAvailability().filter((e) => e.available);
const b = (s: string): Buffer => Buffer.from(s);

for (const { kind } of available) {
  describe(`skiff-store (${kind} engine) under bad requests`, () => {
    let served: ServedStore | undefined;
    let raw: RawEtcd | undefined;
    let acknowledged = 0;

    afterEach(async () => {
      raw?.close();
      await served?.stop();
      served = undefined;
    });

    async function start(opts: Parameters<typeof serveStore>[1] = {}): Promise<RawEtcd> {
      served = await serveStore(kind, opts);
      raw = rawEtcd(served.endpoint);
      acknowledged = 0;
      return raw;
    }

    /** A write that must succeed; counted, so the end state can be checked. */
    async function goodPut(name: string): Promise<void> {
      const r = await raw!.unary('KV', 'Put', { key: b(`ack/${name}`), value: b('v') });
      expect(r.error).toBeUndefined();
      acknowledged++;
    }

    /** The server still serves, and holds every acknowledged write. */
    async function stillServing(): Promise<void> {
      await goodPut(`after-${acknowledged}`);
      const r = await raw!.unary<{ count: string }>('KV', 'Range', { key: b('ack/'), range_end: b('ack0'), count_only: true });
      expect(r.res?.count).toBe(String(acknowledged));
    }

    const refusals: { name: string; method: [service: 'KV' | 'Lease', method: string]; req: () => object; code: status; details: string | RegExp }[] = [
      {
        name: 'a put above the gRPC message limit (request limit + 512 KiB)',
        method: ['KV', 'Put'],
        req: () => ({ key: b('big'), value: Buffer.alloc(2_200_000) }),
        code: status.RESOURCE_EXHAUSTED,
        details: /larger than max/i,
      },
      {
        name: 'a put above the request limit but within the gRPC limit',
        method: ['KV', 'Put'],
        req: () => ({ key: b('big'), value: Buffer.alloc(1_600_000) }),
        code: status.INVALID_ARGUMENT,
        details: 'etcdserver: request is too large',
      },
      {
        name: 'a txn with 129 operations in a branch',
        method: ['KV', 'Txn'],
        req: () => ({ success: Array.from({ length: 129 }, (_, i) => ({ request_put: { key: b(`t/${i}`), value: b('x') } })) }),
        code: status.INVALID_ARGUMENT,
        details: 'etcdserver: too many operations in txn request',
      },
      {
        name: 'a txn putting one key twice',
        method: ['KV', 'Txn'],
        req: () => ({ success: [{ request_put: { key: b('d'), value: b('1') } }, { request_put: { key: b('d'), value: b('2') } }] }),
        code: status.INVALID_ARGUMENT,
        details: 'etcdserver: duplicate key given in txn request',
      },
      {
        name: 'a txn with an op that names no request',
        method: ['KV', 'Txn'],
        req: () => ({ success: [{}] }),
        code: status.INVALID_ARGUMENT,
        details: 'etcdserver: request op has no request set',
      },
      {
        name: 'a range with an unknown sort order',
        method: ['KV', 'Range'],
        req: () => ({ key: b('a'), sort_order: 7 }),
        code: status.INVALID_ARGUMENT,
        details: 'etcdserver: invalid sort option',
      },
      { name: 'a range of the empty key', method: ['KV', 'Range'], req: () => ({ key: b('') }), code: status.INVALID_ARGUMENT, details: 'etcdserver: key is not provided' },
      { name: 'a read of a future revision', method: ['KV', 'Range'], req: () => ({ key: b('a'), revision: 1000 }), code: status.OUT_OF_RANGE, details: 'etcdserver: mvcc: required revision is a future revision' },
      { name: 'revoking a lease id beyond 2^53', method: ['Lease', 'LeaseRevoke'], req: () => ({ ID: '9007199254740993' }), code: status.NOT_FOUND, details: 'etcdserver: requested lease not found' },
      { name: 'granting a lease id beyond 2^53', method: ['Lease', 'LeaseGrant'], req: () => ({ TTL: 10, ID: '9007199254740993' }), code: status.INVALID_ARGUMENT, details: /below 2\^53/ },
    ];

    for (const r of refusals) {
      it(`refuses ${r.name} with etcd's status and keeps serving`, async () => {
        await start();
        await goodPut('before');
        const res = await raw!.unary(r.method[0], r.method[1], r.req());
        expect(res.error?.code).toBe(r.code);
        if (typeof r.details === 'string') expect(res.error?.details).toBe(r.details);
        else expect(res.error?.details).toMatch(r.details);
        await stillServing();
      });
    }

    it('ends only the stream that sent bytes that are not a protobuf message, and keeps serving', async () => {
      await start();
      const watch = raw!.watch();
      const events: unknown[] = [];
      watch.on('data', (m) => events.push(m));
      watch.on('error', () => {});
      watch.write({ create_request: { key: b('g/'), range_end: b('g0') } });
      await eventually(() => events.length === 1, 'the created response');

      const garbage = rawBytesClient(served!.endpoint);
      try {
        const unary = await garbage.unary('/etcdserverpb.KV/Put', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
        expect(unary?.code).toBe(status.INTERNAL);
        const stream = garbage.stream('/etcdserverpb.Watch/Watch');
        const ended = new Promise<number>((resolve) => {
          stream.on('error', (e: { code: number }) => resolve(e.code));
          stream.on('data', () => {});
        });
        stream.write(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff]));
        expect(await ended).toBe(status.INTERNAL);
      } finally {
        garbage.close();
      }
      // The well-behaved stream still gets its events.
      expect((await raw!.unary('KV', 'Put', { key: b('g/1'), value: b('v') })).error).toBeUndefined();
      await eventually(() => events.length === 2, 'the event on the healthy stream');
      watch.cancel();
      await stillServing();
    });

    it('ignores a watch request with nothing set, as etcd does, and the stream keeps working', async () => {
      await start();
      const watch = raw!.watch();
      const got: Record<string, unknown>[] = [];
      watch.on('data', (m) => got.push(m));
      watch.on('error', () => {});
      watch.write({});
      watch.write({ create_request: { key: b('e') } });
      await eventually(() => got.length === 1, 'the created response');
      expect(got[0]).toMatchObject({ created: true, watch_id: '0' });
      watch.cancel();
      await stillServing();
    });

    it('cuts off a watch client that stops reading instead of buffering for it without bound', async () => {
      await start({ maxQueuedWatchBytes: 256 * 1024 });
      const slow = raw!.watch();
      let created = false;
      let failure: { code: number; details: string } | undefined;
      slow.on('data', () => (created = true));
      slow.on('error', (e: { code: number; details: string }) => (failure = e));
      slow.write({ create_request: { key: b('s/'), range_end: b('s0') } });
      await eventually(() => created, 'the created response');
      slow.pause(); // from here on the client reads nothing
      const value = Buffer.alloc(64 * 1024, 1);
      let written = 0;
      for (let i = 0; i < 200 && served!.server.stats().watches > 0; i++) {
        const r = await raw!.unary('KV', 'Put', { key: b(`s/${i}`), value });
        expect(r.error).toBeUndefined();
        written++;
      }
      expect(served!.server.stats().watches).toBe(0);
      const kept = await raw!.unary<{ count: string }>('KV', 'Range', { key: b('s/'), range_end: b('s0'), count_only: true });
      expect(kept.res?.count).toBe(String(written));
      slow.resume();
      await eventually(() => failure !== undefined, 'the slow stream to end');
      expect(failure!.code).toBe(status.RESOURCE_EXHAUSTED);
      await stillServing();
    });

    it('forgets every watch of a stream the client cancels', async () => {
      await start();
      const watch = raw!.watch();
      let created = 0;
      watch.on('data', (m: { created?: boolean }) => (created += m.created ? 1 : 0));
      watch.on('error', () => {});
      for (let i = 0; i < 10; i++) watch.write({ create_request: { key: b(`c/${i}`) } });
      await eventually(() => created === 10, 'ten created responses');
      expect(served!.server.stats().watches).toBe(10);
      watch.cancel();
      await eventually(() => served!.server.stats().watches === 0, 'the server to drop the watches');
      await stillServing();
    });
  });
}

describe('the error-path tests', () => {
  it('have an engine to run on', () => {
    expect(available.length).toBeGreaterThan(0);
  });
});

