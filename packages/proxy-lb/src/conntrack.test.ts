import { describe, expect, it } from 'vitest';
import { coreFor, engines, flow, serviceWith } from '../test-util/core-builders.js';
import { NO_BACKEND, TABLE_FULL } from './status.js';

describe.each(engines)('connection table (%s engine)', (engine) => {
  it('keeps a tracked flow on its backend while backends are added and the scheduler changes', () => {
    const core = coreFor(engine);
    const { svc } = serviceWith(core, 'mh', [1, 1, 1]);
    const flows = Array.from({ length: 300 }, (_, i) => flow(i));
    const first = flows.map((f) => core.lookup(svc, f, 0));
    for (let i = 0; i < 5; i++) core.addBackend(svc, { id1: 1000 + i, id2: 77 * i });
    core.configureService(svc, { scheduler: 'rr' });
    expect(flows.map((f) => core.lookup(svc, f, 1))).toEqual(first);
  });

  it('keeps flows on a draining backend but sends it no new flow', () => {
    const core = coreFor(engine);
    const { svc, backends: [a, b] } = serviceWith(core, 'rr', [1, 1]);
    expect(core.lookup(svc, flow(1), 0)).toBe(a);
    core.setDraining(a, true);
    expect(core.lookup(svc, flow(1), 1)).toBe(a);
    expect([2, 3, 4].map((i) => core.lookup(svc, flow(i), 1))).toEqual([b, b, b]);
    expect(core.backendCounts(a).active).toBe(1);
  });

  it('moves a flow whose backend was removed to another backend on its next lookup', () => {
    const core = coreFor(engine);
    const { svc, backends: [a, b] } = serviceWith(core, 'rr', [1, 1]);
    expect(core.lookup(svc, flow(1), 0)).toBe(a);
    core.removeBackend(a);
    expect(core.flowBackend(svc, flow(1), 1)).toBe(NO_BACKEND);
    expect(core.lookup(svc, flow(1), 1)).toBe(b);
  });

  it('never hands a flow the new backend that reuses a removed backend slot', () => {
    const core = coreFor(engine);
    const one = serviceWith(core, 'rr', [1]);
    expect(core.lookup(one.svc, flow(1), 0)).toBe(one.backends[0]);
    core.removeBackend(one.backends[0]);
    const reused = core.addBackend(one.svc, { id1: 5, id2: 6 });
    expect(reused).toBe(one.backends[0]);
    expect(core.flowBackend(one.svc, flow(1), 0)).toBe(NO_BACKEND);
    expect(core.backendCounts(reused).active).toBe(0);
  });

  it('forgets idle UDP flows after the flow timeout and refreshes them on use', () => {
    const core = coreFor(engine);
    const { svc, backends: [a, b] } = serviceWith(core, 'rr', [1, 1], { protocol: 'udp', flowTimeoutMs: 1000 });
    expect(core.lookup(svc, flow(1), 0)).toBe(a);
    expect(core.lookup(svc, flow(1), 900)).toBe(a);
    expect(core.flowBackend(svc, flow(1), 1899)).toBe(a);
    expect(core.flowBackend(svc, flow(1), 1900)).toBe(NO_BACKEND);
    expect(core.lookup(svc, flow(1), 1900)).toBe(b);
    expect(core.backendCounts(a).inactive).toBe(0);
    expect(core.backendCounts(b).inactive).toBe(1);
  });

  it('keeps TCP flows until released, however long they idle', () => {
    const core = coreFor(engine);
    const { svc, backends: [a] } = serviceWith(core, 'rr', [1, 1]);
    expect(core.lookup(svc, flow(1), 0)).toBe(a);
    expect(core.flowBackend(svc, flow(1), 1e12)).toBe(a);
    expect(core.sweep(1e12, 10_000)).toBe(0);
    expect(core.release(svc, flow(1))).toBe(true);
    expect(core.release(svc, flow(1))).toBe(false);
    expect(core.backendCounts(a).active).toBe(0);
    expect(core.flowCount()).toBe(0);
  });

  it('keeps a client on one backend across its flows while affinity lasts', () => {
    const core = coreFor(engine);
    const { svc } = serviceWith(core, 'rr', [1, 1, 1], { affinityTimeoutMs: 10_000 });
    // Flows 0..3 share client 0, flows 4..7 client 1.
    const got = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => core.lookup(svc, flow(i, 4), i));
    expect(new Set(got.slice(0, 4)).size).toBe(1);
    expect(new Set(got.slice(4)).size).toBe(1);
    expect(got[0]).not.toBe(got[4]);
    expect(core.backendCounts(got[0]).persistent).toBe(1);
  });

  it('lets affinity lapse after the timeout since the client last opened a flow', () => {
    const core = coreFor(engine);
    const { svc, backends: [a, b] } = serviceWith(core, 'rr', [1, 1], { affinityTimeoutMs: 1000 });
    expect(core.lookup(svc, flow(0, 10), 0)).toBe(a);
    expect(core.lookup(svc, flow(1, 10), 999)).toBe(a);
    expect(core.lookup(svc, flow(2, 10), 1998)).toBe(a);
    expect(core.lookup(svc, flow(3, 10), 2998)).toBe(b);
    expect(core.backendCounts(a).persistent).toBe(0);
    expect(core.backendCounts(b).persistent).toBe(1);
  });

  it('does not send new flows of an affine client to its backend once that backend drains', () => {
    const core = coreFor(engine);
    const { svc, backends: [a, b] } = serviceWith(core, 'rr', [1, 1], { affinityTimeoutMs: 60_000 });
    expect(core.lookup(svc, flow(0, 10), 0)).toBe(a);
    core.setDraining(a, true);
    expect(core.lookup(svc, flow(0, 10), 1)).toBe(a);
    expect(core.lookup(svc, flow(1, 10), 1)).toBe(b);
    expect(core.lookup(svc, flow(2, 10), 2)).toBe(b);
  });

  it('gives an excluded flow another backend and tracks the new one', () => {
    const core = coreFor(engine);
    const { svc, backends: [a, b] } = serviceWith(core, 'mh', [1, 1]);
    const first = core.lookup(svc, flow(9), 0);
    const other = first === a ? b : a;
    expect(core.lookup(svc, flow(9), 1, [first])).toBe(other);
    expect(core.flowBackend(svc, flow(9), 1)).toBe(other);
    expect(core.backendCounts(first).active).toBe(0);
    expect(core.lookup(svc, flow(9), 2, [a, b])).toBe(NO_BACKEND);
  });

  it('reports TABLE_FULL for new flows at the limit and still serves tracked ones', () => {
    const core = coreFor(engine, 3);
    const { svc, backends: [a] } = serviceWith(core, 'rr', [1]);
    for (let i = 0; i < 3; i++) expect(core.lookup(svc, flow(i), 0)).toBe(a);
    expect(core.lookup(svc, flow(3), 0)).toBe(TABLE_FULL);
    expect(core.lookup(svc, flow(1), 0)).toBe(a);
    core.release(svc, flow(0));
    expect(core.lookup(svc, flow(3), 0)).toBe(a);
  });

  it('finds every one of 50,000 flows after the table has grown many times', () => {
    const core = coreFor(engine);
    const { svc } = serviceWith(core, 'mh', new Array(16).fill(1), { protocol: 'udp' });
    const n = 50_000;
    const first = new Int32Array(n);
    for (let i = 0; i < n; i++) first[i] = core.lookup(svc, flow(i), 0);
    expect(core.flowCount()).toBe(n);
    for (let i = 0; i < n; i += 7) expect(core.flowBackend(svc, flow(i), 1)).toBe(first[i]);
  });

  it('sweeps idle and stale entries in bounded steps until none is left', () => {
    const core = coreFor(engine);
    const udp = serviceWith(core, 'rr', [1, 1], { protocol: 'udp', flowTimeoutMs: 100 });
    const tcp = serviceWith(core, 'rr', [1]);
    for (let i = 0; i < 2000; i++) core.lookup(udp.svc, flow(i), 0);
    for (let i = 0; i < 10; i++) core.lookup(tcp.svc, flow(i, 1, 99), 0);
    core.removeService(tcp.svc);
    expect(core.sweep(50, 1 << 20)).toBe(10);
    let dropped = 0;
    let calls = 0;
    while (core.flowCount() > 0 && calls < 1000) {
      const d = core.sweep(200, 256);
      expect(d).toBeLessThanOrEqual(256);
      dropped += d;
      calls++;
    }
    expect(dropped).toBe(2000);
    expect(calls).toBeGreaterThan(1);
    expect(core.backendCounts(udp.backends[0]).inactive).toBe(0);
  });

  it('answers lookupBatch exactly as the same lookups one by one', () => {
    const batched = coreFor(engine);
    const single = coreFor(engine);
    const a = serviceWith(batched, 'wlc', [1, 2, 3], { protocol: 'udp', affinityTimeoutMs: 50 });
    const b = serviceWith(single, 'wlc', [1, 2, 3], { protocol: 'udp', affinityTimeoutMs: 50 });
    const n = 10_000;
    const input = new Uint32Array(n * 5);
    for (let i = 0; i < n; i++) {
      const f = flow(i % 3000, 3);
      input.set([f.keyLo, f.keyHi, f.srcHash, f.dstHash, f.client], i * 5);
    }
    const out = new Int32Array(n);
    batched.lookupBatch(a.svc, input, out, n, 10);
    const expected = Array.from({ length: n }, (_, i) => single.lookup(b.svc, flow(i % 3000, 3), 10));
    expect(Array.from(out)).toEqual(expected);
  });
});
