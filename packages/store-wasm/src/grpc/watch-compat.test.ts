import type { ClientDuplexStream } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { engineAvailability } from '../../test-util/engines.js';
import { rawEtcd, type RawEtcd } from '../../test-util/raw-etcd.js';
import { realEtcdAvailability, startRealEtcd } from '../../test-util/real-etcd.js';
import { serveStore } from '../../test-util/skiff-store-server.js';
import { eventually } from '@skiff/test-util';

/**
 * The Watch stream at the wire: one scripted conversation (creates with automatic and chosen ids, a duplicate id,
 * an empty range, filters, prev_kv, cancel, a progress request, a compacted start, fragments, a periodic progress
 * notification), run against a real etcd and against skiff-store. Every response must be identical, apart from
 * the cluster and member ids and raft term in headers.
 */

const MAX_REQUEST_BYTES = 2048;
const PROGRESS_MS = 300;
const FRAGMENT_PUTS = 300;
const b = (s: string): Buffer => Buffer.from(s);

type Response = Record<string, unknown>;

/** Responses of one stream, taken in order as a script expects them. */
class Conversation {
  readonly received: Response[] = [];
  private taken = 0;

  constructor(readonly stream: ClientDuplexStream<object, Response>) {
    stream.on('data', (r: Response) => this.received.push(r));
    stream.on('error', () => {});
  }

  async take(n: number, what: string): Promise<Response[]> {
    await eventually(() => this.received.length >= this.taken + n, what);
    const got = this.received.slice(this.taken, this.taken + n);
    this.taken += n;
    return got;
  }

  /** Takes responses up to and including the first that matches. */
  async takeUntil(match: (r: Response) => boolean, what: string): Promise<Response[]> {
    await eventually(() => this.received.slice(this.taken).some(match), what);
    const end = this.received.findIndex((r, i) => i >= this.taken && match(r)) + 1;
    const got = this.received.slice(this.taken, end);
    this.taken = end;
    return got;
  }
}

function normalize(r: Response): Response {
  const header = r.header as Record<string, unknown> | null;
  return header ? { ...r, header: { ...header, cluster_id: '<id>', member_id: '<id>', raft_term: '<term>' } } : r;
}

async function script(raw: RawEtcd): Promise<Response[]> {
  const put = async (key: string, value: string) => expect((await raw.unary('KV', 'Put', { key: b(key), value: b(value) })).error).toBeUndefined();
  const log: Response[] = [];
  const c = new Conversation(raw.watch());
  const send = (req: object) => c.stream.write(req);
  try {
    await put('a', '1');
    await put('b', '1');
    await put('a', '2');
    send({ create_request: { key: b('a'), start_revision: 2, prev_kv: true } });
    log.push(...(await c.take(2, 'created + history of a')));
    send({ create_request: { key: b('a'), range_end: b('c'), watch_id: 7, filters: ['NODELETE'] } });
    send({ create_request: { key: b('b'), watch_id: 7 } });
    send({ create_request: { key: b('c'), range_end: b('a') } });
    log.push(...(await c.take(3, 'created, duplicate id, empty range')));
    await put('b', '2');
    log.push(...(await c.take(1, 'the put of b')));
    expect((await raw.unary('KV', 'DeleteRange', { key: b('a') })).error).toBeUndefined();
    log.push(...(await c.take(1, 'the delete of a')));
    send({ cancel_request: { watch_id: 0 } });
    log.push(...(await c.take(1, 'the cancel')));
    send({ progress_request: {} });
    log.push(...(await c.take(1, 'the progress response')));
    expect((await raw.unary('KV', 'Compact', { revision: 5 })).error).toBeUndefined();
    send({ create_request: { key: b('a'), start_revision: 3 } });
    log.push(...(await c.take(2, 'created + compacted')));
    // 300 writes (revisions 7..306) replayed as one response of ~570 KiB: over etcd's watch bound (request limit
    // + 512 KiB of gRPC overhead), so it comes in fragments.
    for (let i = 0; i < FRAGMENT_PUTS; i++) await put(`f${String(i).padStart(3, '0')}`, String.fromCharCode(0x61 + (i % 26)).repeat(1900));
    send({ create_request: { key: b('f'), range_end: b('g'), start_revision: 7, watch_id: 20, fragment: true } });
    log.push(...(await c.takeUntil((r) => r.watch_id === '20' && r.created !== true && r.fragment === false, 'every fragment')));
    send({ create_request: { key: b('p'), watch_id: 30, progress_notify: true } });
    log.push(...(await c.take(1, 'the progress-notify watch')));
    log.push(...(await c.takeUntil((r) => r.watch_id === '30', 'a periodic progress notification')));
    // Nothing else may have arrived: the last watch's event is the only response still to come.
    await put('b', 'end');
    log.push(...(await c.take(1, 'the final event')));
    expect(c.received).toHaveLength(log.length);
    return log.map(normalize);
  } finally {
    c.stream.cancel();
  }
}

const etcd = realEtcdAvailability();

describe.skipIf(!etcd.available)(`the Watch stream against a real etcd and skiff-store ${etcd.reason ?? ''}`, () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  let reference: Promise<Response[]> | undefined;
  /** etcd's side runs once, for whichever engine asks first. */
  async function fromEtcd(): Promise<Response[]> {
    reference ??= runOnEtcd();
    return reference;
  }

  async function runOnEtcd(): Promise<Response[]> {
    const real = await startRealEtcd({
      name: 'watch',
      args: [`--max-request-bytes=${MAX_REQUEST_BYTES}`, `--experimental-watch-progress-notify-interval=${PROGRESS_MS}ms`],
    });
    const raw = rawEtcd(real.endpoint);
    try {
      return await script(raw);
    } finally {
      raw.close();
      await real.stop();
    }
  }

  for (const e of engineAvailability()) {
    it.skipIf(!e.available)(`skiff-store on the ${e.kind} engine answers every watch request as etcd does ${e.reason ?? ''}`, async () => {
      const expected = await fromEtcd();
      // The reference itself must show what the script is about.
      expect(expected.filter((r) => r.fragment === true).length).toBeGreaterThan(0);
      expect(expected.flatMap((r) => (r.watch_id === '20' ? ((r.events as unknown[]) ?? []) : []))).toHaveLength(FRAGMENT_PUTS);
      expect(expected.some((r) => r.compact_revision === '5' && r.canceled === true)).toBe(true);
      const served = await serveStore(e.kind, { maxRequestBytes: MAX_REQUEST_BYTES, progressNotifyIntervalMs: PROGRESS_MS }, { maxRequestBytes: MAX_REQUEST_BYTES });
      stops.push(served.stop);
      const raw = rawEtcd(served.endpoint);
      stops.push(async () => raw.close());
      const actual = await script(raw);
      expect(actual).toEqual(expected);
    }, 60_000);
  }
});
