// Both engines run the same random operations; every result, every error code and the final tables and
// counters must agree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flow, hashes } from '../test-util/core-builders.js';
import type { LbCore, SchedulerName } from './core.js';
import { createLbCore } from './engine-factory.js';
import { isLbError } from './errors.js';

const sched = fc.constantFrom<SchedulerName>('rr', 'wrr', 'lc', 'wlc', 'sh', 'dh', 'mh');
const tableSize = fc.constantFrom(7, 13, 251, 4093);
const timeout = fc.constantFrom(0, 50, 200);
const ref = fc.nat(40);
const u32 = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffffffff }));

const op = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('addService' as const), sched, udp: fc.boolean(), tableSize, flow: timeout, aff: timeout }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('configure' as const), svc: ref, sched, tableSize, flow: timeout, aff: timeout }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('removeService' as const), svc: ref }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('addBackend' as const), svc: ref, id1: u32, id2: u32, weight: fc.integer({ min: 0, max: 6 }) }), weight: 6 },
  { arbitrary: fc.record({ k: fc.constant('setWeight' as const), b: ref, weight: fc.integer({ min: -1, max: 6 }) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('setDraining' as const), b: ref, on: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('removeBackend' as const), b: ref }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('pick' as const), svc: ref, src: u32, dst: u32, excl: fc.array(ref, { maxLength: 3 }) }), weight: 5 },
  { arbitrary: fc.record({ k: fc.constant('pickBatch' as const), svc: ref, seed: fc.nat(), n: fc.nat(300) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('lookup' as const), svc: ref, f: fc.nat(60), share: fc.constantFrom(1, 4), excl: fc.array(ref, { maxLength: 2 }) }), weight: 8 },
  { arbitrary: fc.record({ k: fc.constant('lookupBatch' as const), svc: ref, start: fc.nat(60), n: fc.nat(200) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('release' as const), svc: ref, f: fc.nat(60) }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('flowBackend' as const), svc: ref, f: fc.nat(60) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('sweep' as const), budget: fc.nat(600) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('advance' as const), ms: fc.nat(120) }), weight: 2 },
);

type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** Runs the ops, recording each outcome; ids are referenced by creation index (removed ones included). */
function run(engine: 'wasm' | 'ts', ops: Op[], maxFlows: number): unknown[] {
  const core: LbCore = createLbCore({ engine, maxFlows, maxServices: 12, maxBackends: 60 });
  const services: number[] = [];
  const backends: number[] = [];
  const svcAt = (i: number) => (services.length ? services[i % services.length] : i);
  const bAt = (i: number) => (backends.length ? backends[i % backends.length] : i);
  let now = 0;
  const out: unknown[] = [];
  const attempt = (f: () => unknown) => {
    try {
      out.push(f());
    } catch (e) {
      if (!isLbError(e)) throw e;
      out.push(`error:${e.code}`);
    }
  };
  for (const o of ops) {
    switch (o.k) {
      case 'addService':
        attempt(() => {
          const s = core.addService({ scheduler: o.sched, protocol: o.udp ? 'udp' : 'tcp', maglevTableSize: o.tableSize, flowTimeoutMs: o.flow, affinityTimeoutMs: o.aff });
          services.push(s);
          return s;
        });
        break;
      case 'configure':
        attempt(() => core.configureService(svcAt(o.svc), { scheduler: o.sched, maglevTableSize: o.tableSize, flowTimeoutMs: o.flow, affinityTimeoutMs: o.aff }));
        break;
      case 'removeService':
        attempt(() => core.removeService(svcAt(o.svc)));
        break;
      case 'addBackend':
        attempt(() => {
          const b = core.addBackend(svcAt(o.svc), { id1: o.id1, id2: o.id2, weight: o.weight });
          backends.push(b);
          return b;
        });
        break;
      case 'setWeight':
        attempt(() => core.setWeight(bAt(o.b), o.weight));
        break;
      case 'setDraining':
        attempt(() => core.setDraining(bAt(o.b), o.on));
        break;
      case 'removeBackend':
        attempt(() => core.removeBackend(bAt(o.b)));
        break;
      case 'pick':
        attempt(() => core.pick(svcAt(o.svc), o.src, o.dst, o.excl.map(bAt)));
        break;
      case 'pickBatch':
        attempt(() => {
          const h = hashes(o.n * 2, o.seed);
          const res = new Int32Array(o.n);
          core.pickBatch(svcAt(o.svc), h, res, o.n);
          return Array.from(res);
        });
        break;
      case 'lookup':
        attempt(() => core.lookup(svcAt(o.svc), flow(o.f, o.share), now, o.excl.map(bAt)));
        break;
      case 'lookupBatch':
        attempt(() => {
          const input = new Uint32Array(o.n * 5);
          for (let i = 0; i < o.n; i++) {
            const f = flow((o.start + i) % 61, 2);
            input.set([f.keyLo, f.keyHi, f.srcHash, f.dstHash, f.client], i * 5);
          }
          const res = new Int32Array(o.n);
          core.lookupBatch(svcAt(o.svc), input, res, o.n, now);
          return Array.from(res);
        });
        break;
      case 'release':
        attempt(() => core.release(svcAt(o.svc), flow(o.f)));
        break;
      case 'flowBackend':
        attempt(() => core.flowBackend(svcAt(o.svc), flow(o.f), now));
        break;
      case 'sweep':
        attempt(() => core.sweep(now, o.budget));
        break;
      case 'advance':
        now += o.ms;
        break;
    }
  }
  out.push(core.flowCount());
  for (const s of services) attempt(() => Array.from(core.table(s)));
  for (const b of backends) attempt(() => core.backendCounts(b));
  return out;
}

describe('wasm and ts engines', () => {
  it('give identical results for random services, flows and changes', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 200, size: 'max' }), fc.constantFrom(20, 1 << 20), (ops, maxFlows) => {
        expect(run('wasm', ops, maxFlows)).toEqual(run('ts', ops, maxFlows));
      }),
      { numRuns: 250 },
    );
  });

  it('agree on large Maglev tables with many weighted backends', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(u32, u32, fc.integer({ min: 1, max: 50 })), { minLength: 1, maxLength: 200, size: 'max' }), (bs) => {
        const tables = (['wasm', 'ts'] as const).map((engine) => {
          const core = createLbCore({ engine });
          const s = core.addService({ scheduler: 'mh', protocol: 'tcp' });
          for (const [id1, id2, weight] of bs) core.addBackend(s, { id1, id2, weight });
          return core.table(s);
        });
        expect(tables[0]).toEqual(tables[1]);
      }),
      { numRuns: 12 },
    );
  });
});
