import { describe, expect, it } from 'vitest';
import { backendIdentity, canonicalAddress, fillFlowKey, newFlowKey } from './hash.js';

describe('hashes fed to the core', () => {
  it('gives one backend the same identity every time and different backends different ones', () => {
    expect(backendIdentity('10.1.2.3', 8080)).toEqual(backendIdentity('10.1.2.3', 8080));
    expect(backendIdentity('10.1.2.3', 8080)).not.toEqual(backendIdentity('10.1.2.3', 8081));
    const { id1, id2 } = backendIdentity('10.1.2.4', 80);
    expect(id1).not.toBe(id2);
  });

  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['::ffff:abcd', '::ffff:abcd'],
  ])('treats %s as the client %s', (given, canonical) => {
    expect(canonicalAddress(given)).toBe(canonical);
  });

  it('keys flows by 5-tuple and protocol, and keeps the client hash free of the port', () => {
    const a = { ...fillFlowKey(newFlowKey(), 'tcp', '1.2.3.4', 1000, '10.96.0.1', 80, false) };
    const b = { ...fillFlowKey(newFlowKey(), 'tcp', '::ffff:1.2.3.4', 1001, '10.96.0.1', 80, false) };
    const u = { ...fillFlowKey(newFlowKey(), 'udp', '1.2.3.4', 1000, '10.96.0.1', 80, false) };
    expect([a.keyLo, a.keyHi]).not.toEqual([b.keyLo, b.keyHi]);
    expect([a.keyLo, a.keyHi]).not.toEqual([u.keyLo, u.keyHi]);
    expect(a.client).toBe(b.client);
    expect(a.srcHash).toBe(b.srcHash);
  });

  it('spreads one client over source hashes when ports are hashed', () => {
    const seen = new Set<number>();
    for (let port = 1000; port < 1100; port++) seen.add(fillFlowKey(newFlowKey(), 'tcp', '1.2.3.4', port, '10.0.0.1', 80, true).srcHash);
    expect(seen.size).toBe(100);
  });
});
