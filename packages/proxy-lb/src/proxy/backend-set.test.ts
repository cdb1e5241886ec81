import { describe, expect, it } from 'vitest';
import { createLbCore } from '../engine-factory.js';
import { newFlowKey } from '../hash.js';
import { BackendSet } from './backend-set.js';

function setup(protocol: 'tcp' | 'udp') {
  const core = createLbCore({ engine: 'wasm' });
  const svc = core.addService({ scheduler: 'rr', protocol });
  return { core, svc, set: new BackendSet(core, svc, protocol === 'tcp') };
}

const a = { address: '10.0.0.1', port: 80 };
const b = { address: '10.0.0.2', port: 80 };

describe('backend set', () => {
  it('adds, re-weights and drains backends to match the spec', () => {
    const { set } = setup('tcp');
    set.apply([a, b]);
    set.apply([{ ...a, weight: 5 }, { ...b, draining: true }]);
    expect(set.status().map((s) => [s.address, s.weight, s.draining])).toEqual([
      ['10.0.0.1', 5, false],
      ['10.0.0.2', 1, true],
    ]);
  });

  it('removes an idle backend that left the spec at once', () => {
    const { set } = setup('tcp');
    set.apply([a, b]);
    set.apply([b]);
    expect(set.status().map((s) => s.address)).toEqual(['10.0.0.2']);
  });

  it('keeps a TCP backend with open connections as leaving until they end', () => {
    const { core, svc, set } = setup('tcp');
    set.apply([a]);
    const flow = { ...newFlowKey(), keyLo: 1 };
    const slot = core.lookup(svc, flow, 0);
    expect(set.entry(slot)?.address).toBe('10.0.0.1');
    set.apply([b]);
    expect(set.status().find((s) => s.address === '10.0.0.1')).toMatchObject({ leaving: true, draining: true, activeFlows: 1 });
    set.reap();
    expect(set.status()).toHaveLength(2);
    core.release(svc, flow);
    set.reap();
    expect(set.status().map((s) => s.address)).toEqual(['10.0.0.2']);
  });

  it('takes a leaving backend back when it returns to the spec', () => {
    const { core, svc, set } = setup('tcp');
    set.apply([a]);
    const slot = core.lookup(svc, { ...newFlowKey(), keyLo: 2 }, 0);
    set.apply([]);
    set.apply([a]);
    expect(set.status()).toEqual([expect.objectContaining({ address: '10.0.0.1', leaving: false, draining: false })]);
    expect(core.pick(svc, 0, 0)).toBe(slot);
  });

  it('drops a UDP backend at once even while it has flows', () => {
    const { core, svc, set } = setup('udp');
    set.apply([a, b]);
    core.lookup(svc, { ...newFlowKey(), keyLo: 3 }, 0);
    set.apply([b]);
    expect(set.status().map((s) => s.address)).toEqual(['10.0.0.2']);
  });
});
