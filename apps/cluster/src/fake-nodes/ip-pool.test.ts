import { describe, expect, it } from 'vitest';
import { parseCidr } from '../network/cidr.js';
import { IpPool } from './ip-pool.js';

describe('IpPool', () => {
  it('hands out addresses from .2 on, one per owner, the same again to the same owner', () => {
    const pool = new IpPool(parseCidr('10.244.128.0/24'));
    expect(pool.allocate('default/a')).toBe('10.244.128.2');
    expect(pool.allocate('default/b')).toBe('10.244.128.3');
    expect(pool.allocate('default/a')).toBe('10.244.128.2');
    expect(pool.inUse).toBe(2);
  });

  it('reuses a released address before fresh ones', () => {
    const pool = new IpPool(parseCidr('10.244.128.0/24'));
    pool.allocate('a');
    pool.allocate('b');
    pool.release('a');
    expect(pool.allocate('c')).toBe('10.244.128.2');
  });

  it('runs out without the network, gateway and broadcast addresses', () => {
    const pool = new IpPool(parseCidr('10.0.0.0/29'));
    const got = ['a', 'b', 'c', 'd', 'e', 'f'].map((o) => pool.allocate(o));
    expect(got).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6', undefined]);
  });

  it('adopts addresses pods already have and never hands them out twice', () => {
    const pool = new IpPool(parseCidr('10.0.0.0/24'));
    expect(pool.adopt('old', '10.0.0.3')).toBe(true);
    expect(pool.adopt('other', '10.0.0.3')).toBe(false);
    expect(pool.adopt('outside', '10.9.0.3')).toBe(false);
    expect([pool.allocate('x'), pool.allocate('y')]).toEqual(['10.0.0.2', '10.0.0.4']);
  });
});
