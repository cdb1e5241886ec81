import { describe, expect, it } from 'vitest';
import { renderRemoval, renderRuleset, type KernelService } from './nft-ruleset.js';

const mh: KernelService = {
  address: '10.96.0.10',
  port: 53,
  protocol: 'udp',
  selector: { kind: 'hash', fields: 'saddr-sport', seed: 0xdeadbeef },
  slots: [
    { address: '10.244.0.5', port: 5353 },
    { address: '10.244.1.7', port: 5353 },
    { address: '10.244.0.5', port: 5353 },
  ],
};

describe('nftables ruleset', () => {
  it('maps every table slot to its backend and hashes the flow fields the scheduler names', () => {
    const script = renderRuleset('skiff_proxy', [mh], { masquerade: false });
    expect(script.startsWith('table inet skiff_proxy {}\ndelete table inet skiff_proxy\ntable inet skiff_proxy {\n')).toBe(true);
    expect(script).toContain('elements = { 0 : 10.244.0.5 . 5353, 1 : 10.244.1.7 . 5353, 2 : 10.244.0.5 . 5353 }');
    expect(script).toContain('ip daddr 10.96.0.10 udp dport 53 dnat ip to jhash ip saddr . udp sport mod 3 seed 0xdeadbeef map @svc0');
    expect(script).toContain('type nat hook prerouting priority dstnat');
    expect(script).toContain('type nat hook output priority -100');
    expect(script).not.toContain('masquerade');
  });

  it('round-robins with a counter, uses ip6 for IPv6 services, and marks flows for masquerade when asked', () => {
    const v6: KernelService = {
      address: 'fd00:96::1',
      port: 80,
      protocol: 'tcp',
      selector: { kind: 'round-robin' },
      slots: [{ address: 'fd00:244::5', port: 8080 }, { address: 'fd00:244::6', port: 8080 }],
    };
    const script = renderRuleset('t1', [mh, v6], { masquerade: true });
    expect(script).toContain('typeof numgen inc mod 2 : ip6 daddr . tcp dport');
    expect(script).toContain('ip6 daddr fd00:96::1 tcp dport 80 meta mark set meta mark | 0x4000 dnat ip6 to numgen inc mod 2 map @svc1');
    expect(script).toContain('meta mark & 0x4000 != 0 oifname != "lo" masquerade');
  });

  it('refuses what nft would misread: a bad table name, no slots, a backend of the other family', () => {
    expect(() => renderRuleset('bad name;', [], { masquerade: false })).toThrow(/not a valid identifier/);
    expect(() => renderRemoval('x y')).toThrow(/not a valid identifier/);
    expect(() => renderRuleset('t', [{ ...mh, slots: [] }], { masquerade: false })).toThrow(/no backend slots/);
    expect(() => renderRuleset('t', [{ ...mh, slots: [{ address: 'fd00::1', port: 1 }] }], { masquerade: false })).toThrow(
      /another family: fd00::1/,
    );
  });
});
