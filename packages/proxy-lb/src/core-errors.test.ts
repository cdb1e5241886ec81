import { describe, expect, it } from 'vitest';
import { coreFor, engines, flow, serviceWith } from '../test-util/core-builders.js';
import type { LbCore } from './core.js';
import { createLbCore } from './engine-factory.js';
import { isLbError, type LbErrorCode } from './errors.js';

function codeOf(f: () => unknown): LbErrorCode | 'none' {
  try {
    f();
    return 'none';
  } catch (e) {
    if (isLbError(e)) return e.code;
    throw e;
  }
}

const cases: [string, LbErrorCode, (core: LbCore, svc: number, b: number) => unknown][] = [
  ['an unknown scheduler', 'InvalidArgument', (c) => c.addService({ scheduler: 'random' as 'rr', protocol: 'tcp' })],
  ['an unknown protocol', 'InvalidArgument', (c) => c.addService({ scheduler: 'rr', protocol: 'sctp' as 'tcp' })],
  ['a Maglev table size that is not prime', 'InvalidArgument', (c) => c.addService({ scheduler: 'mh', protocol: 'tcp', maglevTableSize: 1000 })],
  ['a Maglev table size above the limit', 'InvalidArgument', (c) => c.addService({ scheduler: 'mh', protocol: 'tcp', maglevTableSize: 2_000_003 })],
  ['a negative flow timeout', 'InvalidArgument', (c) => c.addService({ scheduler: 'rr', protocol: 'udp', flowTimeoutMs: -1 })],
  ['an infinite affinity timeout', 'InvalidArgument', (c) => c.addService({ scheduler: 'rr', protocol: 'udp', affinityTimeoutMs: Infinity })],
  ['a weight above 65535', 'InvalidArgument', (c, s) => c.addBackend(s, { id1: 1, id2: 2, weight: 70000 })],
  ['a fractional weight', 'InvalidArgument', (c, _s, b) => c.setWeight(b, 1.5)],
  ['an identity hash that is not a u32', 'InvalidArgument', (c, s) => c.addBackend(s, { id1: -1, id2: 2 })],
  ['an unknown service', 'UnknownService', (c) => c.pick(99, 1, 2)],
  ['a fractional service id', 'UnknownService', (c) => c.lookup(0.5, flow(1), 0)],
  ['a removed service', 'UnknownService', (c, s) => (c.removeService(s), c.lookup(s, flow(1), 0))],
  ['an unknown backend', 'UnknownBackend', (c) => c.setDraining(1234, true)],
  ['a removed backend', 'UnknownBackend', (c, _s, b) => (c.removeBackend(b), c.backendCounts(b))],
  ['too many exclusions', 'InvalidArgument', (c, s) => c.pick(s, 1, 2, new Array(65).fill(0))],
  ['a NaN clock', 'InvalidArgument', (c, s) => c.lookup(s, flow(1), NaN)],
  ['a negative sweep budget', 'InvalidArgument', (c) => c.sweep(0, -5)],
  ['a batch longer than its buffers', 'InvalidArgument', (c, s) => c.pickBatch(s, new Uint32Array(4), new Int32Array(4), 3)],
];

describe.each(engines)('bad input (%s engine)', (engine) => {
  it.each(cases)('rejects %s with %s', (_name, code, f) => {
    const core = coreFor(engine);
    const { svc, backends } = serviceWith(core, 'rr', [1, 1]);
    expect(codeOf(() => f(core, svc, backends[0]))).toBe(code);
  });

  it('rejects limits it cannot honour', () => {
    expect(codeOf(() => createLbCore({ engine, maxFlows: (1 << 24) + 1 }))).toBe('InvalidArgument');
    expect(codeOf(() => createLbCore({ engine, maxServices: 0 }))).toBe('InvalidArgument');
  });

  it('reports LimitReached past maxServices and maxBackends', () => {
    const core = createLbCore({ engine, maxServices: 1, maxBackends: 2 });
    const s = core.addService({ scheduler: 'rr', protocol: 'tcp' });
    expect(codeOf(() => core.addService({ scheduler: 'rr', protocol: 'tcp' }))).toBe('LimitReached');
    core.addBackend(s, { id1: 1, id2: 1 });
    core.addBackend(s, { id1: 2, id2: 2 });
    expect(codeOf(() => core.addBackend(s, { id1: 3, id2: 3 }))).toBe('LimitReached');
  });
});

it('rejects an unknown engine name', () => {
  expect(codeOf(() => createLbCore({ engine: 'gpu' as 'ts' }))).toBe('InvalidArgument');
});
